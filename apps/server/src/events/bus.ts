import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

export interface StoredEvent {
  workspaceId: string;
  seq: number;
  name: string;
  payload: unknown;
  at: string;
}

/**
 * Carries committed events to every node's realtime gateway. Delivery may be late, duplicated or out
 * of order; the gateway's workspace feeds put events in sequence and fill gaps from the outbox.
 */
export interface EventBus {
  publish(event: StoredEvent): void;
  subscribe(handler: (event: StoredEvent) => void): () => void;
  close(): Promise<void>;
}

export function createLocalBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: (event) => emitter.emit('event', event),
    subscribe(handler) {
      emitter.on('event', handler);
      return () => emitter.off('event', handler);
    },
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}

const CHANNEL = 'parley:events';

/** Cross-node bus over Redis pub/sub; events from this node are also delivered locally at once. */
export async function createRedisBus(url: string, onError: (err: Error) => void): Promise<EventBus> {
  const { Redis: RedisClient } = await import('ioredis');
  const pub: Redis = new RedisClient(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const sub: Redis = new RedisClient(url, { lazyConnect: true });
  pub.on('error', onError);
  sub.on('error', onError);
  await Promise.all([pub.connect(), sub.connect()]);
  await sub.subscribe(CHANNEL);
  const local = createLocalBus();
  sub.on('message', (_channel: string, message: string) => {
    local.publish(JSON.parse(message) as StoredEvent);
  });
  return {
    publish(event) {
      local.publish(event);
      pub.publish(CHANNEL, JSON.stringify(event)).catch(onError);
    },
    subscribe: (handler) => local.subscribe(handler),
    async close() {
      await local.close();
      sub.disconnect();
      pub.disconnect();
    },
  };
}
