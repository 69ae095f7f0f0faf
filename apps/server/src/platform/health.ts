import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from './db/client.ts';

const PROBE_TIMEOUT_MS = 2000;

/**
 * `/healthz`: the process answers (liveness; a database outage is no reason to restart it).
 * `/readyz`: this node can serve — the database answers a query within 2 s, Redis (when configured)
 * is connected, and the node is not shutting down — 200, or 503 naming what is not; for load
 * balancers and orchestrators to send traffic elsewhere meanwhile.
 */
export function healthRoutes(
  app: FastifyInstance,
  opts: {
    db: Db;
    redis: Redis | undefined;
    version: string;
    kind: 'pglite' | 'postgres';
    closing: () => boolean;
  },
): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({
    status: 'ok',
    version: opts.version,
    database: opts.kind,
    redis: Boolean(opts.redis),
  }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
    });
    const database = await Promise.race([opts.db.execute(sql`SELECT 1`), timeout]).then(
      () => 'ok',
      () => 'unavailable',
    );
    clearTimeout(timer);
    const redis = !opts.redis ? 'not used' : opts.redis.status === 'ready' ? 'ok' : 'unavailable';
    const closing = opts.closing();
    const ready = database === 'ok' && redis !== 'unavailable' && !closing;
    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : closing ? 'shutting down' : 'unavailable', database, redis });
  });
}
