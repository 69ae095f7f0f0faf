import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer, waitFor } from '../../../test/harness.ts';
import { defaultTeam, type Member, member, until, visitor } from '../../../test/supervision-helpers.ts';
import {
  auditLog,
  conversationAssignments,
  helpRequests,
  messages,
  monitoredConversations,
} from '../../platform/db/schema.ts';

/** OI-4 monitored dialogs (whisper, take-over) and OI-7 help requests, through the HTTP API. */
describe('a supervisor inside a conversation', () => {
  let server: TestServer;
  let owner: Owner;
  let widgetKey: string;
  let anna: Member;
  let oscar: Member;
  let sam: Member;
  let mia: Member;
  const w = () => `/api/workspaces/${owner.workspaceId}`;
  const db = () => server.parley.ctx.db;
  const inboxOf = async (m: Member) => (await m.client.get(`${w()}/inbox`)).body.items as { kind: string }[];

  beforeAll(async () => {
    server = await startTestServer({ loginRateLimit: 1000 });
    owner = await setupOwner(server.url);
    widgetKey = (await owner.client.get(w())).body.widgetKey;
    anna = await member(server, owner, { name: 'Anna Keller', role: 'operator' });
    oscar = await member(server, owner, { name: 'Oscar Diaz', role: 'operator' });
    // A supervisor of Anna's team, without a console open: routing never picks them.
    sam = await member(server, owner, { name: 'Sam Super', role: 'supervisor', live: false });
    // An operator granted `monitor` only.
    mia = await member(server, owner, { name: 'Mia Monitor', role: 'operator', permissions: ['monitor'] });
    await defaultTeam(owner, 'Front', [anna.userId, sam.userId], 10);
  });
  afterAll(() => server?.close());

  const annasChat = async (text: string) => {
    const customer = await visitor(server, widgetKey);
    const id = await customer.write(text);
    await until(
      async () => (await anna.client.get(`${w()}/conversations/${id}`)).body.assigneeId === anna.userId,
    );
    return { customer, id };
  };

  it('anyone with monitor opens and follows any live conversation; others cannot; pins are personal', async () => {
    const { customer, id } = await annasChat('monitor: hello');
    expect((await oscar.client.get(`${w()}/conversations/${id}`)).status).toBe(404);
    expect((await mia.client.get(`${w()}/conversations/${id}`)).status).toBe(200);
    expect((await mia.client.get(`${w()}/conversations/${id}/messages`)).status).toBe(200);
    await customer.write('monitor: second message');
    await waitFor(() =>
      mia.socket!.messages.some(
        (m) =>
          m.event?.name === 'message.created' && m.event.payload.message.text === 'monitor: second message',
      ),
    );

    expect((await oscar.client.put(`${w()}/conversations/${id}/monitored`, {})).status).toBe(403);
    expect((await oscar.client.get(`${w()}/monitored`)).status).toBe(403);
    const bad = await mia.client.put(`${w()}/conversations/not-a-uuid/monitored`, {});
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('conversationId');
    expect(
      (await mia.client.put(`${w()}/conversations/00000000-0000-4000-8000-000000000000/monitored`, {}))
        .status,
    ).toBe(404);

    const pinned = await mia.client.put(`${w()}/conversations/${id}/monitored`, {});
    expect(pinned.body.conversationIds).toEqual([id]);
    await waitFor(() => mia.socket!.messages.some((m) => m.event?.name === 'monitor.changed'));
    expect(oscar.socket!.messages.some((m) => m.event?.name === 'monitor.changed')).toBe(false);
    expect((await mia.client.get(`${w()}/monitored`)).body.conversationIds).toEqual([id]);
    expect((await sam.client.get(`${w()}/monitored`)).body.conversationIds).toEqual([]);
    const list = await mia.client.get(`${w()}/conversations?monitored=true`);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect((await mia.client.delete(`${w()}/conversations/${id}/monitored`)).body.conversationIds).toEqual(
      [],
    );
  });

  it('a whisper reaches the operator, never the customer', async () => {
    const { customer, id } = await annasChat('whisper: hello');
    const send = (m: Member, text: string) =>
      m.client.post(`${w()}/conversations/${id}/messages`, {
        clientId: `w-${Math.random().toString(36).slice(2, 12)}`,
        text,
        whisper: true,
      });
    const refused = await send(oscar, 'whisper from oscar');
    expect(refused.status).toBe(404);
    expect((await send(anna, 'whisper from anna')).status).toBe(403);
    const none = await db().select().from(messages).where(eq(messages.whisper, true));
    expect(none).toHaveLength(0);

    const sent = await send(sam, 'Offer the 10% discount');
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ private: true, whisper: true, authorId: sam.userId });
    await waitFor(() =>
      anna.socket!.messages.some(
        (m) =>
          m.event?.name === 'message.created' && m.event.payload.message.text === 'Offer the 10% discount',
      ),
    );
    await customer.write('whisper: still there?');
    await waitFor(() => customer.socket.messages.some((m) => JSON.stringify(m).includes('still there?')));
    expect(JSON.stringify(customer.socket.messages)).not.toContain('10% discount');
    expect(await customer.history()).not.toContain('10% discount');
    const history = await anna.client.get(`${w()}/conversations/${id}/messages`);
    expect(history.body.messages.find((m: { whisper: boolean }) => m.whisper).text).toBe(
      'Offer the 10% discount',
    );
  });

  it('a take-over makes the supervisor the assignee; the operator and the customer are told', async () => {
    const { customer, id } = await annasChat('takeover: hello');
    expect((await oscar.client.post(`${w()}/conversations/${id}/take-over`)).status).toBe(403);
    expect((await anna.client.post(`${w()}/conversations/${id}/take-over`)).status).toBe(403);
    expect((await mia.client.post(`${w()}/conversations/not-a-uuid/take-over`)).body.error.field).toBe(
      'conversationId',
    );
    expect((await anna.client.get(`${w()}/conversations/${id}`)).body.assigneeId).toBe(anna.userId);

    const taken = await mia.client.post(`${w()}/conversations/${id}/take-over`);
    expect(taken.status).toBe(200);
    expect(taken.body.assigneeId).toBe(mia.userId);
    const assignments = await db()
      .select()
      .from(conversationAssignments)
      .where(eq(conversationAssignments.conversationId, id));
    expect(assignments.map((a) => [a.userId, a.how, a.endReason])).toEqual(
      expect.arrayContaining([
        [anna.userId, expect.any(String), 'takeover'],
        [mia.userId, 'takeover', null],
      ]),
    );
    await waitFor(() =>
      anna.socket!.messages.some(
        (m) => m.event?.name === 'conversation.updated' && m.event.payload.change === 'taken_over',
      ),
    );
    await waitFor(() => JSON.stringify(customer.socket.messages).includes('Mia has joined the conversation'));
    expect(await customer.history()).toContain('Mia has joined the conversation');
    const item = await until(async () => (await inboxOf(anna)).find((i) => i.kind === 'takeover'));
    expect(item).toMatchObject({ actorName: 'Mia Monitor', entity: { type: 'conversation', id } });
    const audit = await db().select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([['conversation.taken_over', mia.userId]]);
    // It is Mia's now: Anna still sees it as her team's (SPEC §1), Oscar of no team does not.
    expect((await anna.client.get(`${w()}/conversations/${id}`)).body.assigneeId).toBe(mia.userId);
    expect((await oscar.client.get(`${w()}/conversations/${id}`)).status).toBe(404);
  });

  it('a help request reaches the team’s supervisors, who join with one click', async () => {
    const { id } = await annasChat('help: hello');
    const tooLong = await anna.client.post(`${w()}/conversations/${id}/help-requests`, {
      message: 'x'.repeat(501),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.field).toBe('message');
    expect((await oscar.client.post(`${w()}/conversations/${id}/help-requests`, {})).status).toBe(404);
    expect(await db().select().from(helpRequests).where(eq(helpRequests.conversationId, id))).toHaveLength(0);

    const asked = await anna.client.post(`${w()}/conversations/${id}/help-requests`, {
      message: 'Refund question',
    });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ message: 'Refund question', answeredBy: null });
    const again = await anna.client.post(`${w()}/conversations/${id}/help-requests`, {});
    expect(again.body.id).toBe(asked.body.id);

    // Sam supervises Anna's team: Sam gets it; the owner (not in the team) does not.
    const item = await until(async () => (await inboxOf(sam)).find((i) => i.kind === 'help_request'));
    expect(item).toMatchObject({ actorName: 'Anna Keller', excerpt: 'Refund question' });
    expect((await inboxOf({ ...anna, client: owner.client })).some((i) => i.kind === 'help_request')).toBe(
      false,
    );

    expect((await oscar.client.post(`${w()}/help-requests/${asked.body.id}/join`)).status).toBe(403);
    const joined = await sam.client.post(`${w()}/help-requests/${asked.body.id}/join`);
    expect(joined.status).toBe(200);
    expect(joined.body.answeredBy).toEqual({ id: sam.userId, name: 'Sam Super' });
    await waitFor(() => anna.socket!.messages.some((m) => m.event?.name === 'help.answered'));
    const pins = await db()
      .select()
      .from(monitoredConversations)
      .where(eq(monitoredConversations.userId, sam.userId));
    expect(pins.map((p) => p.conversationId)).toContain(id);
    const list = await anna.client.get(`${w()}/conversations/${id}/help-requests`);
    expect(list.body.items[0].answeredAt).not.toBeNull();
  });
});
