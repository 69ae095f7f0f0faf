import path from 'node:path';
import { StartupError } from './startup.ts';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  storageDir: string;
  publicUrl: string;
  smtpUrl: string | undefined;
  logLevel: string;
  demo: boolean;
  demoPassword: string;
  /**
   * Attempts a minute at one account from one address (login, password reset) before 429; also
   * per address and invitation for accepting one, and per user for changing a password.
   */
  loginRateLimit: number;
  /** Logins (and password resets) a minute from one address, whatever the accounts, before 429. */
  loginIpRateLimit: number;
  /** Consecutive failed logins of one account before it is locked for `lockoutMinutes`. */
  lockoutThreshold: number;
  /** Messages one visitor may send per minute. */
  widgetMessageRateLimit: number;
  /** Widget sessions one IP address may start per minute (page loads of one office share an address). */
  widgetSessionRateLimit: number;
  lockoutMinutes: number;
  /** OPS-4: an impersonation ends by itself after this many minutes. */
  impersonationMinutes: number;
  /** Days events are kept for clients to resume from; older ones are deleted. */
  eventRetentionDays: number;
  /** Prefix of rate-limit counters in Redis; nodes of one installation share it. */
  rateLimitNamespace: string;
  /** Serve the built console and widget; tests that only exercise the API turn it off. */
  serveWeb: boolean;
  /**
   * Which proxies' `X-Forwarded-*` headers to believe (Fastify's `trustProxy`): false trusts none,
   * so a client cannot choose the address that per-IP limits and the connection history see.
   */
  trustProxy: TrustProxy;
}

export type TrustProxy = boolean | number | string[];

/** `TRUST_PROXY`: unset/`false` = none, `true` = any, a hop count, or comma-separated IPs/CIDRs. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/** A whole-number setting, or a StartupError naming it. */
function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new StartupError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/** A URL setting with one of `protocols`, or a StartupError naming it (never printing a password). */
function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let protocol: string;
  try {
    protocol = new URL(raw).protocol.replace(/:$/, '');
  } catch {
    throw new StartupError(`${name} is not a URL (expected ${protocols[0]}://…)`);
  }
  if (!protocols.includes(protocol)) {
    throw new StartupError(
      `${name} must start with ${protocols.map((p) => `${p}://`).join(' or ')}, not ${protocol}://`,
    );
  }
  return raw;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): Config {
  const port = integer(env, 'PORT', 3000, 0, 65_535);
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const logLevel = env.LOG_LEVEL || 'info';
  if (!logLevels.includes(logLevel)) {
    throw new StartupError(`LOG_LEVEL must be one of ${logLevels.join(', ')}, not "${logLevel}"`);
  }
  const max = 1_000_000_000;
  return {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl: url(env, 'DATABASE_URL', ['postgres', 'postgresql']),
    redisUrl: url(env, 'REDIS_URL', ['redis', 'rediss']),
    dataDir,
    storageDir: path.resolve(env.STORAGE_DIR || path.join(dataDir, 'storage')),
    publicUrl: (url(env, 'PUBLIC_URL', ['http', 'https']) ?? `http://localhost:${port}`).replace(/\/$/, ''),
    smtpUrl: url(env, 'SMTP_URL', ['smtp', 'smtps']),
    logLevel,
    demo: argv.includes('--demo') || env.PARLEY_DEMO === '1',
    demoPassword: env.PARLEY_DEMO_PASSWORD || 'parley-demo',
    loginRateLimit: integer(env, 'LOGIN_RATE_LIMIT', 10, 1, max),
    loginIpRateLimit: integer(env, 'LOGIN_IP_RATE_LIMIT', 30, 1, max),
    lockoutThreshold: integer(env, 'LOCKOUT_THRESHOLD', 5, 1, max),
    widgetMessageRateLimit: integer(env, 'WIDGET_MESSAGE_RATE_LIMIT', 120, 1, max),
    widgetSessionRateLimit: integer(env, 'WIDGET_SESSION_RATE_LIMIT', 300, 1, max),
    lockoutMinutes: integer(env, 'LOCKOUT_MINUTES', 15, 1, 525_600),
    impersonationMinutes: integer(env, 'IMPERSONATION_MINUTES', 30, 1, 1440),
    rateLimitNamespace: env.RATE_LIMIT_NAMESPACE ?? 'parley-rl-',
    eventRetentionDays: integer(env, 'EVENT_RETENTION_DAYS', 14, 1, 3650),
    serveWeb: env.PARLEY_SERVE_WEB !== '0',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
}
