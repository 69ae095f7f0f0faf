import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  type Client,
  type Owner,
  openSocket,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../../test/harness.ts';
import { drainTeam, routeArrival } from './batch.ts';
import { auditRouting } from './invariants.ts';

type Op = { name: string; client: Client; userId: string; socket: Awaited<ReturnType<typeof openSocket>> };

/**
 * Issue 11: a burst of arrivals for one team is routed in one batch — one transaction, the team's
 * lock taken once — and spread exactly as one-by-one routing would: strategy, capacities, statuses.
 */
describe('routing a burst of arrivals in one batch', () => {
  let server: TestServer;
  let owner: Owner;
  let widgetKey: string;
  let ops: Op[];
  const w = () => `/api/workspaces/${owner.workspaceId}`;
  const db = () => server.parley.ctx.db;

  /** `n` first messages that nobody routes yet (no default team), in arrival order. */
  const arrivals = async (label: string, n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const session = (await (
        await fetch(`${server.url}/api/widget/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ workspaceKey: widgetKey }),
        })
      ).json()) as { token: string };
      const text = `${label} customer ${i}`;
      const res = await fetch(`${server.url}/api/widget/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: `b-${label}-${i}-xxxx`, text }),
      });
      expect(res.status).toBe(200);
      const { rows } = await db().execute<{ id: string }>(
        sql`SELECT conversation_id AS id FROM messages WHERE text = ${text}`,
      );
      ids.push(rows[0]!.id);
    }
    return ids;
  };
  /** The conversations arrive for the team all at once, as a burst the router has not seen yet. */
  const burst = async (teamId: string, ids: string[]) => {
    await db().execute(
      sql`UPDATE conversations SET team_id = ${teamId} WHERE id IN (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
    return routeArrival(db(), { workspaceId: owner.workspaceId, conversationId: ids[0]! });
  };
  const assignees = async (ids: string[]) => {
    const { rows } = await db().execute<{
      id: string;
      assignee_id: string | null;
      assigned_at: string | null;
    }>(
      sql`SELECT id, assignee_id, assigned_at FROM conversations WHERE id IN (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)!);
  };
  const nameOf = (userId: string | null) => ops.find((o) => o.userId === userId)?.name ?? null;
  const team = async (name: string, rule: string, capacity: number, members: Op[]) => {
    const created = await owner.client.post(`${w()}/teams`, { name, rule, capacity });
    expect(created.status).toBe(201);
    await owner.client.put(`${w()}/teams/${created.body.id}/members`, {
      userIds: members.map((o) => o.userId),
    });
    return created.body.id as string;
  };

  beforeAll(async () => {
    server = await startTestServer({}, { heartbeatMs: 300 });
    owner = await setupOwner(server.url);
    widgetKey = (await owner.client.get(w())).body.widgetKey;
    ops = [];
    for (const name of ['Ana', 'Ben', 'Cai', 'Dan']) {
      const m = await addMember(owner, {
        email: `${name.toLowerCase()}@example.com`,
        role: 'operator',
        name,
      });
      const socket = await openSocket(
        server.url,
        `/api/realtime?workspaceId=${owner.workspaceId}`,
        m.client.cookie,
      );
      ops.push({ name, ...m, socket });
    }
    await waitFor(() => ops.every((o) => o.socket.messages.some((m) => m.type === 'ready')));
    expect((await ops[3]!.client.put(`${w()}/me/status`, { status: 'on_break' })).body.status).toBe(
      'on_break',
    );
  });
  afterAll(async () => {
    for (const o of ops ?? []) o.socket.ws.close();
    await server?.close();
  });

  it('round robin: takes turns in order, fills each capacity, leaves the rest queued, skips who is on break', async () => {
    const teamId = await team('Burst', 'round_robin', 3, ops);
    const ids = await arrivals('rr', 10);
    // Everyone waited equally long: the turns go in a fixed order (by id), then round again.
    const turn = ops.slice(0, 3).sort((a, b) => a.userId.localeCompare(b.userId));

    expect(await burst(teamId, ids)).toBe(9);

    const rows = await assignees(ids);
    expect(rows.map((r) => nameOf(r.assignee_id))).toEqual([
      ...[0, 1, 2, 0, 1, 2, 0, 1, 2].map((i) => turn[i]!.name),
      null,
    ]);
    // One transaction: the same assignment time for the whole batch.
    expect(new Set(rows.slice(0, 9).map((r) => new Date(r.assigned_at!).getTime())).size).toBe(1);
    const { rows: queued } = await db().execute<{ queued: boolean }>(
      sql`SELECT queued_at IS NOT NULL AS queued FROM conversations WHERE id = ${ids[9]!}`,
    );
    expect(queued[0]!.queued).toBe(true);
    // The facts the metrics read, one open assignment per conversation, as setAssignee records them.
    const { rows: facts } = await db().execute<{
      n: number;
      automatic: number;
      same_time: number;
      awaiting: number;
      first: number;
    }>(sql`SELECT count(*)::int AS n,
        count(*) FILTER (WHERE a.how = 'automatic' AND a.team_id = ${teamId} AND a.cycle = 1
          AND a.channel = 'web' AND a.first_reply_at IS NULL)::int AS automatic,
        count(*) FILTER (WHERE a.assigned_at = c.assigned_at AND a.user_id = c.assignee_id)::int AS same_time,
        count(*) FILTER (WHERE c.awaiting_first_reply)::int AS awaiting,
        count(*) FILTER (WHERE c.first_assigned_at = c.assigned_at)::int AS first
      FROM conversation_assignments a JOIN conversations c ON c.id = a.conversation_id
      WHERE a.ended_at IS NULL AND a.conversation_id IN (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`);
    expect(facts[0]).toEqual({ n: 9, automatic: 9, same_time: 9, awaiting: 9, first: 9 });
  });

  it('least busy: the least loaded first, equals in round-robin turn, within the team capacity', async () => {
    // Ana closes her three; the one left waiting in the first team's queue drains to her: loads Ana
    // 1, Ben 3, Cai 3, and this team allows 5 each.
    const { rows: anas } = await db().execute<{ id: string }>(
      sql`SELECT id FROM conversations WHERE assignee_id = ${ops[0]!.userId} AND status = 'open'`,
    );
    expect(anas).toHaveLength(3);
    for (const { id } of anas) {
      expect((await ops[0]!.client.post(`${w()}/conversations/${id}/close`)).status).toBe(200);
    }
    await waitForAsync(async () => {
      const { rows } = await db().execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM conversations WHERE assignee_id = ${ops[0]!.userId} AND status = 'open'`,
      );
      return Number(rows[0]!.n) === 1;
    });
    const teamId = await team('Least', 'least_busy', 5, ops);
    const ids = await arrivals('lb', 9);
    const [x, y] = [ops[1]!, ops[2]!].sort((a, b) => a.userId.localeCompare(b.userId));
    // Ana 1 → 2 → 3; all at 3: x, then y, who never had one from this team (Ana just did); Ana 3 → 4;
    // all at 4: x, y, whose turns came before Ana's; Ana 4 → 5. Everyone is full: the ninth waits.
    const expected = ['Ana', 'Ana', x!.name, y!.name, 'Ana', x!.name, y!.name, 'Ana', null];

    expect(await burst(teamId, ids)).toBe(8);

    expect((await assignees(ids)).map((r) => nameOf(r.assignee_id))).toEqual(expected);
    const audit = await auditRouting(db(), owner.workspaceId);
    expect(audit.violations).toEqual([]);
  });

  it('admits a burst longer than a batch a batch at a time: none left unseen, only those left waiting announced queued', async () => {
    // Ben has 5 open conversations after the tests above; this team allows him 10.
    const ben = ops[1]!;
    const teamId = await team('Batches', 'round_robin', 10, [ben]);
    const ids = await arrivals('bt', 7);
    await db().execute(
      sql`UPDATE conversations SET team_id = ${teamId} WHERE id IN (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );

    // Batches of 3: 3 admitted and assigned; 3 admitted, 2 assigned, 1 left waiting; the last
    // admitted and left waiting too (Ben is full).
    expect(await drainTeam(db(), { workspaceId: owner.workspaceId, teamId, limit: 3 })).toBe(5);

    const rows = await assignees(ids);
    expect(rows.map((r) => nameOf(r.assignee_id))).toEqual(['Ben', 'Ben', 'Ben', 'Ben', 'Ben', null, null]);
    const { rows: changes } = await db().execute<{ id: string; change: string }>(
      sql`SELECT conversation_id AS id, payload->>'change' AS change FROM events
        WHERE name = 'conversation.updated' AND conversation_id IN (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) ORDER BY seq`,
    );
    expect(changes.map((c) => `${ids.indexOf(c.id)} ${c.change}`)).toEqual([
      '0 assigned',
      '1 assigned',
      '2 assigned',
      '5 queued',
      '3 assigned',
      '4 assigned',
      '6 queued',
    ]);
    const { rows: waiting } = await db().execute<{ queued: boolean }>(
      sql`SELECT queued_at IS NOT NULL AS queued FROM conversations WHERE id IN (${ids[5]!}, ${ids[6]!})`,
    );
    expect(waiting.map((w) => w.queued)).toEqual([true, true]);
    expect((await auditRouting(db(), owner.workspaceId)).violations).toEqual([]);
  });
});

async function waitForAsync(fn: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs) throw new Error('waitForAsync: timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
