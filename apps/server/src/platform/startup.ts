/**
 * Why the server could not start, said in one line an administrator can act on — the setting to
 * change and what was wrong with it — instead of a stack trace. `main.ts` prints the message and
 * exits 1; anything not recognised here keeps its stack (it is a bug to report).
 */
export class StartupError extends Error {}

/** `postgres://user:secret@host:5432/db?x` → `host:5432/db`: where, never the password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'an address that is not a URL';
  }
}

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (e instanceof AggregateError && e.errors[0]) return codeOf(e.errors[0]);
  }
  return undefined;
}

const networkReasons: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused — is it running, and on this port?',
  ENOTFOUND: 'the host name is not known',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was reset',
};

/** A failed first connection to PostgreSQL, as the setting to check. */
export function postgresStartupError(err: unknown, url: string): StartupError {
  const code = codeOf(err);
  const reason =
    (code && networkReasons[code]) ??
    (code === '3D000'
      ? 'that database does not exist (create it first; Parley creates its tables itself)'
      : code === '28P01' || code === '28000'
        ? 'the user name or password was refused'
        : code === '57P03'
          ? 'the database is starting up or shutting down; start Parley again in a moment'
          : code === '53300'
            ? 'it accepts no more connections'
            : /timeout/i.test(String((err as Error)?.message))
              ? 'the connection timed out'
              : String((err as Error)?.message ?? err));
  return new StartupError(`cannot connect to PostgreSQL at ${describeUrl(url)} (DATABASE_URL): ${reason}`);
}

/** A failed first connection to Redis, as the setting to check. */
export function redisStartupError(err: unknown, url: string): StartupError {
  const code = codeOf(err);
  const reason =
    (code && networkReasons[code]) ??
    (/NOAUTH|WRONGPASS|invalid password/i.test(String((err as Error)?.message))
      ? 'the password was refused'
      : String((err as Error)?.message ?? err));
  return new StartupError(`cannot connect to Redis at ${describeUrl(url)} (REDIS_URL): ${reason}`);
}

const fileReasons: Record<string, string> = {
  EEXIST: 'it is a file, not a directory',
  ENOTDIR: 'a part of that path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EISDIR: 'a directory stands where a file should be',
  EMFILE: 'too many open files',
};

/**
 * The message for an error that stopped the start, or null when it is not one an administrator can
 * fix by a setting (a bug: printed with its stack).
 */
export function explainStartupError(
  err: unknown,
  config?: { dataDir: string; port: number; host: string },
): string | null {
  if (err instanceof StartupError) return err.message;
  if (!config) return null;
  const code = codeOf(err);
  const e = err as NodeJS.ErrnoException;
  if (code === 'EADDRINUSE') return `port ${config.port} is already in use on ${config.host} (PORT, HOST)`;
  if (code === 'EADDRNOTAVAIL') return `this machine has no address ${config.host} to listen on (HOST)`;
  if (code === 'EACCES' && e.syscall === 'listen')
    return `not allowed to listen on port ${config.port} (PORT): ports below 1024 need privileges`;
  if (code && fileReasons[code] && typeof e.path === 'string') {
    return `cannot use the data directory ${config.dataDir} (DATA_DIR): ${fileReasons[code]} (${e.syscall ?? 'open'} ${e.path})`;
  }
  return null;
}
