import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  type Owner,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../../test/harness.ts';
import { startVisitor } from '../../../test/visitor.ts';
import { AppError } from '../../platform/errors.ts';
import { operatorPrincipal } from '../workspaces/policy.ts';

/** Read receipts by group commit, against a real database (PGlite, or PostgreSQL with DATABASE_URL). */
describe('read receipts', () => {
  let server: TestServer;
  let owner: Owner;
  let workspaceKey: string;
  const chats: { conversationId: string; messageIds: string[]; visitorId: string; contactId: string }[] = [];

  const ownerPrincipal = () =>
    operatorPrincipal({
      userId: owner.userId,
      name: 'Olivia Owner',
      sessionId: 'test',
      workspaceId: owner.workspaceId,
      role: 'owner',
      grants: [],
    });
  const receipts = () => server.parley.ctx.readReceipts;
  const db = () => server.parley.ctx.db;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
    for (let i = 0; i < 12; i++) {
      const visitor = await startVisitor(server, workspaceKey, `reader-${i}`);
      const first = await visitor.say(`first from ${i}`);
      const second = await visitor.say(`second from ${i}`);
      const { rows } = await db().execute<{ id: string; visitor_id: string; contact_id: string }>(
        sql`SELECT c.id, c.visitor_id, c.contact_id FROM conversations c
          JOIN messages m ON m.conversation_id = c.id WHERE m.id = ${first.id}`,
      );
      chats.push({
        conversationId: rows[0]!.id,
        messageIds: [first.id, second.id],
        visitorId: rows[0]!.visitor_id,
        contactId: rows[0]!.contact_id,
      });
    }
  });
  afterAll(() => server?.close());

  const unread = async (conversationId: string) =>
    (
      await db().execute<{ unread_count: number; left: number }>(
        sql`SELECT unread_count::int, (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id
          AND m.author_kind = 'contact' AND m.read_at IS NULL) AS left FROM conversations c WHERE c.id = ${conversationId}`,
      )
    ).rows[0]!;

  it('stores receipts sent together in one transaction, with one event per conversation and reader', async () => {
    const before = (
      await db().execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM events WHERE name = 'message.read'`,
      )
    ).rows[0]!.n;
    // Two receipts per conversation (an older one, then the newest): only the newest point counts.
    await Promise.all(
      chats.slice(0, 10).flatMap((chat) => [
        receipts().mark({
          reader: ownerPrincipal(),
          upTo: chat.messageIds[0]!,
          conversationId: chat.conversationId,
        }),
        receipts().mark({
          reader: ownerPrincipal(),
          upTo: chat.messageIds[1]!,
          conversationId: chat.conversationId,
        }),
      ]),
    );
    for (const chat of chats.slice(0, 10))
      expect(await unread(chat.conversationId)).toEqual({ unread_count: 0, left: 0 });
    // The first receipt is written at once; the 19 that queued meanwhile go in a single transaction.
    const { rows } = await db().execute<{ n: number }>(
      sql`SELECT count(DISTINCT xmin::text)::int AS n FROM messages
        WHERE conversation_id = ANY(${sql.param(chats.slice(0, 10).map((c) => c.conversationId))}::uuid[])`,
    );
    expect(rows[0]!.n).toBeLessThanOrEqual(2);
    const events = await db().execute<{ conversation_id: string; reader: string; unread: number }>(
      sql`SELECT payload->>'conversationId' AS conversation_id, payload->>'reader' AS reader,
        (payload->'conversation'->>'unreadCount')::int AS unread
        FROM events WHERE name = 'message.read' ORDER BY seq OFFSET ${before}`,
    );
    // At most two per conversation (the first receipt may have gone alone), and each says 0 unread at the end.
    const last = new Map(events.rows.map((e) => [e.conversation_id, e]));
    expect(last.size).toBe(10);
    for (const e of last.values()) expect(e).toMatchObject({ reader: 'operator', unread: 0 });
    expect(events.rows.length).toBeLessThanOrEqual(11);
  });

  it('a visitor reads the operator’s replies; a receipt already applied publishes nothing', async () => {
    const chat = chats[10]!;
    const reply = await owner.client.post(
      `/api/workspaces/${owner.workspaceId}/conversations/${chat.conversationId}/messages`,
      {
        clientId: 'reply-for-receipts',
        text: 'Hello!',
      },
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const visitor = {
      kind: 'visitor' as const,
      workspaceId: owner.workspaceId,
      visitorId: chat.visitorId,
      contactId: chat.contactId,
    };
    const count = async () =>
      (
        await db().execute<{
          n: number;
        }>(sql`SELECT count(*)::int AS n FROM events WHERE name = 'message.read'
        AND payload->>'conversationId' = ${chat.conversationId}`)
      ).rows[0]!.n;
    await receipts().mark({ reader: visitor, upTo: reply.body.id });
    const { rows } = await db().execute<{ read_at: string | null }>(
      sql`SELECT read_at FROM messages WHERE id = ${reply.body.id}`,
    );
    expect(rows[0]!.read_at).not.toBeNull();
    expect(await count()).toBe(1);
    await receipts().mark({ reader: visitor, upTo: reply.body.id });
    expect(await count()).toBe(1);
  });

  it('refuses a receipt the reader may not give, alone, while the rest of its batch is stored', async () => {
    const [mine, others] = [chats[11]!, chats[10]!];
    const stranger = {
      kind: 'visitor' as const,
      workspaceId: owner.workspaceId,
      visitorId: mine.visitorId,
      contactId: mine.contactId,
    };
    const operator = await addMember(owner, { email: 'reader-op@example.com', role: 'operator' });
    // A conversation assigned to the owner (set directly: nobody is online to route to) is hidden
    // from a plain operator.
    await db().execute(
      sql`UPDATE conversations SET assignee_id = ${owner.userId} WHERE id = ${mine.conversationId}`,
    );
    const plain = operatorPrincipal({
      userId: operator.userId,
      name: 'Op',
      sessionId: 'test',
      workspaceId: owner.workspaceId,
      role: 'operator',
      grants: [],
    });
    const results = await Promise.allSettled([
      receipts().mark({
        reader: ownerPrincipal(),
        upTo: others.messageIds[1]!,
        conversationId: others.conversationId,
      }),
      // A visitor naming a message of another visitor's conversation: "no such message" (404).
      receipts().mark({ reader: stranger, upTo: others.messageIds[0]! }),
      // A message that is not in the conversation named: 400 on upTo.
      receipts().mark({
        reader: ownerPrincipal(),
        upTo: mine.messageIds[0]!,
        conversationId: others.conversationId,
      }),
      // An operator who may not see the conversation: 404, as if it did not exist.
      receipts().mark({ reader: plain, upTo: mine.messageIds[0]!, conversationId: mine.conversationId }),
      // No such message at all.
      receipts().mark({ reader: stranger, upTo: '00000000-0000-4000-8000-000000000000' }),
    ]);
    expect(results[0]!.status).toBe('fulfilled');
    const reasons = results.slice(1).map((r) => (r.status === 'rejected' ? (r.reason as AppError) : null));
    for (const reason of reasons) expect(reason).toBeInstanceOf(AppError);
    expect(reasons.map((r) => r!.code)).toEqual(['not_found', 'validation_failed', 'not_found', 'not_found']);
    expect(reasons[1]!.field).toBe('upTo');
    expect(await unread(others.conversationId)).toEqual({ unread_count: 0, left: 0 });
    // Nothing of the refused ones changed: the hidden conversation keeps its two unread messages.
    expect(await unread(mine.conversationId)).toEqual({ unread_count: 2, left: 2 });
  });

  /**
   * Whose reading counts: the unread count and the customer's "seen" belong to the operator who has
   * the conversation. A supervisor or a teammate opening it must not clear them (the operator would
   * miss the message; the customer would think it read).
   */
  it('counts the reading of the operator who has the conversation, not a teammate’s or a manager’s', async () => {
    const w = () => `/api/workspaces/${owner.workspaceId}`;
    const otto = await addMember(owner, { email: 'otto@example.com', role: 'operator', name: 'Otto' });
    const tess = await addMember(owner, { email: 'tess@example.com', role: 'operator', name: 'Tess' });
    const sue = await addMember(owner, { email: 'sue@example.com', role: 'supervisor', name: 'Sue' });
    const visitor = await startVisitor(server, workspaceKey);
    const first = await visitor.say('hello?');
    const listed = (await owner.client.get(`${w()}/conversations?limit=100`)).body.items;
    const conversationId: string = listed.find(
      (c: { lastMessage?: { text?: string } }) => c.lastMessage?.text === 'hello?',
    )?.id;
    expect(conversationId).toBeDefined();
    const unread = async () =>
      (await owner.client.get(`${w()}/conversations/${conversationId}`)).body.unreadCount;
    const seen = async () =>
      (await visitor.call('GET', '/api/widget/messages')).body.messages.find(
        (m: { id: string }) => m.id === first.id,
      )?.readAt ?? null;

    // No one has it yet: whoever reads it has read it.
    const second = await visitor.say('anyone there?');
    await waitFor(async () => (await unread()) === 2);
    const read = (client: typeof owner.client, upTo: string) =>
      client.post(`${w()}/conversations/${conversationId}/read`, { upTo });
    expect((await read(otto.client, first.id)).status).toBe(204);
    await waitFor(async () => (await unread()) === 1);
    expect(await seen()).not.toBeNull();

    // Sue (a supervisor) takes it over: Otto and Tess (teammates who may look) and the owner read it,
    // and nothing changes.
    const taken = await sue.client.post(`${w()}/conversations/${conversationId}/take-over`);
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    const third = await visitor.say('hello again');
    await waitFor(async () => (await unread()) === 2);
    for (const client of [otto.client, tess.client, owner.client]) {
      const res = await read(client, third.id);
      expect([204, 404]).toContain(res.status);
    }
    const readAt = async (id: string) =>
      (await visitor.call('GET', '/api/widget/messages')).body.messages.find(
        (m: { id: string }) => m.id === id,
      )?.readAt ?? null;
    expect(await readAt(second.id)).toBeNull();
    expect(await readAt(third.id)).toBeNull();
    expect(await unread()).toBe(2);

    // Sue reads: the count is cleared, the customer sees it read.
    expect((await read(sue.client, third.id)).status).toBe(204);
    await waitFor(async () => (await unread()) === 0);
    expect(await readAt(third.id)).not.toBeNull();
  });
});
