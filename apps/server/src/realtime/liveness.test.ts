import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { addMember, type Owner, setupOwner, startTestServer, type TestServer } from '../../test/harness.ts';
import type { Db } from '../platform/db/client.ts';
import { transaction } from '../platform/db/tx.ts';
import type { Client } from './clients.ts';
import { markActive, startHeartbeat } from './liveness.ts';

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

/** A heartbeat every second over these sockets, dropping the ones silent for 10 s. */
const beatEverySecond = (clients: Set<Client>, send: (message: unknown) => void = () => {}) =>
  startHeartbeat({
    clients,
    heartbeatMs: 1000,
    deadAfterMs: 10_000,
    db: {} as Db,
    logger: { warn() {} } as unknown as FastifyBaseLogger,
    send: (_client, message) => send(message),
    drop: () => {},
  });

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
    const heartbeat = beatEverySecond(clients, (message) => sent.push(message));
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

  it('does not drop sockets as silent for the time its own node was stalled, only once they stay silent', () => {
    const answering = fakeClient(0, Date.now());
    // It answers every ping at once, until told not to.
    let answers = true;
    const ping = answering.ws.ping;
    answering.ws.ping = () => {
      ping.call(answering.ws);
      if (answers) answering.lastPong = Date.now();
    };
    const clients = new Set<Client>([answering]);
    const heartbeat = beatEverySecond(clients);
    try {
      vi.advanceTimersByTime(1000);
      expect(answering.pings).toBe(1);
      // The event loop is held for 30 s: no timer runs, and no pong is read meanwhile.
      vi.setSystemTime(Date.now() + 30_000);
      vi.advanceTimersByTime(2000);
      expect(answering.terminated).toBe(false);
      expect(answering.pings).toBeGreaterThan(1);
      vi.advanceTimersByTime(20_000);
      expect(answering.terminated).toBe(false);
      // A socket that really stays silent still goes.
      answers = false;
      vi.advanceTimersByTime(12_000);
      expect(answering.terminated).toBe(true);
    } finally {
      heartbeat.stop();
    }
  });
});

describe('presence refreshed by the heartbeat', () => {
  let server: TestServer;
  let owner: Owner;
  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
  });
  afterAll(() => server?.close());

  it('refreshes the members of live sessions only, in the workspace given', async () => {
    const db = server.parley.ctx.db;
    const live = await addMember(owner, { email: 'live@example.com', role: 'operator' });
    const ended = await addMember(owner, { email: 'ended@example.com', role: 'operator' });
    const users = sql`(${live.userId}::uuid, ${ended.userId}::uuid)`;
    await db.execute(sql`UPDATE memberships SET last_active_at = NULL WHERE user_id IN ${users}`);
    await db.execute(
      sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = ${ended.userId}`,
    );
    const sessionIds = (
      await db.execute<{ id: string }>(sql`SELECT id FROM sessions WHERE user_id IN ${users}`)
    ).rows.map((r) => r.id);
    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as FastifyBaseLogger;
    // Another workspace's id refreshes nobody here.
    await markActive(db, logger, '00000000-0000-4000-8000-000000000000', sessionIds);
    const refreshed = async () =>
      (
        await db.execute<{ user_id: string }>(sql`SELECT user_id FROM memberships
          WHERE user_id IN ${users} AND last_active_at IS NOT NULL`)
      ).rows.map((r) => r.user_id);
    expect(await refreshed()).toEqual([]);
    await markActive(db, logger, owner.workspaceId, sessionIds);
    expect(await refreshed()).toEqual([live.userId]);
    expect(warnings).toEqual([]);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'locks the memberships in user order, as a routing pass does: the two never deadlock',
    async () => {
      const db = server.parley.ctx.db;
      const ids = [
        (await addMember(owner, { email: 'a@example.com', role: 'operator' })).userId,
        (await addMember(owner, { email: 'b@example.com', role: 'operator' })).userId,
      ].sort();
      const [low, high] = ids as [string, string];
      // Every way the database could find them puts the higher user first: their sessions' ids, and
      // the lower one's membership row moved to the end of the table.
      await db.execute(sql`UPDATE sessions SET id = CASE user_id WHEN ${high}::uuid
      THEN '00000000-0000-4000-8000-000000000001'::uuid ELSE '00000000-0000-4000-8000-000000000002'::uuid END
      WHERE user_id IN (${low}::uuid, ${high}::uuid)`);
      await db.execute(sql`UPDATE memberships SET capacity = capacity WHERE user_id = ${low}`);
      const sessionIds = (
        await db.execute<{ id: string }>(
          sql`SELECT id FROM sessions WHERE user_id IN (${low}::uuid, ${high}::uuid)`,
        )
      ).rows.map((r) => r.id);
      const warnings: unknown[] = [];
      const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as FastifyBaseLogger;
      let refreshed: Promise<void> | null = null;
      // A routing pass: the team's memberships locked in user order, the refresh starting meanwhile.
      await transaction(
        db,
        async (tx) => {
          await tx.db.execute(sql`SELECT 1 FROM memberships WHERE user_id = ${low} FOR UPDATE`);
          refreshed = markActive(db, logger, owner.workspaceId, sessionIds);
          const waiting = sql`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`;
          while ((await db.execute<{ n: number }>(waiting)).rows[0]!.n === 0);
          await tx.db.execute(sql`SELECT 1 FROM memberships WHERE user_id = ${high} FOR UPDATE`);
        },
        { conflictRetries: 0 },
      );
      await refreshed;
      expect(warnings).toEqual([]);
      const { rows } = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM memberships
      WHERE user_id IN (${low}::uuid, ${high}::uuid) AND last_active_at > now() - interval '1 minute'`);
      expect(rows[0]!.n).toBe(2);
    },
  );
});
