import type { FastifyBaseLogger } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../platform/db/client.ts';
import type { Client } from './clients.ts';
import { startHeartbeat } from './liveness.ts';

/** A visitor socket as the heartbeat sees it: pings and terminations are counted. */
function fakeClient(i: number, lastPong: number): Client & { pings: number; terminated: boolean } {
  const client = {
    pings: 0,
    terminated: false,
    ws: {
      ping: () => {
        client.pings += 1;
      },
      terminate: () => {
        client.terminated = true;
      },
    },
    principal: { kind: 'visitor', workspaceId: 'w', visitorId: `v${i}`, contactId: null },
    name: null,
    cursor: 0,
    backlog: null,
    lastPong,
    sent: { windowStart: 0, count: 0 },
  };
  return client as unknown as Client & { pings: number; terminated: boolean };
}

describe('heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('goes through the sockets in slices over the period, each once, and drops the silent ones', () => {
    const now = Date.now();
    const all = Array.from({ length: 100 }, (_, i) => fakeClient(i, now));
    // Silent for longer than deadAfterMs: dropped at its turn, not pinged.
    const silent = all[42]!;
    silent.lastPong = now - 60_000;
    const clients = new Set<Client>(all);
    const sent: unknown[] = [];
    const heartbeat = startHeartbeat({
      clients,
      heartbeatMs: 1000,
      deadAfterMs: 10_000,
      db: {} as Db,
      logger: { warn() {} } as unknown as FastifyBaseLogger,
      send: (_client, message) => sent.push(message),
      drop: () => {},
    });
    try {
      // One slice of ten every 100 ms: never the whole node in one turn of the event loop.
      vi.advanceTimersByTime(100);
      expect(all.filter((c) => c.pings > 0)).toHaveLength(10);
      expect(sent).toHaveLength(10);
      vi.advanceTimersByTime(900);
      expect(all.filter((c) => c !== silent).every((c) => c.pings === 1)).toBe(true);
      expect(silent.pings).toBe(0);
      expect(silent.terminated).toBe(true);
      expect(clients.has(silent)).toBe(false);
      expect(sent).toHaveLength(99);
      // A socket that closes meanwhile is left alone; a new one is taken in the next period.
      const late = fakeClient(100, Date.now());
      clients.add(late);
      clients.delete(all[0]!);
      vi.advanceTimersByTime(1000);
      expect(all[0]!.pings).toBe(1);
      expect(late.pings).toBe(1);
      expect(all[1]!.pings).toBe(2);
    } finally {
      heartbeat.stop();
    }
  });
});
