import { EventEmitter } from 'node:events';
import type { TypingSignal } from '@parley/contracts';
import type { Redis } from 'ioredis';
import { watchRedis } from '../platform/redis.ts';
import { redisStartupError } from '../platform/startup.ts';

export interface StoredEvent {
  workspaceId: string;
  seq: number;
  name: string;
  payload: unknown;
  at: string;
}

/**
 * What is made from an event once and reused: its payload's text (the one written to the outbox), the
 * event's text, its socket frame, the visitors' cut of it. Kept on the event itself, never in a
 * WeakMap keyed by events: V8's young-generation collector keeps the entries of a long-lived WeakMap
 * alive through every scavenge until their key is found dead, so each event and all it reached were
 * copied and then promoted to the old generation, where only a full collection frees them
 * (`bench:messages` at 2,000 msg/s: 220 MB promoted in 25 s with the WeakMaps, 77 MB without; the
 * scavenges' total pause halved). The property is not enumerable: a copy made by spreading an event
 * (a visitor's cut, a message's fresh links) starts with nothing of the original's.
 */
export interface EventMemo {
  payloadText?: string;
  text?: string;
  frame?: Buffer;
  /** The visitors' cut (audience.ts): null when visitors see nothing of it. */
  visitorCut?: StoredEvent | null;
}

const MEMO = Symbol('event memo');

export function memoOf(event: StoredEvent): EventMemo {
  let memo = (event as { [MEMO]?: EventMemo })[MEMO];
  if (memo === undefined) {
    memo = {};
    Object.defineProperty(event, MEMO, { value: memo });
  }
  return memo;
}

/** Records the JSON text of an event's payload, made once when it was published. */
export function rememberPayloadText(event: StoredEvent, text: string): void {
  memoOf(event).payloadText = text;
}

/**
 * The event as JSON, built once per event object and reused for the bus and every socket that gets
 * the event unchanged (the payload's text is the one written to the outbox).
 */
export function eventText(event: StoredEvent): string {
  const memo = memoOf(event);
  if (memo.text === undefined) {
    const payload = memo.payloadText ?? JSON.stringify(event.payload);
    memo.text = `{"workspaceId":${JSON.stringify(event.workspaceId)},"seq":${event.seq},"name":${JSON.stringify(event.name)},"payload":${payload},"at":${JSON.stringify(event.at)}}`;
  }
  return memo.text;
}

/**
 * Carries committed events to every node's realtime gateway. Delivery may be late, duplicated or out
 * of order; the gateway's workspace feeds put events in sequence and fill gaps from the outbox.
 */
/** An ephemeral signal (typing) with what the gateway needs to decide who may hear it. */
export interface SignalEnvelope {
  workspaceId: string;
  /** Who sent it ('user:<id>' or 'visitor:<id>'), so it is not echoed back to them. */
  from: string;
  conversation: {
    assigneeId: string | null;
    teamId: string | null;
    visitorId: string | null;
    contact: { id: string };
  };
  signal: TypingSignal;
}

export interface EventBus {
  publish(event: StoredEvent): void;
  subscribe(handler: (event: StoredEvent) => void): () => void;
  /** Fire and forget: signals are not stored, numbered or replayed. */
  signal(envelope: SignalEnvelope): void;
  onSignal(handler: (envelope: SignalEnvelope) => void): () => void;
  close(): Promise<void>;
}

export function createLocalBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const on = <T>(name: string, handler: (value: T) => void) => {
    emitter.on(name, handler);
    return () => {
      emitter.off(name, handler);
    };
  };
  return {
    publish: (event) => emitter.emit('event', event),
    subscribe: (handler) => on('event', handler),
    signal: (envelope) => emitter.emit('signal', envelope),
    onSignal: (handler) => on('signal', handler),
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}

const CHANNEL = 'parley:events';
const SIGNALS = 'parley:signals';

/** Cross-node bus over Redis pub/sub; events from this node are also delivered locally at once. */
export async function createRedisBus(url: string, log: Parameters<typeof watchRedis>[2]): Promise<EventBus> {
  const { Redis: RedisClient } = await import('ioredis');
  const pub: Redis = new RedisClient(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const sub: Redis = new RedisClient(url, { lazyConnect: true });
  watchRedis(pub, 'publisher', log);
  watchRedis(sub, 'subscriber', log);
  // ioredis rejects a failed first connect with "Connection is closed": the cause came as an 'error'.
  let cause: unknown;
  const remember = (err: unknown) => {
    cause ??= err;
  };
  pub.on('error', remember);
  sub.on('error', remember);
  try {
    await Promise.all([pub.connect(), sub.connect()]);
    await sub.subscribe(CHANNEL, SIGNALS);
  } catch (err) {
    pub.disconnect();
    sub.disconnect();
    throw redisStartupError(cause ?? err, url);
  } finally {
    pub.off('error', remember);
    sub.off('error', remember);
  }
  const local = createLocalBus();
  // Messages carry the sending node's id so a node does not hear its own twice.
  const node = Math.random().toString(36).slice(2);
  sub.on('message', (channel: string, raw: string) => {
    const { from, body } = JSON.parse(raw) as { from: string; body: unknown };
    if (from === node) return;
    if (channel === CHANNEL) local.publish(body as StoredEvent);
    else local.signal(body as SignalEnvelope);
  });
  const send = (channel: string, body: string) =>
    pub.publish(channel, `{"from":"${node}","body":${body}}`).catch((err: Error) => {
      // While Redis is away the outage was reported once (watchRedis), not once per event.
      if (pub.status === 'ready') log.warn({ err }, 'redis publish failed');
    });
  return {
    publish(event) {
      local.publish(event);
      void send(CHANNEL, eventText(event));
    },
    subscribe: (handler) => local.subscribe(handler),
    signal(envelope) {
      local.signal(envelope);
      void send(SIGNALS, JSON.stringify(envelope));
    },
    onSignal: (handler) => local.onSignal(handler),
    async close() {
      await local.close();
      sub.disconnect();
      pub.disconnect();
    },
  };
}
