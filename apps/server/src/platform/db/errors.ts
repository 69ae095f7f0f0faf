/**
 * Database failures that say nothing about the request: the server restarted, failed over, refused
 * connections or gave up on a lock. The request may simply be tried again a moment later, so the
 * HTTP layer answers 503 with `Retry-After` instead of 500, and background loops log and go on.
 */
const retryableSqlStates = new Set([
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '57P01', // admin_shutdown: "terminating connection due to administrator command"
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: "the database system is starting up / shutting down"
  '53300', // too_many_connections
  '53000', // insufficient_resources
  '53100', // disk_full: space freed, the same request succeeds
  '53200', // out_of_memory
  '25006', // read_only_sql_transaction: a failover to a standby not yet promoted
  '57014', // query_canceled (by an administrator or a timeout)
  '55P03', // lock_not_available (lock_timeout)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

const retryableErrnos = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

// node-postgres reports a lost socket with plain messages and no code.
const retryableMessages =
  /Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect|Cannot use a pool after calling end|Query read timeout/i;

/** True when `err` (or an error it wraps: drizzle wraps driver errors in `cause`) is such a failure. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (retryableSqlStates.has(code) || retryableErrnos.has(code))) return true;
    if (retryableMessages.test(e.message)) return true;
    // AggregateError (several addresses refused, e.g. ::1 and 127.0.0.1).
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}

/** The first string `field` of `err` or of an error it wraps (drizzle wraps driver errors in `cause`). */
function wrapped(
  err: unknown,
  field: 'code' | 'constraint',
  valid: (value: string) => boolean,
): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as Error).cause, depth++) {
    const value = (e as Record<string, unknown>)[field];
    if (typeof value === 'string' && valid(value)) return value;
  }
  return null;
}

/** The SQLSTATE of a database error, also when drizzle wrapped it. */
export function sqlState(err: unknown): string | null {
  return wrapped(err, 'code', (code) => /^[0-9A-Z]{5}$/.test(code));
}

/** A deadlock or serialization failure between two transactions: the loser may simply run again. */
export function isTransactionConflict(err: unknown): boolean {
  const code = sqlState(err);
  return code === '40P01' || code === '40001';
}

/** The constraint a database error names (a unique key, a foreign key), also when drizzle wrapped it. */
export function constraintOf(err: unknown): string | null {
  return wrapped(err, 'constraint', () => true);
}

const OUTAGE_SUMMARY_MS = 30_000;
let outage = { firstAt: 0, lastLogAt: 0, suppressed: 0 };

/**
 * Logs a failure for which the database was unavailable without one line per failed request or batch:
 * the first at warn with its error, then at most one summary every 30 s while it lasts ("n more").
 */
export function reportUnavailable(
  log: { warn(obj: object, msg: string): void },
  err: unknown,
  where: string,
  now = Date.now(),
): void {
  if (now - outage.lastLogAt > 2 * OUTAGE_SUMMARY_MS) outage = { firstAt: now, lastLogAt: 0, suppressed: 0 };
  if (outage.lastLogAt === 0) {
    outage.lastLogAt = now;
    log.warn({ err }, `database unavailable (${where})`);
    return;
  }
  outage.suppressed++;
  if (now - outage.lastLogAt >= OUTAGE_SUMMARY_MS) {
    log.warn(
      { failures: outage.suppressed, forSeconds: Math.round((now - outage.firstAt) / 1000), err },
      `database still unavailable: ${outage.suppressed} more failures (latest: ${where})`,
    );
    outage.lastLogAt = now;
    outage.suppressed = 0;
  }
}

/**
 * A background batch failed (messages, read receipts): an outage is reported as above, anything else
 * is an error of its own, logged with the batch's size.
 */
export function reportBatchFailure(
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void },
  err: unknown,
  what: string,
  size: number,
): void {
  if (isDatabaseUnavailable(err)) reportUnavailable(log, err, what);
  else log.error({ err, size }, `${what} failed`);
}
