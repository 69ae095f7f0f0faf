import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
import { statusTime } from '../routing/status-time.ts';

/**
 * A scripted day (SPEC §3): conversations driven through the HTTP API on a controlled clock, then
 * the exact figures the metrics module must give. Only `Date` is faked: timers and the database run
 * as usual, and the clock only moves forward from the real time so liveness checks still hold.
 */
describe('metrics over a scripted day', () => {
  let server: TestServer;
  let owner: Owner;
  let ana: { client: Client; userId: string };
  let ben: { client: Client; userId: string };
  let teamId: string;
  let widgetKey: string;
  const sockets: Awaited<ReturnType<typeof openSocket>>[] = [];
  const w = () => `/api/workspaces/${owner.workspaceId}`;
  let t0 = 0;
  const at = (seconds: number) => vi.setSystemTime(t0 + seconds * 1000);

  const row = async (conversationId: string) => {
    const { rows } = await server.parley.ctx.db.execute<{ queued_at: string | null; out_of_hours: boolean }>(
      sql`SELECT queued_at, out_of_hours FROM conversations WHERE id = ${conversationId}`,
    );
    return rows[0]!;
  };

  /** A new visitor; `say` posts a customer message and returns its conversation. */
  const visitor = async () => {
    const session = await fetch(`${server.url}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceKey: widgetKey, locale: 'en' }),
    });
    const { token } = (await session.json()) as { token: string };
    return async (text: string): Promise<string> => {
      const res = await fetch(`${server.url}/api/widget/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: `m-${Math.random().toString(36).slice(2, 12)}`, text }),
      });
      expect(res.status).toBe(200);
      const { id } = (await res.json()) as { id: string };
      const { rows } = await server.parley.ctx.db.execute<{ conversation_id: string }>(
        sql`SELECT conversation_id FROM messages WHERE id = ${id}`,
      );
      return rows[0]!.conversation_id;
    };
  };
  /** The router has seen the conversation (queued or flagged out of hours) before the clock moves. */
  const routed = async (conversationId: string) => {
    for (const deadline = performance.now() + 15_000; performance.now() < deadline; ) {
      const r = await row(conversationId);
      if (r.queued_at || r.out_of_hours) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('conversation was never routed');
  };
  const reply = async (who: { client: Client }, conversationId: string, text: string, isPrivate = false) => {
    const res = await who.client.post(`${w()}/conversations/${conversationId}/messages`, {
      clientId: `o-${Math.random().toString(36).slice(2, 12)}`,
      text,
      private: isPrivate,
    });
    expect(res.status).toBe(200);
  };
  const act = async (who: { client: Client }, path: string, body: unknown = {}) => {
    const res = await who.client.post(`${w()}${path}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  type Listed = {
    conversationId: string;
    operatorName: string | null;
    value: { ms: number; count: number } | null;
    met: boolean | null;
  };
  /** Every page of a tile's list (two rows a page, so the keyset is walked). */
  const everything = async (query: string, limit = 2): Promise<Listed[]> => {
    const found: Listed[] = [];
    let cursor: string | null = null;
    do {
      const res = await owner.client.get(
        `${w()}/monitoring/conversations?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      found.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return found;
  };
  /** For every tile: as many rows as its count, and the listed values average to its average. */
  const expectListsMatch = async (query: string, limit: number) => {
    const { figures } = (await owner.client.get(`${w()}/metrics?${query}`)).body;
    for (const metric of [
      'total',
      'attended',
      'unattended',
      'transferred',
      'closed',
      'active',
      'pending',
      'queued',
    ]) {
      expect((await everything(`${query}&metric=${metric}`, limit)).length, `${metric} ${query}`).toBe(
        figures[metric],
      );
    }
    for (const metric of ['firstResponse', 'response', 'duration', 'queueWait']) {
      const rows = await everything(`${query}&metric=${metric}`, limit);
      const count = rows.reduce((n, r) => n + r.value!.count, 0);
      const sum = rows.reduce((n, r) => n + r.value!.ms, 0);
      expect(count, `${metric} ${query}`).toBe(figures[metric].count);
      expect(count > 0 ? Math.round(sum / count) : null, `${metric} ${query}`).toBe(figures[metric].ms);
      if (metric !== 'response') expect(rows.length).toBe(count);
    }
    const sl = await everything(`${query}&metric=serviceLevel`, limit);
    expect({ met: sl.filter((r) => r.met).length, count: sl.length }, query).toEqual(figures.serviceLevel);
  };

  beforeAll(async () => {
    server = await startTestServer({}, { heartbeatMs: 300 });
    owner = await setupOwner(server.url);
    widgetKey = (await owner.client.get(w())).body.widgetKey;
    ana = await addMember(owner, { email: 'ana@example.com', role: 'operator', name: 'Ana' });
    ben = await addMember(owner, { email: 'ben@example.com', role: 'operator', name: 'Ben' });
    for (const m of [ana, ben]) {
      const socket = await openSocket(
        server.url,
        `/api/realtime?workspaceId=${owner.workspaceId}`,
        m.client.cookie,
      );
      sockets.push(socket);
    }
    await waitFor(() => sockets.every((s) => s.messages.some((m) => m.type === 'ready')));
    // Manual pick: nothing is assigned behind the script's back.
    const team = await owner.client.post(`${w()}/teams`, { name: 'Support', rule: 'manual', capacity: 5 });
    teamId = team.body.id;
    await owner.client.put(`${w()}/teams/${teamId}/members`, { userIds: [ana.userId, ben.userId] });
    // A long grace period: the faked clock runs ahead of the heartbeats' database time.
    await owner.client.patch(`${w()}/routing`, { defaultTeamId: teamId, disconnectGraceSeconds: 3600 });
  });
  afterAll(async () => {
    vi.useRealTimers();
    for (const s of sockets) s.ws.close();
    await server?.close();
  });

  it('gives the exact figures of SPEC §3, overall and per operator', async () => {
    t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    vi.useFakeTimers({ toFake: ['Date'] });
    at(0);

    // C1: a reply before anyone is assigned takes the conversation (first response 0, counted).
    const c1Say = await visitor();
    const c1 = await c1Say('hello, anyone?');
    await routed(c1);
    at(30);
    await reply(ana, c1, 'Hi! Ana here.');

    // C2: a burst of three answered once, then a transfer mid-conversation.
    at(60);
    const c2Say = await visitor();
    const c2 = await c2Say('my order');
    await routed(c2);
    at(70);
    await c2Say('is late');
    at(80);
    await c2Say('very late');
    at(100);
    await act(ben, `/conversations/${c2}/assign`, { assigneeId: ben.userId });
    at(160);
    await reply(ben, c2, 'Let me look.');
    at(200);
    await c2Say('any news?');
    at(220);
    await act(ben, `/conversations/${c2}/transfer`, { toUserId: ana.userId, message: 'billing' });
    // A private note and the automatic "looking for information" notice are not replies.
    at(230);
    await reply(ana, c2, 'checking billing', true);
    await ana.client.put(`${w()}/me/status`, { status: 'looking_for_info' });
    await ana.client.put(`${w()}/me/status`, { status: 'connected' });
    at(250);
    await reply(ana, c2, 'Refund sent.');

    // C3: nobody answers (picked later, never answered: pending).
    at(300);
    const c3 = await (await visitor())('hello?');
    await routed(c3);

    // C4: answered, closed, reopened: the second cycle is timed from the reopening.
    at(400);
    const c4Say = await visitor();
    const c4 = await c4Say('question');
    await routed(c4);
    at(410);
    await act(ana, `/conversations/${c4}/assign`, { assigneeId: ana.userId });
    at(430);
    await reply(ana, c4, 'answer');
    at(500);
    await act(ana, `/conversations/${c4}/close`);
    at(600);
    await act(ana, `/conversations/${c4}/reopen`);
    at(660);
    await reply(ana, c4, 'one more thing');
    at(700);
    await c4Say('thanks, and another');
    at(710);
    await reply(ana, c4, 'sure');

    // C5: arrives for a team that is closed (the default team for a moment): out of hours, a case to
    // recover, never attended.
    const night = await owner.client.post(`${w()}/teams`, {
      name: 'Night',
      rule: 'manual',
      capacity: 5,
      businessHours: { timezone: 'UTC', weekly: {}, holidays: [] },
    });
    expect(night.status).toBe(201);
    await owner.client.patch(`${w()}/routing`, { defaultTeamId: night.body.id });
    at(750);
    const c5 = await (await visitor())('are you there at night?');
    await routed(c5);
    expect((await row(c5)).out_of_hours).toBe(true);
    await owner.client.patch(`${w()}/routing`, { defaultTeamId: teamId });

    // C1 is closed: duration 800 s. C3 is picked and left unanswered. C6 waits in the queue.
    at(800);
    await act(ana, `/conversations/${c1}/close`);
    at(900);
    await act(ben, `/conversations/${c3}/assign`, { assigneeId: ben.userId });
    at(950);
    const c6 = await (await visitor())('still there?');
    await routed(c6);

    const period = `from=${new Date(t0 - 3600_000).toISOString()}&to=${new Date(t0 + 3600_000).toISOString()}`;
    const report = await owner.client.get(`${w()}/metrics?${period}`);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body.figures).toEqual({
      total: 6,
      attended: 3, // C1, C2, C4
      unattended: 3, // C3 (picked, never answered), C5 (out of hours), C6 (queued)
      transferred: 1,
      closed: 1,
      // Per assignment: C1 Ana 0 s, C2 Ben 60 s, C2 Ana 30 s, C4 Ana 20 s, C4 Ana again 60 s.
      firstResponse: { ms: 34_000, count: 5 },
      // Per burst: C1 30 s, C2 100 s (three messages, one burst) and 50 s, C4 30 s and 10 s.
      response: { ms: 44_000, count: 5 },
      duration: { ms: 800_000, count: 1 },
      // C1 30 s, C2 40 s, C4 10 s, C3 600 s in the queue before their first assignment.
      queueWait: { ms: 170_000, count: 4 },
      csat: { sum: 0, count: 0, average: null }, // nobody rated (ratings: ratings.test.ts)
      active: 3, // C2 and C4 (Ana), C3 (Ben)
      pending: 1, // C3: the customer wrote, Ben has not answered
      queued: 1, // C6 (C5 is out of hours: a case to recover, not queued)
      // Answered within 60 s of creation: C1 (30 s) and C4 (30 s); C2 took 100 s; the rest never.
      serviceLevel: { met: 2, count: 6 },
      // No team with business hours handled any of them (the Night team's C5 was never assigned).
      businessHours: {
        firstResponse: { ms: null, count: 0 },
        response: { ms: null, count: 0 },
        duration: { ms: null, count: 0 },
        queueWait: { ms: null, count: 0 },
      },
    });
    expect(report.body.serviceLevelGoal).toEqual({ seconds: 60, percent: 80 });
    // Whole days are read from the rollups the triggers kept: the same figures.
    const midnight = Math.floor(t0 / 86_400_000) * 86_400_000;
    const days = `from=${new Date(midnight - 86_400_000).toISOString()}&to=${new Date(midnight + 2 * 86_400_000).toISOString()}`;
    expect((await owner.client.get(`${w()}/metrics?${days}`)).body.figures).toEqual(report.body.figures);

    const perOperator = await owner.client.get(`${w()}/metrics?${period}&segment=operator`);
    const of = (userId: string) =>
      perOperator.body.segments.find((s: { key: string }) => s.key === userId)?.figures;
    expect(of(ana.userId)).toMatchObject({
      total: 3,
      attended: 3,
      firstResponse: { ms: 27_500, count: 4 },
      response: { ms: 30_000, count: 4 },
    });
    expect(of(ben.userId)).toMatchObject({
      total: 2,
      attended: 1,
      firstResponse: { ms: 60_000, count: 1 },
      response: { ms: 100_000, count: 1 },
    });
    // Overall figures are not sums of the operators' (C2 was handled by both).
    expect(perOperator.body.figures).toEqual(report.body.figures);

    // Every tile opens the conversations behind its number: the same rule, so the list adds up to it.
    for (const query of [period, days, `${period}&teamId=${teamId}`, `${days}&channel=web`]) {
      await expectListsMatch(query, query === period ? 2 : 50);
    }
    const listed = async (metric: string) =>
      (await everything(`${period}&metric=${metric}`)).map((r) => r.conversationId).sort();
    expect(await listed('attended')).toEqual([c1, c2, c4].sort());
    expect(await listed('unattended')).toEqual([c3, c5, c6].sort());
    expect(await listed('transferred')).toEqual([c2]);
    expect(await listed('pending')).toEqual([c3]);
    const firsts = await everything(`${period}&metric=firstResponse`);
    expect(firsts.filter((r) => r.conversationId === c2).map((r) => [r.operatorName, r.value?.ms])).toEqual([
      ['Ana', 30_000],
      ['Ben', 60_000],
    ]);
    // Bad input names its field; monitoring is for supervisors; another workspace sees nothing of this one.
    const list = (query: string, who: { client: Client } = owner, workspace = owner.workspaceId) =>
      who.client.get(`/api/workspaces/${workspace}/monitoring/conversations?${query}`);
    for (const [query, field] of [
      [`${period}&metric=everything`, 'metric'],
      [`${period}&metric=total&cursor=nonsense`, 'cursor'],
      [`${period}&metric=total&limit=0`, 'limit'],
      [`metric=total&from=${new Date(t0).toISOString()}`, 'to'],
      [`metric=total&period=forever`, 'period'],
    ] as const) {
      const res = await list(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.field, query).toBe(field);
    }
    expect((await list(`${period}&metric=total`, ana)).status).toBe(403);
    const other = await owner.client.post('/api/workspaces', { name: 'Other' });
    const otherId = other.body.id ?? other.body.workspace?.id;
    expect((await list(`${period}&metric=total`, ana, otherId)).status).toBe(404);
    expect((await list(`${period}&metric=total`, owner, otherId)).body).toEqual({
      items: [],
      nextCursor: null,
    });

    // The cases behind the live page (MON-4…6), then a recovery (MON-5).
    const cases = async (kind: string) =>
      (await owner.client.get(`${w()}/monitoring/cases?kind=${kind}`)).body;
    const current = await cases('current');
    expect(current.map((c: { conversationId: string }) => c.conversationId).sort()).toEqual(
      [c2, c3, c4].sort(),
    );
    expect(current.find((c: { conversationId: string }) => c.conversationId === c3)).toMatchObject({
      assigneeId: ben.userId,
      state: 'pending',
      waitingSince: new Date(t0 + 300_000).toISOString(),
    });
    expect(await cases('queued')).toMatchObject([{ conversationId: c6, position: 1 }]);
    const recover = await cases('recover');
    expect(recover).toMatchObject([
      {
        conversationId: c5,
        reason: 'out_of_hours',
        replyWindowEndsAt: new Date(t0 + 750_000 + 86_400_000).toISOString(),
      },
    ]);
    expect(await act(owner, `/conversations/${c5}/recover`)).toEqual({ outcome: 'queued' });
    expect(await cases('recover')).toEqual([]);
    const queuedNow = (await cases('queued')).map((c: { conversationId: string }) => c.conversationId);
    expect(queuedNow.sort()).toEqual([c5, c6].sort());

    // Settings: the "unanswered" threshold, reply windows and the service level goal (owners/admins).
    const settings = async (body: unknown, who: { client: Client } = owner) =>
      who.client.patch(`${w()}/monitoring/settings`, body);
    expect((await settings({ unansweredAfterSeconds: 600 })).status).toBe(200);
    // C3 has waited 650 s in Ben's inbox: a case to recover now, with the web chat's 24 h window.
    expect(await cases('recover')).toMatchObject([
      {
        conversationId: c3,
        reason: 'unanswered',
        replyWindowEndsAt: new Date(t0 + 300_000 + 86_400_000).toISOString(),
      },
    ]);
    // Its channel's and no other's (the list's filters reach each way a case is found).
    expect(
      (await cases('recover&channel=web')).map((c: { conversationId: string }) => c.conversationId),
    ).toEqual([c3]);
    expect(await cases('recover&channel=email')).toEqual([]);
    const changed = await settings({ replyWindows: { web: 3600 }, serviceLevelSeconds: 120 });
    expect(changed.body).toMatchObject({
      serviceLevelSeconds: 120,
      serviceLevelPercent: 80,
      unansweredAfterSeconds: 600,
      replyWindows: { web: 3600, email: 7 * 86_400 },
    });
    expect((await cases('recover'))[0].replyWindowEndsAt).toBe(
      new Date(t0 + 300_000 + 3_600_000).toISOString(),
    );
    // Within 120 s, C2 (100 s) is answered in time too; the rollups were rebuilt for the new goal.
    const slPeriod = (await owner.client.get(`${w()}/metrics?${period}`)).body;
    expect(slPeriod.figures.serviceLevel).toEqual({ met: 3, count: 6 });
    expect(slPeriod.serviceLevelGoal).toEqual({ seconds: 120, percent: 80 });
    expect((await owner.client.get(`${w()}/metrics?${days}`)).body.figures.serviceLevel).toEqual({
      met: 3,
      count: 6,
    });
    const bad = await settings({ serviceLevelPercent: 120 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('serviceLevelPercent');
    expect((await settings({ unansweredAfterSeconds: 900 }, ana)).status).toBe(403);
    const { rows: audited } = await server.parley.ctx.db.execute<{ action: string }>(
      sql`SELECT action FROM audit_log WHERE workspace_id = ${owner.workspaceId} AND action = 'monitoring.settings_changed'`,
    );
    expect(audited).toHaveLength(2);

    // Monitoring is for supervisors: an operator gets 403.
    expect((await ana.client.get(`${w()}/monitoring/cases?kind=current`)).status).toBe(403);
    const denied = await ana.client.get(`${w()}/metrics?${period}`);
    expect(denied.status).toBe(403);
    const badPeriod = await owner.client.get(`${w()}/metrics?from=${new Date(t0).toISOString()}`);
    expect(badPeriod.status).toBe(400);
  }, 120_000);

  it('gives business-hours variants of the time metrics for a team with hours', async () => {
    // A 09:00–18:00 team (every day, UTC). A customer arrives at 17:55 and is picked at once; the
    // answer comes at 09:05 the next morning, and the conversation is closed at 09:10.
    const office = await owner.client.post(`${w()}/teams`, {
      name: 'Office',
      rule: 'manual',
      capacity: 5,
      businessHours: {
        timezone: 'UTC',
        weekly: Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '18:00']]]),
        ),
        holidays: [],
      },
    });
    expect(office.status).toBe(201);
    await owner.client.put(`${w()}/teams/${office.body.id}/members`, { userIds: [ana.userId] });
    await owner.client.patch(`${w()}/routing`, { defaultTeamId: office.body.id });
    const day = 86_400_000;
    // 17:55 two days ahead: the operator's figures below are read over a day from an hour before
    // it, which must not reach back to the scripted day of the test before (Ana answered there too,
    // within the quarter of an hour after the test started). Today's or tomorrow's 17:55 did when the
    // suite ran between about 16:40 and 17:55 UTC.
    const arrival = Math.floor(Date.now() / day) * day + 2 * day + (17 * 60 + 55) * 60_000;
    vi.setSystemTime(arrival);
    const say = await visitor();
    const c = await say('still open?');
    await routed(c);
    await act(ana, `/conversations/${c}/assign`, { assigneeId: ana.userId });
    vi.setSystemTime(arrival + 15 * 3600_000 + 10 * 60_000); // 09:05
    await reply(ana, c, 'Good morning!');
    vi.setSystemTime(arrival + 15 * 3600_000 + 15 * 60_000); // 09:10
    await act(ana, `/conversations/${c}/close`);
    await owner.client.patch(`${w()}/routing`, { defaultTeamId: teamId });

    const raw = 15 * 3600_000 + 10 * 60_000;
    const expected = {
      firstResponse: { ms: raw, count: 1 },
      response: { ms: raw, count: 1 },
      duration: { ms: raw + 5 * 60_000, count: 1 },
      businessHours: {
        firstResponse: { ms: 10 * 60_000, count: 1 },
        response: { ms: 10 * 60_000, count: 1 },
        duration: { ms: 15 * 60_000, count: 1 },
        queueWait: { ms: 0, count: 1 },
      },
    };
    const from = Math.floor(arrival / day) * day;
    const edges = `from=${new Date(arrival - 3600_000).toISOString()}&to=${new Date(arrival + day).toISOString()}`;
    const days = `from=${new Date(from - day).toISOString()}&to=${new Date(from + 3 * day).toISOString()}`;
    for (const period of [edges, days]) {
      const report = await owner.client.get(`${w()}/metrics?${period}&teamId=${office.body.id}`);
      expect(report.status).toBe(200);
      expect(report.body.figures, period).toMatchObject(expected);
    }
    // The operator's own figures (OPS-7) carry the same business-hours variants, from her assignment.
    const detail = await owner.client.get(`${w()}/operators/${ana.userId}/detail?${edges}`);
    expect(detail.status).toBe(200);
    expect(detail.body.figures.businessHours).toMatchObject({
      firstResponse: { ms: 10 * 60_000, count: 1 },
      response: { ms: 10 * 60_000, count: 1 },
    });
    expect(detail.body.figures.response).toEqual({ ms: raw, count: 1 });
  });

  it('ends the status of an operator whose node died at its last heartbeat', async () => {
    vi.useRealTimers();
    expect((await owner.client.patch(`${w()}/routing`, { disconnectGraceSeconds: 20 })).status).toBe(200);
    // Cid was Connected through a node that stopped (no socket closed anywhere: nothing was scheduled).
    const cid = await addMember(owner, { email: 'cid@example.com', role: 'operator', name: 'Cid' });
    expect((await cid.client.put(`${w()}/me/status`, { status: 'connected' })).status).toBe(200);
    const { rows: chosen } = await server.parley.ctx.db.execute<{ at: Date | string }>(
      sql`SELECT max(created_at) AS at FROM connection_history WHERE user_id = ${cid.userId} AND kind = 'status_change'`,
    );
    const connectedAt = new Date(chosen[0]!.at).getTime();
    const lastHeartbeat = new Date(connectedAt + 2000);
    await server.parley.ctx.db.execute(
      sql`UPDATE memberships SET last_active_at = ${lastHeartbeat.toISOString()}::timestamptz
        WHERE user_id = ${cid.userId} AND workspace_id = ${owner.workspaceId}`,
    );
    // Another node notices (the presence sweep) once the grace period has passed.
    let ended: { detail: string; at: Date | string } | undefined;
    for (const deadline = Date.now() + 100_000; !ended && Date.now() < deadline; ) {
      const { rows } = await server.parley.ctx.db.execute<{ detail: string; at: Date | string }>(
        sql`SELECT detail, created_at AS at FROM connection_history WHERE user_id = ${cid.userId}
          AND kind = 'status_change' ORDER BY created_at DESC LIMIT 1`,
      );
      if (rows[0]?.detail === 'disconnected') ended = rows[0];
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!ended) throw new Error('the disconnection was never recorded');
    expect(new Date(ended.at).toISOString()).toBe(lastHeartbeat.toISOString());
    const time = await statusTime(server.parley.ctx.db, {
      workspaceId: owner.workspaceId,
      userId: cid.userId,
      from: new Date(connectedAt),
      to: new Date(connectedAt + 5000),
    });
    expect(time.totals).toEqual([
      { status: 'connected', seconds: 2 },
      { status: 'disconnected', seconds: 3 },
    ]);
  }, 150_000);
});
