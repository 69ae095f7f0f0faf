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

type Op = { client: Client; userId: string; socket: Awaited<ReturnType<typeof openSocket>> };

describe('routing and presence', () => {
  let server: TestServer;
  let owner: Owner;
  let ops: Op[];
  let teamId: string;
  let widgetKey: string;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  const visitorWrites = async (text: string) => {
    const session = await (
      await fetch(`${server.url}/api/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': 'es' },
        body: JSON.stringify({ workspaceKey: widgetKey, locale: 'es-ES' }),
      })
    ).json();
    const token = (session as { token: string }).token;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
      return (await res.json()) as any;
    };
    const message = await call('POST', '/api/widget/messages', {
      clientId: `r-${Math.random().toString(36).slice(2, 12)}`,
      text,
    });
    return { call, conversationId: message ? await conversationOf(text) : '' };
  };
  const conversationOf = async (text: string) => {
    const { rows } = await server.parley.ctx.db.execute<{ id: string }>(
      sql`SELECT conversation_id AS id FROM messages WHERE text = ${text}`,
    );
    return rows[0]!.id;
  };
  const conversation = async (id: string) => (await owner.client.get(`${w()}/conversations/${id}`)).body;
  const settle = () => new Promise((r) => setTimeout(r, 300));

  beforeAll(async () => {
    // Heartbeats every 300 ms keep live consoles fresh even with the 1 s grace period of the last test.
    server = await startTestServer({}, { heartbeatMs: 300 });
    owner = await setupOwner(server.url);
    widgetKey = (await owner.client.get(w())).body.widgetKey;
    ops = [];
    for (const name of ['Ana', 'Ben', 'Cai']) {
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
      ops.push({ ...m, socket });
    }
    await waitFor(() => ops.every((o) => o.socket.messages.some((m) => m.type === 'ready')));
    const team = await owner.client.post(`${w()}/teams`, {
      name: 'Support',
      rule: 'round_robin',
      capacity: 1,
    });
    expect(team.status).toBe(201);
    teamId = team.body.id;
    await owner.client.put(`${w()}/teams/${teamId}/members`, { userIds: ops.map((o) => o.userId) });
    const routing = await owner.client.patch(`${w()}/routing`, { defaultTeamId: teamId });
    expect(routing.body.defaultTeamId).toBe(teamId);
  });
  afterAll(async () => {
    for (const o of ops ?? []) o.socket.ws.close();
    await server?.close();
  });

  it('spreads conversations round robin, skips an operator on break, and queues beyond capacity', async () => {
    const onBreak = await ops[2]!.client.put(`${w()}/me/status`, { status: 'on_break' });
    expect(onBreak.body.status).toBe('on_break');
    const first = await visitorWrites('first customer');
    const second = await visitorWrites('second customer');
    const assigned = async (id: string) => {
      const c = await conversation(id);
      return c.assigneeId ? c : null;
    };
    const a = await waitForAsync(() => assigned(first.conversationId));
    const b = await waitForAsync(() => assigned(second.conversationId));
    expect(new Set([a.assigneeId, b.assigneeId])).toEqual(new Set([ops[0]!.userId, ops[1]!.userId]));
    // The operator on break saw both arrive in the queue, and sees them leave it.
    const leaving = await waitFor(() => {
      const seen = ops[2]!.socket.messages
        .filter((m) => m.event?.name === 'conversation.updated' && m.event.payload.change === 'assigned')
        .map((m) => m.event.payload.conversation.id);
      return seen.includes(a.id) && seen.includes(b.id) ? seen : undefined;
    });
    expect(leaving).toEqual(expect.arrayContaining([a.id, b.id]));

    const third = await visitorWrites('third customer');
    const c = await waitForAsync(async () => {
      const current = await conversation(third.conversationId);
      return current.queuedAt ? current : null;
    });
    expect(c.assigneeId).toBeNull();
    expect(c.queuedAt).not.toBeNull();
    await settle();
    expect(await conversation(third.conversationId)).toMatchObject({ assigneeId: null });
    expect((await owner.client.get(`${w()}/queue`)).body).toMatchObject({ queued: 1 });
    expect(await third.call('GET', '/api/widget/queue')).toMatchObject({ position: 1 });

    // Capacity frees: the queue drains at once, to an eligible operator.
    const holder = a.assigneeId === ops[0]!.userId ? ops[0]! : ops[1]!;
    await holder.client.post(`${w()}/conversations/${a.id}/close`);
    const drained = await waitForAsync(async () => (await conversation(third.conversationId)).assigneeId);
    expect(drained).toBe(holder.userId);
    expect((await owner.client.get(`${w()}/queue`)).body.queued).toBe(0);
    // The queue's size is announced a moment later (coalesced): wait for it.
    await waitFor(() => ops[0]!.socket.messages.some((m) => m.event?.name === 'queue.updated'), 20_000);
  });

  it('records every status change with who made it, and lets only supervisors change someone else', async () => {
    const denied = await ops[0]!.client.put(`${w()}/members/${ops[1]!.userId}/status`, {
      status: 'training',
    });
    expect(denied.status).toBe(403);
    const bySupervisor = await owner.client.put(`${w()}/members/${ops[2]!.userId}/status`, {
      status: 'connected',
    });
    expect(bySupervisor.body.status).toBe('connected');
    const history = (await owner.client.get(`${w()}/connection-history?userId=${ops[2]!.userId}`)).body;
    const changes = history.filter((h: { kind: string }) => h.kind === 'status_change');
    // Newest first: the supervisor's change, the break, and coming online when the console opened.
    expect(changes.map((h: { detail: string }) => h.detail)).toEqual(['connected', 'on_break', 'connected']);
    const unknown = await ops[0]!.client.put(`${w()}/me/status`, {
      status: 'custom:00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.status).toBe(400);
    const custom = await owner.client.post(`${w()}/statuses`, { name: 'Lunch' });
    const lunch = await ops[0]!.client.put(`${w()}/me/status`, { status: `custom:${custom.body.id}` });
    expect(lunch.status).toBe(200);
    await ops[0]!.client.put(`${w()}/me/status`, { status: 'connected' });

    const from = new Date(Date.now() - 60_000).toISOString();
    const time = await owner.client.get(`${w()}/operators/${ops[0]!.userId}/status-time?from=${from}`);
    expect(time.status).toBe(200);
    const statuses = time.body.totals.map((t: { status: string }) => t.status);
    expect(statuses).toEqual(expect.arrayContaining(['connected', `custom:${custom.body.id}`]));
    const total = time.body.totals.reduce((sum: number, t: { seconds: number }) => sum + t.seconds, 0);
    // The period is clipped to the membership: Ana joined less than a minute ago, in beforeAll.
    const joinedAt = Date.parse(
      (await owner.client.get(`${w()}/members`)).body.find(
        (m: { userId: string }) => m.userId === ops[0]!.userId,
      ).joinedAt,
    );
    const expected = (Date.now() - Math.max(Date.parse(from), joinedAt)) / 1000;
    expect(total).toBeGreaterThanOrEqual(Math.floor(expected) - 2);
    expect(total).toBeLessThanOrEqual(Math.ceil(expected) + 1);
    expect(
      (await ops[0]!.client.get(`${w()}/operators/${ops[1]!.userId}/status-time?from=${from}`)).status,
    ).toBe(403);
  });

  it('lets an operator hand on only their own conversations unless granted transfer_any', async () => {
    const list = await owner.client.get(`${w()}/conversations?view=all`);
    const others = list.body.items.find((c: { assigneeId: string }) => c.assigneeId === ops[1]!.userId);
    // A teammate sees the conversation (their team's, SPEC §1) but may not hand it on.
    expect((await ops[0]!.client.get(`${w()}/conversations/${others.id}`)).status).toBe(200);
    const seen = await ops[0]!.client.post(`${w()}/conversations/${others.id}/transfer`, {
      toTeamId: teamId,
    });
    expect(seen.status).toBe(403);
    expect(seen.body.error.message).toContain('transfer_any');
  });

  it('transfers with a message to someone who can receive it, and refuses one who cannot', async () => {
    const open = await owner.client.get(`${w()}/conversations?view=all`);
    const mine = open.body.items.find(
      (c: { assigneeId: string }) => c.assigneeId === ops[0]!.userId || c.assigneeId === ops[1]!.userId,
    );
    const from = ops.find((o) => o.userId === mine.assigneeId)!;
    const targets = (await from.client.get(`${w()}/conversations/${mine.id}/transfer-targets`)).body;
    // Capacity is 1 and the others hold one each, except Cai who is free again.
    expect(
      targets.operators.map((o: { userId: string; name: string; active: number; status: string }) => [
        o.name,
        o.active,
        o.status,
      ]),
    ).toEqual([['Cai', 0, 'connected']]);
    await ops[2]!.client.put(`${w()}/me/status`, { status: 'phone' });
    const refused = await from.client.post(`${w()}/conversations/${mine.id}/transfer`, {
      toUserId: ops[2]!.userId,
    });
    expect(refused.status).toBe(409);
    await ops[2]!.client.put(`${w()}/me/status`, { status: 'connected' });
    await settle();
    const fresh = await conversation(mine.id);
    const done = await from.client.post(`${w()}/conversations/${mine.id}/transfer`, {
      toUserId: ops[2]!.userId,
      toTeamId: teamId,
      message: 'Needs a refund, over to you',
    });
    expect(done.status).toBe(200);
    expect(done.body.assigneeId).toBe(ops[2]!.userId);
    expect(done.body.lastTransfer).toMatchObject({
      byUserId: from.userId,
      message: 'Needs a refund, over to you',
    });
    const seen = await waitFor(() =>
      ops[2]!.socket.messages.find(
        (m) => m.event?.name === 'conversation.updated' && m.event.payload.change === 'transferred',
      ),
    );
    expect(seen.event.payload.conversation.lastTransfer.message).toBe('Needs a refund, over to you');
    expect(fresh.id).toBe(mine.id);
  });

  it('re-routes a conversation whose operator does not answer, keeping its place', async () => {
    await server.parley.ctx.db.execute(
      sql`UPDATE teams SET reroute_after_seconds = 1, capacity = 3 WHERE id = ${teamId}`,
    );
    const v = await visitorWrites('nobody answers me');
    const assigned = await waitForAsync(async () => (await conversation(v.conversationId)).assigneeId);
    const queuedAt = (await conversation(v.conversationId)).queuedAt;
    const next = await waitForAsync(async () => {
      const c = await conversation(v.conversationId);
      return c.assigneeId && c.assigneeId !== assigned ? c.assigneeId : null;
    }, 8000);
    expect(next).not.toBe(assigned);
    expect((await conversation(v.conversationId)).queuedAt).toBe(queuedAt);
    await server.parley.ctx.db.execute(
      sql`UPDATE teams SET reroute_after_seconds = NULL WHERE id = ${teamId}`,
    );
  });

  it('tells the customer when the operator is looking for information, and again later', async () => {
    await server.parley.ctx.db.execute(
      sql`UPDATE workspaces SET looking_notice_seconds = 1 WHERE id = ${owner.workspaceId}`,
    );
    const v = await visitorWrites('can you check my order?');
    const assignee = await waitForAsync(async () => (await conversation(v.conversationId)).assigneeId);
    const op = ops.find((o) => o.userId === assignee)!;
    await op.client.put(`${w()}/me/status`, { status: 'looking_for_info' });
    const texts = await waitForAsync(async () => {
      const page = await v.call('GET', '/api/widget/messages');
      const system = page.messages.filter((m: { authorKind: string }) => m.authorKind === 'system');
      return system.length >= 2 ? system.map((m: { text: string }) => m.text) : null;
    }, 8000);
    expect(texts[0]).toMatch(/buscando información/);
    expect(texts[1]).toMatch(/Seguimos buscando/);
    await op.client.put(`${w()}/me/status`, { status: 'connected' });
  });

  it('flags conversations outside business hours as cases to recover, and the widget says so', async () => {
    const closed = await owner.client.patch(`${w()}/teams/${teamId}`, {
      businessHours: { timezone: 'Pacific/Kiritimati', weekly: {}, holidays: [] },
    });
    expect(closed.body.open).toBe(false);
    const session = await (
      await fetch(`${server.url}/api/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceKey: widgetKey }),
      })
    ).json();
    expect((session as { settings: { outOfHours: boolean; online: boolean } }).settings).toMatchObject({
      outOfHours: true,
      outOfHoursMessage: null,
      online: false,
    });
    // ROUTE-6: the team's own out-of-hours message, said by the widget while it is closed.
    for (const bad of ['', '   ', 'x'.repeat(501), 42]) {
      const refused = await owner.client.patch(`${w()}/teams/${teamId}`, { outOfHoursMessage: bad });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(refused.body.error.field).toBe('outOfHoursMessage');
    }
    const message = 'We are closed until Monday 9:00 — leave us a message.';
    const set = await owner.client.patch(`${w()}/teams/${teamId}`, { outOfHoursMessage: message });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.outOfHoursMessage).toBe(message);
    const later = (await (
      await fetch(`${server.url}/api/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceKey: widgetKey }),
      })
    ).json()) as { token: string; settings: { outOfHoursMessage: string | null } };
    expect(later.settings.outOfHoursMessage).toBe(message);
    const availability = await fetch(`${server.url}/api/widget/availability`, {
      headers: { authorization: `Bearer ${later.token}` },
    });
    expect(await availability.json()).toEqual({
      online: false,
      outOfHours: true,
      outOfHoursMessage: message,
    });
    const v = await visitorWrites('anyone there at night?');
    const flagged = await waitForAsync(async () =>
      (await conversation(v.conversationId)).outOfHours ? true : null,
    );
    expect(flagged).toBe(true);
    expect((await conversation(v.conversationId)).assigneeId).toBeNull();
    await owner.client.patch(`${w()}/teams/${teamId}`, { businessHours: null, outOfHoursMessage: null });
  });

  it('treats an operator without a live console as disconnected and routes their conversations to others', async () => {
    await server.parley.ctx.db.execute(
      sql`UPDATE workspaces SET disconnect_grace_seconds = 1 WHERE id = ${owner.workspaceId}`,
    );
    const v = await visitorWrites('are you still there?');
    const assignee = await waitForAsync(async () => (await conversation(v.conversationId)).assigneeId);
    const leaving = ops.find((o) => o.userId === assignee)!;
    leaving.socket.ws.close();
    const next = await waitForAsync(async () => {
      const c = await conversation(v.conversationId);
      return c.assigneeId && c.assigneeId !== assignee ? c.assigneeId : null;
    }, 30_000);
    expect(next).not.toBe(assignee);
    const operators = (await owner.client.get(`${w()}/operators`)).body;
    expect(operators.find((o: { userId: string }) => o.userId === assignee).status).toBe('disconnected');

    // Back online: the chosen status applies again and every console hears it.
    const watcher = ops.find((o) => o !== leaving)!.socket.messages;
    const seenBefore = watcher.length;
    leaving.socket = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      leaving.client.cookie,
    );
    const back = await waitFor(
      () =>
        watcher
          .slice(seenBefore)
          .find((m) => m.event?.name === 'operator.status_changed' && m.event.payload.userId === assignee),
      15_000,
    );
    expect(back.event.payload.status).toBe('connected');
  });
});

async function waitForAsync<T>(fn: () => Promise<T | null | undefined>, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error('waitForAsync: timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
