import type { Redis } from 'ioredis';

interface OutageLog {
  warn(obj: object, msg: string): void;
  info(msg: string): void;
}

/**
 * ioredis reconnects by itself and emits 'error' at every failed attempt: during an outage that is
 * several lines a second per client. One warning when a client loses Redis, one line when it is back.
 */
export function watchRedis(client: Redis, name: string, log: OutageLog): void {
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn(
      { err: { message: err.message, code: (err as NodeJS.ErrnoException).code } },
      `redis (${name}) unavailable`,
    );
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.info(`redis (${name}) reachable again`);
  });
}
