import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DomainEvent } from './events.ts';
import { createRealtimeClient, type RealtimeClient, type SocketLike } from './realtime-client.ts';

/** A socket the test drives by hand: it opens at once and delivers whatever the test sends. */
class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onerror: SocketLike['onerror'] = null;
  constructor(readonly url: string) {
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.({});
    });
  }
  send(): void {}
  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

const after = (url: string) => Number(new URL(url).searchParams.get('after'));

describe('realtime client', () => {
  let client: RealtimeClient | null = null;
  afterEach(() => {
    client?.close();
    vi.useRealTimers();
  });

  const start = (initial?: number) => {
    vi.useFakeTimers();
    const sockets: FakeSocket[] = [];
    const events: DomainEvent[] = [];
    client = createRealtimeClient({
      url: (seq) => `ws://parley.test/api/realtime?after=${seq}`,
      after: initial,
      onEvent: (event) => events.push(event),
      socket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
    });
    return { sockets, events, client };
  };
  const event = (seq: number) => ({
    type: 'event',
    event: { seq, name: 'invite.revoked', payload: { inviteId: 'x' }, at: new Date(0).toISOString() },
  });

  it('resumes from the head announced by ready when it has received no event yet', async () => {
    const { sockets } = start();
    expect(after(sockets[0]!.url)).toBe(0);
    sockets[0]!.receive({ type: 'ready', head: 42 });
    expect(client!.lastSeq).toBe(42);
    sockets[0]!.close(1006, 'cut');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets).toHaveLength(2);
    expect(after(sockets[1]!.url)).toBe(42);
  });

  it('keeps the highest of the events delivered and the heads announced, and drops repeats', async () => {
    const { sockets, events } = start(10);
    expect(after(sockets[0]!.url)).toBe(10);
    sockets[0]!.receive(event(11));
    sockets[0]!.receive({ type: 'ready', head: 15 });
    sockets[0]!.receive(event(16));
    sockets[0]!.receive(event(16));
    sockets[0]!.close(1006, 'cut');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(after(sockets[1]!.url)).toBe(16);
    // A node whose feed lags behind announces an older head: the client never goes back.
    sockets[1]!.receive({ type: 'ready', head: 12 });
    sockets[1]!.receive(event(16));
    sockets[1]!.receive(event(17));
    expect(events.map((e) => e.seq)).toEqual([11, 16, 17]);
    expect(client!.lastSeq).toBe(17);
  });
});
