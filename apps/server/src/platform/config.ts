import path from 'node:path';

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
  /** Login attempts per IP per minute before 429. */
  loginRateLimit: number;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): Config {
  const port = Number(env.PORT ?? 3000);
  const dataDir = path.resolve(env.DATA_DIR ?? 'data');
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    dataDir,
    storageDir: path.resolve(env.STORAGE_DIR ?? path.join(dataDir, 'storage')),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    smtpUrl: env.SMTP_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    demo: argv.includes('--demo') || env.PARLEY_DEMO === '1',
    demoPassword: env.PARLEY_DEMO_PASSWORD || 'parley-demo',
    loginRateLimit: Number(env.LOGIN_RATE_LIMIT ?? 10),
    lockoutThreshold: Number(env.LOCKOUT_THRESHOLD ?? 5),
    widgetMessageRateLimit: Number(env.WIDGET_MESSAGE_RATE_LIMIT ?? 120),
    widgetSessionRateLimit: Number(env.WIDGET_SESSION_RATE_LIMIT ?? 300),
    lockoutMinutes: Number(env.LOCKOUT_MINUTES ?? 15),
    impersonationMinutes: Number(env.IMPERSONATION_MINUTES ?? 30),
    rateLimitNamespace: env.RATE_LIMIT_NAMESPACE ?? 'parley-rl-',
    eventRetentionDays: Number(env.EVENT_RETENTION_DAYS ?? 14),
    serveWeb: env.PARLEY_SERVE_WEB !== '0',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
}
