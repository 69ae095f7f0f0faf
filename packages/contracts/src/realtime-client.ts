import type { TypingSignal } from './conversations.ts';
import type { DomainEvent } from './events.ts';
import type { ServerMessage } from './realtime.ts';
import { closeCodes, heartbeatSeconds } from './realtime-protocol.ts';

const messageTypes = new Set(['event', 'ready', 'heartbeat', 'error', 'signal', 'ack']);

/** The server's answer to a `send`. */
export type Ack = Extract<ServerMessage, { type: 'ack' }>;

/** How long a `send` waits for its acknowledgement before it counts as lost (then sent again). */
const ACK_TIMEOUT_MS = 15_000;

/**
 * The server is trusted and its messages are typed by `serverMessage` in realtime.ts; the connector
 * only checks their shape, so the widget does not ship a schema library for it.
 */
function readServerMessage(data: unknown): ServerMessage | null {
  try {
    const message = JSON.parse(String(data)) as { type?: unknown };
    return typeof message?.type === 'string' && messageTypes.has(message.type)
      ? (message as ServerMessage)
      : null;
  } catch {
    return null;
  }
}

/** The part of the WebSocket API the client uses, so Node tests can pass the `ws` package. */
export interface SocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

export type RealtimeStatus = 'connecting' | 'live' | 'offline' | 'unauthorized';

export interface RealtimeClientOptions {
  /** Builds the URL for a connection that resumes after `after` (the last sequence seen, 0 for none). */
  url: (after: number) => string;
  onEvent: (event: DomainEvent) => void;
  onStatus?: (status: RealtimeStatus) => void;
  /** Ephemeral signals such as typing indicators. */
  onSignal?: (signal: TypingSignal) => void;
  /**
   * The server no longer has every event after the last sequence seen (they are kept for
   * EVENT_RETENTION_DAYS): the stream continues from now, and the state must be loaded again.
   */
  onResync?: () => void;
  /**
   * The last sequence this client saw, e.g. restored from storage. 0 (the default) means "nothing
   * yet": the stream starts live from now, with no replay; load current state over HTTP after `ready`.
   */
  after?: number;
  socket?: SocketFactory;
  /** Upper bound of the reconnect backoff. */
  maxBackoffMs?: number;
}

export interface RealtimeClient {
  /**
   * The sequence this client is caught up to: the highest delivered to `onEvent`, or the head the
   * server announced with `ready` (events up to it that this client may not see were skipped there).
   */
  readonly lastSeq: number;
  readonly status: RealtimeStatus;
  send(message: unknown): boolean;
  /**
   * Sends a frame the server acknowledges by its clientId (a visitor's `send`). Null when the socket
   * is not live; rejects when the connection is lost before the answer (the caller sends again, over
   * the socket or HTTP, with the same clientId: the server stores it once).
   */
  request(frame: {
    type: 'send';
    clientId: string;
    text: string;
    attachmentIds: string[];
  }): Promise<Ack> | null;
  /** Drops the current connection as a network failure would; the client reconnects and resumes. */
  reconnect(): void;
  close(): void;
}

/**
 * One connector for console and widget: reconnects with backoff, resumes from the last sequence it
 * delivered, drops anything it has already seen, and treats silence longer than two heartbeats as a
 * dead connection.
 */
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  const factory: SocketFactory = options.socket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  let lastSeq = options.after ?? 0;
  let status: RealtimeStatus = 'connecting';
  let socket: SocketLike | null = null;
  let attempts = 0;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let silenceTimer: ReturnType<typeof setTimeout> | undefined;
  const waiting = new Map<string, { resolve(ack: Ack): void; reject(err: Error): void }>();
  const failWaiting = () => {
    for (const [, w] of waiting) w.reject(new Error('connection lost'));
    waiting.clear();
  };

  const setStatus = (next: RealtimeStatus) => {
    if (status === next) return;
    status = next;
    options.onStatus?.(next);
  };

  const armSilenceTimer = () => {
    clearTimeout(silenceTimer);
    silenceTimer = setTimeout(() => socket?.close(4000, 'heartbeat timeout'), heartbeatSeconds * 2000);
  };

  const handle = (message: ServerMessage) => {
    if (message.type === 'event') {
      if (message.event.seq <= lastSeq) return;
      lastSeq = message.event.seq;
      options.onEvent(message.event as DomainEvent);
    } else if (message.type === 'error' && message.code === 'resync_required') {
      options.onResync?.();
    } else if (message.type === 'ack') {
      const w = waiting.get(message.clientId);
      waiting.delete(message.clientId);
      w?.resolve(message);
    } else if (message.type === 'signal') {
      options.onSignal?.(message.signal);
    } else if (message.type === 'ready') {
      // The stream is caught up to `head`: a reconnect resumes from there, also in a quiet workspace
      // where nothing was delivered yet (resuming from 0 would mean "from now" and lose the gap).
      if (message.head > lastSeq) lastSeq = message.head;
      attempts = 0;
      setStatus('live');
    }
  };

  const connect = () => {
    if (closed) return;
    setStatus('connecting');
    const ws = factory(options.url(lastSeq));
    socket = ws;
    ws.onopen = () => armSilenceTimer();
    ws.onmessage = (ev) => {
      if (socket !== ws) return;
      armSilenceTimer();
      const message = readServerMessage(ev.data);
      if (message) handle(message);
    };
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      clearTimeout(silenceTimer);
      failWaiting();
      if (closed) return;
      if (ev.code === closeCodes.unauthorized || ev.code === closeCodes.notFound) {
        setStatus('unauthorized');
        return;
      }
      setStatus('offline');
      const delay = Math.min(maxBackoff, 250 * 2 ** attempts) * (0.5 + Math.random() / 2);
      attempts += 1;
      retryTimer = setTimeout(connect, delay);
    };
  };

  connect();

  return {
    get lastSeq() {
      return lastSeq;
    },
    get status() {
      return status;
    },
    send(message) {
      if (socket?.readyState !== 1) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    request(frame) {
      if (status !== 'live' || socket?.readyState !== 1) return null;
      const ws = socket;
      return new Promise<Ack>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(frame.clientId);
          reject(new Error('no acknowledgement'));
        }, ACK_TIMEOUT_MS);
        const done =
          <T>(fn: (v: T) => void) =>
          (v: T) => {
            clearTimeout(timer);
            fn(v);
          };
        waiting.get(frame.clientId)?.reject(new Error('sent again'));
        waiting.set(frame.clientId, { resolve: done(resolve), reject: done(reject) });
        ws.send(JSON.stringify(frame));
      });
    },
    reconnect() {
      const ws = socket;
      if (!ws) return;
      ws.close(4000, 'client reconnect');
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(silenceTimer);
      socket?.close(1000, 'client closed');
      socket = null;
      failWaiting();
      setStatus('offline');
    },
  };
}
