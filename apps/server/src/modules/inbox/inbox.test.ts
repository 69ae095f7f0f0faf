import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer, waitFor } from '../../../test/harness.ts';
import { defaultTeam, type Member, member, until, visitor } from '../../../test/supervision-helpers.ts';
import { conversations, events } from '../../platform/db/schema.ts';
import { setClock } from '../routing/clock.ts';

type Item = {
  id: string;
  kind: string;
  readAt: string | null;
  archivedAt: string | null;
  entity: { id: string };
};

/** WS-1 inbox items from events, and WS-2 snooze, priority and the important mark. */
describe('the inbox and the states of a conversation', () => {
  let server: TestServer;
  let owner: Owner;
  let widgetKey: string;
  let anna: Member;
  let oscar: Member;
  let frontId: string;
  const w = () => `/api/workspaces/${owner.workspaceId}`;
  const db = () => server.parley.ctx.db;
  const inbox = async (m: Member, query = '') => (await m.client.get(`${w()}/inbox${query}`)).body;
  const conversation = async (id: string) => (await owner.client.get(`${w()}/conversations/${id}`)).body;

  beforeAll(async () => {
    server = await startTestServer({ loginRateLimit: 1000 });
    owner = await setupOwner(server.url);
    widgetKey = (await owner.client.get(w())).body.widgetKey;
    anna = await member(server, owner, { name: 'Anna Keller', role: 'operator' });
    oscar = await member(server, owner, { name: 'Oscar Diaz', role: 'operator' });
    frontId = await defaultTeam(owner, 'Front', [anna.userId], 10);
  });
  afterEach(() => setClock());
  afterAll(() => server?.close());

  const annasChat = async (text: string) => {
    const customer = await visitor(server, widgetKey);
    const id = await customer.write(text);
    await until(async () => (await conversation(id)).assigneeId === anna.userId);
    return { customer, id };
  };
  const note = (m: Member, id: string, text: string, isPrivate = true) =>
    m.client.post(`${w()}/conversations/${id}/messages`, {
      clientId: `n-${Math.random().toString(36).slice(2, 12)}`,
      text,
      private: isPrivate,
    });

  it('an @mention in a note reaches the colleague’s inbox live; read, archive and filters', async () => {
    const { id } = await annasChat('mention: hello');
    expect((await note(anna, id, 'Hi @Oscar Diaz, public mention', false)).status).toBe(200);
    // Oscar is of no team yet: he may not see the conversation, so the note is not put before him.
    expect((await note(anna, id, '@Oscar Diaz this one stays out of your inbox')).status).toBe(200);
    // In the team (and out of routing's way: he is on the phone), he sees it and is told.
    expect((await oscar.client.put(`${w()}/me/status`, { status: 'phone' })).status).toBe(200);
    await owner.client.put(`${w()}/teams/${frontId}/members`, { userIds: [anna.userId, oscar.userId] });
    expect((await note(anna, id, '@Oscar Diaz can you check the invoice?')).status).toBe(200);
    const live = await waitFor(
      () => oscar.socket!.messages.find((m) => m.event?.name === 'inbox.item_created')?.event.payload,
      10_000,
    );
    expect(live.item).toMatchObject({ kind: 'mention', actorName: 'Anna Keller', entity: { id } });
    expect(live.unread).toBe(1);
    expect(anna.socket!.messages.some((m) => m.event?.name === 'inbox.item_created')).toBe(false);
    const page = await inbox(oscar);
    expect(page.items).toHaveLength(1);
    expect(page.items[0].excerpt).toBe('@Oscar Diaz can you check the invoice?');
    expect(page.unread).toBe(1);
    const item: Item = page.items[0];

    // Bad input: 4xx naming the field, nothing changed.
    for (const [body, field] of [
      [{}, undefined],
      [{ read: 'yes' }, 'read'],
      [{ archived: 3 }, 'archived'],
    ] as const) {
      const res = await oscar.client.patch(`${w()}/inbox/${item.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (field) expect(res.body.error.field).toBe(field);
    }
    expect((await oscar.client.get(`${w()}/inbox?filter=bogus`)).body.error.field).toBe('filter');
    expect((await oscar.client.get(`${w()}/inbox?before=nope`)).body.error.field).toBe('before');
    // Someone else's item looks missing.
    expect((await anna.client.patch(`${w()}/inbox/${item.id}`, { read: true })).status).toBe(404);
    expect((await inbox(oscar)).unread).toBe(1);

    const read = await oscar.client.patch(`${w()}/inbox/${item.id}`, { read: true });
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    await waitFor(() =>
      oscar.socket!.messages.some(
        (m) => m.event?.name === 'inbox.items_updated' && m.event.payload.unread === 0,
      ),
    );
    expect((await inbox(oscar, '?filter=unread')).items).toHaveLength(0);
    expect((await oscar.client.patch(`${w()}/inbox/${item.id}`, { read: false })).body.readAt).toBeNull();
    expect((await oscar.client.get(`${w()}/inbox/unread`)).body.unread).toBe(1);
    await oscar.client.patch(`${w()}/inbox/${item.id}`, { archived: true });
    expect((await inbox(oscar)).items).toHaveLength(0);
    expect((await inbox(oscar, '?filter=archived')).items.map((i: Item) => i.id)).toEqual([item.id]);
    expect((await inbox(oscar)).unread).toBe(0);
    await owner.client.put(`${w()}/teams/${frontId}/members`, { userIds: [anna.userId] });
    await oscar.client.put(`${w()}/me/status`, { status: 'connected' });
  });

  it('assignments and transfers by a colleague make items; the router’s own do not', async () => {
    const { id } = await annasChat('assign: hello');
    expect((await inbox(anna)).items.filter((i: Item) => i.entity.id === id)).toHaveLength(0);
    const moved = await owner.client.post(`${w()}/conversations/${id}/transfer`, { toUserId: oscar.userId });
    expect(moved.status).toBe(200);
    const item = await until(async () =>
      (await inbox(oscar)).items.find((i: Item) => i.kind === 'transfer' && i.entity.id === id),
    );
    expect(item.actorName).toBe('Olivia Owner');
    const back = await owner.client.post(`${w()}/conversations/${id}/assign`, { assigneeId: anna.userId });
    expect(back.status).toBe(200);
    await until(async () => (await inbox(anna)).items.find((i: Item) => i.kind === 'assignment'));
    expect((await anna.client.post(`${w()}/inbox/read-all`)).body.unread).toBe(0);
  });

  it('snooze: bad input is refused; the customer writing wakes it', async () => {
    const { customer, id } = await annasChat('snooze-customer: hello');
    const past = new Date(Date.now() - 60_000).toISOString();
    const tooFar = new Date(Date.now() + 367 * 86_400_000).toISOString();
    for (const [body, field] of [
      [{ until: past }, 'until'],
      [{ until: '9999-12-31T00:00:00Z' }, 'until'],
      [{ until: tooFar }, 'until'],
      [{ until: 'tomorrow' }, 'until'],
      [{}, 'until'],
    ] as const) {
      const res = await anna.client.post(`${w()}/conversations/${id}/snooze`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    expect((await conversation(id)).status).toBe('open');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await oscar.client.post(`${w()}/conversations/${id}/snooze`, { until: future })).status).toBe(
      404,
    );
    expect((await conversation(id)).status).toBe('open');

    const snoozed = await anna.client.post(`${w()}/conversations/${id}/snooze`, { until: future });
    expect(snoozed.status).toBe(200);
    expect(snoozed.body).toMatchObject({ status: 'snoozed', snoozedUntil: future, assigneeId: anna.userId });
    await customer.write('snooze-customer: are you there?');
    expect(await until(async () => ((await conversation(id)).status === 'open' ? 'open' : null))).toBe(
      'open',
    );
    const item = await until(async () =>
      (await inbox(anna)).items.find((i: Item) => i.kind === 'snooze_wakeup' && i.entity.id === id),
    );
    expect(item).toBeTruthy();
  });

  it('snooze: at most 366 days ahead of the routing clock', async () => {
    const { id } = await annasChat('snooze-horizon: hello');
    const day = 86_400_000;
    const tooFar = new Date(Date.now() + 367 * day).toISOString();
    const refused = await anna.client.post(`${w()}/conversations/${id}/snooze`, { until: tooFar });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'validation_failed', field: 'until' });
    expect((await conversation(id)).status).toBe('open');
    // Measured on the routing clock: the same date is within a year of a clock moved 30 days on.
    setClock(() => new Date(Date.now() + 30 * day));
    const snoozed = await anna.client.post(`${w()}/conversations/${id}/snooze`, { until: tooFar });
    expect(snoozed.status, JSON.stringify(snoozed.body)).toBe(200);
    expect(snoozed.body).toMatchObject({ status: 'snoozed', snoozedUntil: tooFar });
  });

  it('snooze: it wakes by itself when its time comes (routing clock)', async () => {
    const { id } = await annasChat('snooze-timer: hello');
    const until1h = new Date(Date.now() + 3_600_000);
    await anna.client.post(`${w()}/conversations/${id}/snooze`, { until: until1h.toISOString() });
    // Still snoozed a while later on the real clock.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await conversation(id)).status).toBe('snoozed');
    const snoozedList = await owner.client.get(`${w()}/conversations?status=snoozed`);
    expect(snoozedList.body.items.map((c: { id: string }) => c.id)).toContain(id);
    setClock(() => new Date(until1h.getTime() + 1000));
    await until(async () => (await conversation(id)).status === 'open');
    await waitFor(() =>
      anna.socket!.messages.some(
        (m) =>
          m.event?.name === 'conversation.updated' &&
          m.event.payload.change === 'woke' &&
          m.event.payload.conversation.id === id,
      ),
    );
    const [row] = await db().select().from(conversations).where(eq(conversations.id, id));
    expect(row!.snoozedUntil).toBeNull();
    expect(row!.assigneeId).toBe(anna.userId);
  });

  it('priority orders the queue; important is a mark to filter on', async () => {
    const { id } = await annasChat('marks: hello');
    for (const [body, field] of [
      [{}, undefined],
      [{ priority: 'bogus' }, 'priority'],
      [{ important: 'yes' }, 'important'],
      [{ priority: null }, 'priority'],
    ] as const) {
      const res = await anna.client.patch(`${w()}/conversations/${id}/marks`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (field) expect(res.body.error.field).toBe(field);
    }
    expect((await oscar.client.patch(`${w()}/conversations/${id}/marks`, { important: true })).status).toBe(
      404,
    );
    const marked = await anna.client.patch(`${w()}/conversations/${id}/marks`, {
      priority: 'high',
      important: true,
    });
    expect(marked.body).toMatchObject({ priority: 'high', important: true });
    await waitFor(() =>
      anna.socket!.messages.some(
        (m) => m.event?.name === 'conversation.updated' && m.event.payload.change === 'marked',
      ),
    );
    const important = await owner.client.get(`${w()}/conversations?important=true`);
    expect(important.body.items.map((c: { id: string }) => c.id)).toEqual([id]);

    // Nobody can take new ones: three wait; the urgent one is served first, then high, then none.
    expect((await anna.client.put(`${w()}/me/status`, { status: 'on_break' })).status).toBe(200);
    const a = await (await visitor(server, widgetKey)).write('queue: first');
    const b = await (await visitor(server, widgetKey)).write('queue: second');
    const c = await (await visitor(server, widgetKey)).write('queue: third');
    await until(async () => (await conversation(c)).queuedAt);
    expect((await owner.client.patch(`${w()}/conversations/${b}/marks`, { priority: 'high' })).status).toBe(
      200,
    );
    expect((await owner.client.patch(`${w()}/conversations/${c}/marks`, { priority: 'urgent' })).status).toBe(
      200,
    );
    expect((await anna.client.put(`${w()}/me/status`, { status: 'connected' })).status).toBe(200);
    await until(async () => {
      const rows = await Promise.all([a, b, c].map(conversation));
      return rows.every((r) => r.firstAssignedAt);
    });
    // The order they were handed out in is the outbox's (one batch may assign them at one instant).
    const handedOut = await db()
      .select({ conversationId: events.conversationId })
      .from(events)
      .where(
        and(
          eq(events.workspaceId, owner.workspaceId),
          eq(events.name, 'conversation.updated'),
          sql`${events.payload}->>'change' = 'assigned'`,
          inArray(events.conversationId, [a, b, c]),
        ),
      )
      .orderBy(asc(events.seq));
    expect(handedOut.map((e) => e.conversationId)).toEqual([c, b, a]);
  });
});
