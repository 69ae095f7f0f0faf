import type { Message } from '@parley/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Owner,
  setupOwner,
  startTestServer,
  type TestServer,
  widgetSession,
} from '../../../test/harness.ts';
import { inProcess, type Tx } from '../../platform/db/tx.ts';
import { DuplicateMessage } from './commands.ts';
import { createMessageWriter, type PlainMessage } from './writer.ts';

/** The batched writer on its own, against a real database (PGlite, or PostgreSQL with DATABASE_URL). */
describe('the message writer', () => {
  let server: TestServer;
  let owner: Owner;
  let conversationId: string;
  let visitorId: string;
  const batches: number[] = [];
  let beforeBatch: ((tx: Tx, inputs: readonly PlainMessage[]) => Promise<void>) | null = null;
  let writer: ReturnType<typeof createMessageWriter>;

  const rows = async (prefix: string) =>
    (
      await server.parley.ctx.db.execute<{ client_id: string; seq: number; author_id: string | null }>(
        sql`SELECT client_id, seq::int AS seq, author_id FROM messages WHERE client_id LIKE ${`${prefix}%`} ORDER BY seq`,
      )
    ).rows;
  const message = (clientId: string, extra: Partial<PlainMessage> = {}): PlainMessage => ({
    workspaceId: owner.workspaceId,
    conversationId,
    clientId,
    author: { kind: 'operator', id: owner.userId, name: 'Owner' },
    text: `text of ${clientId}`,
    private: false,
    ...extra,
  });

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    const workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
    const session = await widgetSession(server.url, workspaceKey);
    const first = await fetch(`${server.url}/api/widget/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ clientId: 'writer-first-01', text: 'hello' }),
    });
    expect(first.status).toBe(200);
    const stored = await server.parley.ctx.db.execute<{ id: string }>(
      sql`SELECT conversation_id AS id FROM messages WHERE client_id = 'writer-first-01'`,
    );
    conversationId = stored.rows[0]!.id;
    visitorId = session.visitorId;
    writer = createMessageWriter({
      db: server.parley.ctx.db,
      secret: server.parley.ctx.secret,
      logger: server.parley.app.log,
      beforeBatch: async (tx, inputs) => {
        batches.push(inputs.length);
        await beforeBatch?.(tx, inputs);
      },
    });
  });
  afterAll(() => server?.close());

  it('stamps messages with the time they came, however many come in the same millisecond', async () => {
    const before = Date.now();
    const sent = await Promise.all(
      Array.from({ length: 200 }, (_, i) => writer.write(message(`clock-${i}`))),
    );
    const after = Date.now();
    // All 200 were queued in one turn of the event loop: the same instant, not 200 ms apart.
    for (const m of sent) {
      expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(m.createdAt)).toBeLessThanOrEqual(after);
    }
    const stored = await server.parley.ctx.db.execute<{ late: boolean }>(
      sql`SELECT bool_or(created_at > ${new Date(after).toISOString()}::timestamptz) AS late FROM messages WHERE client_id LIKE 'clock-%'`,
    );
    expect(stored.rows[0]!.late).toBe(false);
  });

  it('writes messages sent together in few batches, numbered in the order they were written', async () => {
    batches.length = 0;
    const sent = await Promise.all(Array.from({ length: 60 }, (_, i) => writer.write(message(`batch-${i}`))));
    // On PostgreSQL the first is written at once and the others wait for it and go together; on
    // PGlite all of them, written in one turn of the event loop, are gathered into one batch.
    expect(batches.length).toBeLessThanOrEqual(inProcess(server.parley.ctx.db) ? 1 : 3);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(60);
    const stored = await rows('batch-');
    expect(stored).toHaveLength(60);
    expect(sent.map((m) => m.seq)).toEqual([...sent.map((m) => m.seq)].sort((a, b) => a - b));
    expect(new Set(sent.map((m) => m.seq)).size).toBe(60);
    const events = await server.parley.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM events WHERE name = 'message.created' AND payload->'message'->>'clientId' LIKE 'batch-%'`,
    );
    expect(events.rows[0]!.n).toBe(60);
  });

  it('stores a client id once: a repeat in the same batch or a later one is refused as a duplicate', async () => {
    const results = await Promise.allSettled([
      writer.write(message('dup-before')),
      writer.write(message('dup-1', { text: 'the first' })),
      writer.write(message('dup-1', { text: 'the second' })),
    ]);
    expect((results[1] as PromiseFulfilledResult<Message>).value.text).toBe('the first');
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateMessage);
    await expect(writer.write(message('dup-1'))).rejects.toBeInstanceOf(DuplicateMessage);
    expect(await rows('dup-1')).toHaveLength(1);
  });

  it('takes the customer from the conversation, and remembers the visitor’s open conversation', async () => {
    const written = await writer.write(
      message('contact-1', { author: { kind: 'contact', id: null, name: null }, visitorId }),
      () => Promise.reject(new Error('the conversation is open')),
    );
    expect(written.authorKind).toBe('contact');
    expect(written.authorId).not.toBeNull();
    expect(writer.openConversationOf(visitorId)).toBe(conversationId);
  });

  it('sends a message for a conversation closed meanwhile down its other path, and forgets it', async () => {
    await server.parley.ctx.db.execute(
      sql`UPDATE conversations SET status = 'closed' WHERE id = ${conversationId}`,
    );
    let diverted = 0;
    const other: Message = { id: 'other' } as Message;
    const result = await writer.write(
      message('closed-1', { author: { kind: 'contact', id: null, name: null }, visitorId }),
      async () => {
        diverted++;
        return other;
      },
    );
    expect(result).toBe(other);
    expect(diverted).toBe(1);
    expect(await rows('closed-1')).toHaveLength(0);
    expect(writer.openConversationOf(visitorId)).toBeNull();
    // A conversation that is gone (deleted since): the same other path, which starts a new one.
    const gone = await writer.write(
      message('gone-1', {
        conversationId: '00000000-0000-4000-8000-000000000001',
        author: { kind: 'contact', id: null, name: null },
        visitorId,
      }),
      async () => {
        diverted++;
        return other;
      },
    );
    expect(gone).toBe(other);
    expect(diverted).toBe(2);
    // An operator's note needs no open conversation: written as it is.
    await writer.write(message('closed-note', { private: true }));
    expect(await rows('closed-note')).toHaveLength(1);
    await server.parley.ctx.db.execute(
      sql`UPDATE conversations SET status = 'open' WHERE id = ${conversationId}`,
    );
  });

  it('fails only the message the database refuses, not the others of its batch', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const results = await Promise.allSettled([
      writer.write(message('row-0')),
      writer.write(message('row-1')),
      writer.write(message('row-bad', { conversationId: missing })),
      writer.write(message('row-3')),
      writer.write(message('row-4')),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((await rows('row-')).map((r) => r.client_id).sort()).toEqual(['row-0', 'row-1', 'row-3', 'row-4']);
    // Refused by the database itself (text cannot hold a NUL character, and one bad element fails the
    // whole statement): the batch is split until the bad row fails alone.
    const refused = await Promise.allSettled([
      writer.write(message('refused-0')),
      writer.write(
        message('refused-bad', { author: { kind: 'operator', id: owner.userId, name: 'nul\u0000' } }),
      ),
      writer.write(message('refused-2')),
    ]);
    expect(refused.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await rows('refused-')).map((r) => r.client_id).sort()).toEqual(['refused-0', 'refused-2']);
  });

  it('announces the conversation as it is stored: what the batch computes is what it writes', async () => {
    const [first, second] = await Promise.all([
      writer.write(message('same-0', { author: { kind: 'contact', id: null, name: null }, visitorId })),
      writer.write(message('same-1', { text: 'an operator answers' })),
    ]);
    const announced = await server.parley.ctx.db.execute<{
      payload: { conversation: Record<string, unknown>; message: { clientId: string; seq: number } };
    }>(sql`SELECT payload FROM events WHERE workspace_id = ${owner.workspaceId} AND seq = ${second!.seq}`);
    expect(first!.seq).toBeLessThan(second!.seq);
    // The event, its payload and the stored message carry one sequence.
    expect(announced.rows[0]!.payload.message).toMatchObject({ clientId: 'same-1', seq: second!.seq });
    expect((await rows('same-1'))[0]!.seq).toBe(second!.seq);
    const { body: stored } = await owner.client.get(
      `/api/workspaces/${owner.workspaceId}/conversations/${conversationId}`,
    );
    const conversation = announced.rows[0]!.payload.conversation;
    for (const field of [
      'lastMessage',
      'unreadCount',
      'lastCustomerMessageAt',
      'lastOperatorMessageAt',
      'firstOperatorReplyAt',
    ]) {
      expect(conversation[field], field).toEqual(stored[field]);
    }
    expect(stored.lastMessage.text).toBe('an operator answers');
  });

  it('writes a batch again after a deadlock, once', async () => {
    let aborted = 0;
    beforeBatch = async (tx) => {
      if (aborted > 0) return;
      aborted++;
      // What PostgreSQL reports when it breaks a deadlock between two nodes' batches; the row
      // written before it is rolled back with the transaction.
      await tx.db.execute(
        sql`UPDATE conversations SET unread_count = unread_count WHERE id = ${conversationId}`,
      );
      // Wrapped as drizzle wraps driver errors.
      throw new Error('Failed query', {
        cause: Object.assign(new Error('deadlock detected'), { code: '40P01' }),
      });
    };
    const results = await Promise.all([
      writer.write(message('deadlock-0')),
      writer.write(message('deadlock-1')),
    ]);
    beforeBatch = null;
    expect(aborted).toBe(1);
    expect(results.map((m) => m.clientId)).toEqual(['deadlock-0', 'deadlock-1']);
    expect(await rows('deadlock-')).toHaveLength(2);
  });

  it('finds or starts the conversation of visitors’ messages inside the batch (first messages)', async () => {
    const newVisitor = async () => (await widgetSession(server.url, workspaceKey)).visitorId;
    const workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
    const [a, b, c, d] = [await newVisitor(), await newVisitor(), await newVisitor(), await newVisitor()];
    const fromVisitor = (clientId: string, visitor: string) =>
      message(clientId, {
        conversationId: null,
        author: { kind: 'contact', id: null, name: null },
        visitorId: visitor,
      });
    const other: Message = { id: 'full path' } as Message;
    const full = async () => other;
    // C's conversation is snoozed: a message to it wakes it, on the full path.
    await writer.write(fromVisitor('first-c1', c), full);
    await server.parley.ctx.db.execute(
      sql`UPDATE conversations SET status = 'snoozed' WHERE visitor_id = ${c}`,
    );

    // Two batches in flight (the writer's most): everything written meanwhile goes into the next one.
    // On PGlite everything written in one turn of the event loop goes into one batch.
    batches.length = 0;
    const held = [writer.write(message('first-held-0')), writer.write(fromVisitor('first-held-1', d), full)];
    const results = Promise.allSettled([
      writer.write(fromVisitor('first-a1', a), full),
      writer.write(fromVisitor('first-a2', a), full),
      writer.write(fromVisitor('first-b1', b), full),
      writer.write(fromVisitor('first-c2', c), full),
      writer.write(fromVisitor('first-x1', '00000000-0000-4000-8000-000000000002'), full),
    ]);
    await Promise.all(held);
    const [a1, a2, b1, c2, x1] = await results;
    expect(batches).toEqual(inProcess(server.parley.ctx.db) ? [7] : [1, 1, 5]);
    expect([a1, a2, b1].map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect((c2 as PromiseFulfilledResult<Message>).value).toBe(other);
    expect((x1 as PromiseRejectedResult).reason.message).toBe('visitor not found');
    expect(await rows('first-c2')).toHaveLength(0);

    const started = await server.parley.ctx.db.execute<{
      visitor_id: string;
      id: string;
      contact_id: string;
      visitor_contact: string;
      created_at: string;
      first_at: string;
      created_seq: number;
      first_seq: number;
      n: number;
    }>(sql`
      SELECT c.visitor_id, c.id, c.contact_id, v.contact_id AS visitor_contact, c.created_at::text,
        (SELECT min(m.created_at)::text FROM messages m WHERE m.conversation_id = c.id) AS first_at,
        (SELECT e.seq::int FROM events e WHERE e.name = 'conversation.created' AND e.conversation_id = c.id) AS created_seq,
        (SELECT min(m.seq)::int FROM messages m WHERE m.conversation_id = c.id) AS first_seq,
        (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.author_id = c.contact_id) AS n
      FROM conversations c JOIN visitors v ON v.id = c.visitor_id
      WHERE c.visitor_id = ANY(${sql.param([a, b])}::uuid[]) ORDER BY c.visitor_id = ${a} DESC`);
    // One conversation each (A's two messages in the same one, in order), with a contact made for
    // the visitor, announced before its first message, and started when that message was written.
    expect(started.rows.map((r) => [r.visitor_id, r.n])).toEqual([
      [a, 2],
      [b, 1],
    ]);
    for (const row of started.rows) {
      expect(row.contact_id).toBe(row.visitor_contact);
      expect(row.created_seq).toBeLessThan(row.first_seq);
      expect(row.created_at).toBe(row.first_at);
    }
    const [m1, m2] = [
      (a1 as PromiseFulfilledResult<Message>).value,
      (a2 as PromiseFulfilledResult<Message>).value,
    ];
    expect(m1.seq).toBeLessThan(m2.seq);
    expect(m1.authorId).toBe(started.rows[0]!.contact_id);
    expect(writer.openConversationOf(a)).toBe(started.rows[0]!.id);
    // The next message of A goes to the same conversation, by the writer's memory or by the batch's.
    writer.forget(a);
    const again = await writer.write(fromVisitor('first-a3', a), full);
    expect(again.conversationId).toBe(started.rows[0]!.id);

    // A resend of A's first message once that conversation is closed: a duplicate, and no
    // conversation is started for it.
    await server.parley.ctx.db.execute(
      sql`UPDATE conversations SET status = 'closed' WHERE visitor_id = ${a}`,
    );
    writer.forget(a);
    await expect(writer.write(fromVisitor('first-a1', a), full)).rejects.toBeInstanceOf(DuplicateMessage);
    const conversationsOfA = await server.parley.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM conversations WHERE visitor_id = ${a}`,
    );
    expect(conversationsOfA.rows[0]!.n).toBe(1);

    // Two nodes (two writers) with a first message of one visitor at once: one conversation.
    const e = await newVisitor();
    const otherNode = createMessageWriter({
      db: server.parley.ctx.db,
      secret: server.parley.ctx.secret,
      logger: server.parley.app.log,
    });
    const both = await Promise.all([
      writer.write(fromVisitor('first-e1', e), full),
      otherNode.write(fromVisitor('first-e2', e), full),
    ]);
    expect(both[0].conversationId).toBe(both[1].conversationId);
    const conversationsOfE = await server.parley.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM conversations WHERE visitor_id = ${e}`,
    );
    expect(conversationsOfE.rows[0]!.n).toBe(1);
  });
});
