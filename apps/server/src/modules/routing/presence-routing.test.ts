import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  Client,
  type Owner,
  openSocket,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../../test/harness.ts';
import { drainWorkspace } from './batch.ts';
import { setClock } from './clock.ts';
import { startQueueSweep } from './subscriber.ts';

type Socket = Awaited<ReturnType<typeof openSocket>>;
type Op = { name: string; client: Client; userId: string; socket: Socket };

/** Issue 13: presence follows the session, manual assignment and transfers respect who can receive. */
describe('presence and routing as a support team uses them', () => {
  let server: TestServer;
  let owner: Owner;
  let widgetKey: string;
  const w = () => `/api/workspaces/${owner.workspaceId}`;
  const db = () => server.parley.ctx.db;

  const operator = async (name: string): Promise<Op> => {
    const m = await addMember(owner, { email: `${name.toLowerCase()}@example.com`, role: 'operator', name });
    const socket = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      m.client.cookie,
    );
    await waitFor(() => socket.messages.some((msg) => msg.type === 'ready'));
    return { name, ...m, socket };
  };
  /** A team of these operators, made the workspace's default so new visitors go to it. */
  const teamOf = async (name: string, ops: Op[], extra: Record<string, unknown> = {}) => {
    const team = await owner.client.post(`${w()}/teams`, {
      name,
      rule: 'round_robin',
      capacity: 2,
      ...extra,
    });
    expect(team.status).toBe(201);
    await owner.client.put(`${w()}/teams/${team.body.id}/members`, { userIds: ops.map((o) => o.userId) });
    await owner.client.patch(`${w()}/routing`, { defaultTeamId: team.body.id });
    return team.body.id as string;
  };
  const visitor = async () => {
    const session = await (
      await fetch(`${server.url}/api/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceKey: widgetKey }),
      })
    ).json();
    const token = (session as { token: string }).token;
    return async (text: string) => {
      const res = await fetch(`${server.url}/api/widget/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: `p-${Math.random().toString(36).slice(2, 12)}`, text }),
      });
      expect(res.status).toBe(200);
      const { rows } = await db().execute<{ id: string }>(
        sql`SELECT conversation_id AS id FROM messages WHERE text = ${text}`,
      );
      return rows[0]!.id;
    };
  };
  const conversation = async (id: string) => (await owner.client.get(`${w()}/conversations/${id}`)).body;
  const assigneeOf = (id: string, timeoutMs = 5000) =>
    until(async () => (await conversation(id)).assigneeId as string | null, timeoutMs);
  const statusOf = async (userId: string) =>
    (await owner.client.get(`${w()}/operators`)).body.find((o: { userId: string }) => o.userId === userId);

  beforeAll(async () => {
    server = await startTestServer({ loginRateLimit: 1000 }, { heartbeatMs: 300 });
    owner = await setupOwner(server.url);
    widgetKey = (await owner.client.get(w())).body.widgetKey;
  });
  afterEach(() => setClock());
  afterAll(async () => {
    await server?.close();
  });

  it('logging out ends presence at once: the chats go to a colleague and no new one comes', async () => {
    const ana = await operator('Ana');
    const ben = await operator('Ben');
    await teamOf('Front', [ana, ben]);
    const write = await visitor();
    const first = await write('logout: first customer');
    const holderId = await assigneeOf(first);
    const [holder, other] = holderId === ana.userId ? [ana, ben] : [ben, ana];

    expect((await holder.client.post('/api/auth/logout')).status).toBe(204);
    // Well within the 45 s grace period: the conversation is re-routed and the socket closed.
    const next = await until(async () => {
      const c = await conversation(first);
      return c.assigneeId && c.assigneeId !== holder.userId ? c.assigneeId : null;
    });
    expect(next).toBe(other.userId);
    expect((await holder.socket.closed).code).toBe(4401);
    expect((await statusOf(holder.userId)).status).toBe('disconnected');
    const history = (await owner.client.get(`${w()}/connection-history?userId=${holder.userId}`)).body;
    expect(history).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'status_change', detail: 'disconnected' })]),
    );
    expect(history.some((h: { kind: string }) => h.kind === 'logout')).toBe(true);

    const second = await (await visitor())('logout: second customer');
    expect(await assigneeOf(second)).toBe(other.userId);
  });

  it('removing a member takes them off their teams and gives their conversations to a colleague', async () => {
    const ada = await operator('Ada');
    const bo = await operator('Bo');
    const teamId = await teamOf('Removal', [ada, bo]);
    const write = await visitor();
    const first = await write('removal: first customer');
    const holderId = await assigneeOf(first);
    const [holder, other] = holderId === ada.userId ? [ada, bo] : [bo, ada];
    // One of theirs without a team: it waits unassigned instead of staying with someone gone.
    const second = await (await visitor())('removal: second customer');
    if (
      (await until(async () => (await conversation(second)).assigneeId as string | null)) !== holder.userId
    ) {
      const moved = await owner.client.post(`${w()}/conversations/${second}/transfer`, {
        toUserId: holder.userId,
      });
      expect(moved.status).toBe(200);
    }
    await db().execute(sql`UPDATE conversations SET team_id = NULL WHERE id = ${second}`);
    expect((await conversation(second)).assigneeId).toBe(holder.userId);

    expect((await owner.client.delete(`${w()}/members/${holder.userId}`)).status).toBe(204);
    expect((await holder.socket.closed).code).toBe(4404);
    const team = (await owner.client.get(`${w()}/teams/${teamId}`)).body;
    expect(team.memberIds).toEqual([other.userId]);
    expect(
      await until(async () => {
        const c = await conversation(first);
        return c.assigneeId !== holder.userId ? c.assigneeId : null;
      }),
    ).toBe(other.userId);
    await until(async () => ((await conversation(second)).assigneeId === null ? true : null));
  });

  it('logging out of one browser keeps an operator present who still has a console open in another', async () => {
    const cai = await operator('Cai');
    await teamOf('Solo Cai', [cai]);
    const other = new Client(server.url);
    expect(
      (await other.post('/api/auth/login', { email: 'cai@example.com', password: 'correct horse' })).status,
    ).toBe(200);
    const chat = await (await visitor())('two browsers: customer');
    expect(await assigneeOf(chat)).toBe(cai.userId);
    // The second browser logs out; the first one's console is still open.
    expect((await other.post('/api/auth/logout')).status).toBe(204);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await statusOf(cai.userId)).status).toBe('connected');
    expect((await conversation(chat)).assigneeId).toBe(cai.userId);
    expect(cai.socket.ws.readyState).toBe(cai.socket.ws.OPEN);
  });

  it('a session that expires ends presence at once too', async () => {
    const dan = await operator('Dan');
    const eve = await operator('Eve');
    await teamOf('Expiry', [dan, eve], { capacity: 1 });
    const chat = await (await visitor())('expiry: customer');
    const holderId = await assigneeOf(chat);
    const [holder, other] = holderId === dan.userId ? [dan, eve] : [eve, dan];
    await db().execute(sql`UPDATE sessions SET expires_at = now() WHERE user_id = ${holder.userId}`);
    expect((await holder.socket.closed).code).toBe(4401);
    expect(
      await until(async () => {
        const c = await conversation(chat);
        return c.assigneeId !== holder.userId ? c.assigneeId : null;
      }),
    ).toBe(other.userId);
    expect((await statusOf(holder.userId)).status).toBe('disconnected');
  });

  it('assigns by hand only to someone who can receive, within capacity', async () => {
    const fay = await operator('Fay');
    const gus = await operator('Gus');
    const hal = await addMember(owner, { email: 'hal@example.com', role: 'operator', name: 'Hal' });
    await teamOf('Manual', [fay, gus], { rule: 'manual', capacity: 1 });
    const chat = await (await visitor())('manual: customer');
    const other = await (await visitor())('manual: other customer');
    await gus.client.put(`${w()}/me/status`, { status: 'on_break' });

    const onBreak = await owner.client.post(`${w()}/conversations/${chat}/assign`, {
      assigneeId: gus.userId,
    });
    expect(onBreak.status).toBe(409);
    expect(onBreak.body.error).toMatchObject({ code: 'conflict', field: 'assigneeId' });
    expect(onBreak.body.error.message).toContain('Gus');
    // Hal never opened a console: disconnected.
    const away = await owner.client.post(`${w()}/conversations/${chat}/assign`, { assigneeId: hal.userId });
    expect(away.status).toBe(409);
    const ok = await owner.client.post(`${w()}/conversations/${chat}/assign`, { assigneeId: fay.userId });
    expect(ok.status).toBe(200);
    expect(ok.body.assigneeId).toBe(fay.userId);
    // The team's capacity is 1: Fay is full.
    const full = await owner.client.post(`${w()}/conversations/${other}/assign`, { assigneeId: fay.userId });
    expect(full.status).toBe(409);
    expect((await conversation(other)).assigneeId).toBeNull();
    // Taking one yourself needs only free capacity.
    const mine = await owner.client.post(`${w()}/conversations/${other}/assign`, {
      assigneeId: owner.userId,
    });
    expect(mine.status).toBe(200);
  });

  it('a transfer to a team never hands the chat back to its sender: it waits until someone else can take it', async () => {
    const ian = await operator('Ian');
    const jo = await operator('Jo');
    await jo.client.put(`${w()}/me/status`, { status: 'on_break' });
    const teamId = await teamOf('Pair', [ian, jo]);
    const chat = await (await visitor())('team transfer: customer');
    expect(await assigneeOf(chat)).toBe(ian.userId);

    const targets = (await ian.client.get(`${w()}/conversations/${chat}/transfer-targets`)).body;
    expect(targets.teams.find((t: { id: string }) => t.id === teamId).available).toBe(0);
    const sent = await ian.client.post(`${w()}/conversations/${chat}/transfer`, { toTeamId: teamId });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ assigneeId: null, teamId });
    expect(sent.body.queuedAt).not.toBeNull();
    // Neither the transfer's own routing nor a later drain (the sweep) gives it back to Ian.
    await drainWorkspace(db(), owner.workspaceId);
    await new Promise((r) => setTimeout(r, 500));
    expect((await conversation(chat)).assigneeId).toBeNull();

    await jo.client.put(`${w()}/me/status`, { status: 'connected' });
    expect(await assigneeOf(chat)).toBe(jo.userId);
  });

  it('routes out-of-hours conversations when the team opens, oldest first', async () => {
    const kim = await operator('Kim');
    await teamOf('Office', [kim], {
      businessHours: { timezone: 'UTC', weekly: { mon: [['09:00', '17:00']] }, holidays: [] },
    });
    // Monday 30 November 2026, 08:00 UTC: closed for another hour.
    setClock(() => new Date('2026-11-30T08:00:00Z'));
    const chat = await (await visitor())('hours: early customer');
    const flagged = await until(async () => {
      const c = await conversation(chat);
      return c.outOfHours ? c : null;
    });
    expect(flagged.assigneeId).toBeNull();

    setClock(() => new Date('2026-11-30T09:30:00Z'));
    const sweep = startQueueSweep(db(), server.parley.app.log, 100);
    try {
      expect(await assigneeOf(chat)).toBe(kim.userId);
    } finally {
      sweep.stop();
    }
    const routed = await conversation(chat);
    expect(routed.outOfHours).toBe(false);
    expect(routed.queuedAt).toBe(flagged.queuedAt);
  });

  it('a snoozed conversation that wakes up goes through routing when its operator cannot take it', async () => {
    const lea = await operator('Lea');
    const max = await operator('Max');
    await max.client.put(`${w()}/me/status`, { status: 'on_break' });
    await teamOf('Snooze', [lea, max]);
    const write = await visitor();
    const chat = await write('snooze: customer');
    expect(await assigneeOf(chat)).toBe(lea.userId);
    await db().execute(sql`UPDATE conversations SET status = 'snoozed' WHERE id = ${chat}`);
    await lea.client.put(`${w()}/me/status`, { status: 'on_break' });
    await max.client.put(`${w()}/me/status`, { status: 'connected' });

    expect(await write('snooze: are you there?')).toBe(chat);
    const woken = await until(async () => {
      const c = await conversation(chat);
      // Unassigned first, then routed: wait for the routing, not just the release.
      return c.status === 'open' && c.assigneeId && c.assigneeId !== lea.userId ? c : null;
    });
    expect(woken.assigneeId).toBe(max.userId);
  });

  it('counts status time only since the member joined and only up to now', async () => {
    const ned = await operator('Ned');
    // Her console's arrival is recorded after the socket is ready: the hour below must find it.
    await waitFor(async () => (await statusOf(ned.userId))?.status === 'connected');
    const joinedAt = Date.parse(
      (await owner.client.get(`${w()}/members`)).body.find((m: { userId: string }) => m.userId === ned.userId)
        .joinedAt,
    );
    // One hour after joining; the period asked for starts two days before and ends a day after.
    setClock(() => new Date(joinedAt + 3_600_000));
    const from = new Date(joinedAt - 2 * 86_400_000).toISOString();
    const to = new Date(joinedAt + 86_400_000).toISOString();
    const time = await owner.client.get(`${w()}/operators/${ned.userId}/status-time?from=${from}&to=${to}`);
    expect(time.status).toBe(200);
    const total = time.body.totals.reduce((sum: number, t: { seconds: number }) => sum + t.seconds, 0);
    expect(total).toBeGreaterThanOrEqual(3599);
    expect(total).toBeLessThanOrEqual(3601);
    const connected = time.body.totals.find((t: { status: string }) => t.status === 'connected');
    expect(connected.seconds).toBeGreaterThan(3500);
  });

  it('shows the current status since the console came back, and lets an operator appear offline', async () => {
    const ola = await operator('Ola');
    ola.socket.ws.close();
    await ola.socket.closed;
    await new Promise((r) => setTimeout(r, 100));
    await db().execute(sql`UPDATE memberships SET last_active_at = NULL, status_since = now() - interval '23 minutes'
      WHERE user_id = ${ola.userId}`);
    const away = await statusOf(ola.userId);
    expect(away.status).toBe('disconnected');
    const back = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      ola.client.cookie,
    );
    await waitFor(() => back.messages.some((m) => m.type === 'ready'));
    const present = await until(async () => {
      const o = await statusOf(ola.userId);
      return o.status === 'connected' ? o : null;
    });
    expect(Date.now() - Date.parse(present.statusSince)).toBeLessThan(60_000);
    const members = (await owner.client.get(`${w()}/members`)).body;
    const member = members.find((m: { userId: string }) => m.userId === ola.userId);
    expect(Date.now() - Date.parse(member.statusSince)).toBeLessThan(60_000);

    const offline = await ola.client.put(`${w()}/me/status`, { status: 'disconnected' });
    expect(offline.status).toBe(200);
    expect(offline.body.status).toBe('disconnected');
    expect((await statusOf(ola.userId)).status).toBe('disconnected');
    expect((await ola.client.put(`${w()}/me/status`, { status: 'connected' })).body.status).toBe('connected');
    back.ws.close();
  });
});

async function until<T>(fn: () => Promise<T | null | undefined>, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error('until: timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
