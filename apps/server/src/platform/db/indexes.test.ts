import {
  and,
  asc,
  count,
  desc,
  eq,
  isNotNull,
  isNull,
  lt,
  type SQL,
  type SQLWrapper,
  sql,
} from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';
import { contactsMatching } from '../../modules/contacts/search.ts';
import { listConversations } from '../../modules/conversations/queries.ts';
import { priorityRank } from '../../modules/routing/engine.ts';
import { operatorPrincipal } from '../../modules/workspaces/policy.ts';
import { contacts, conversationActivity, conversations, events, teams, visitors } from './schema.ts';

/**
 * The hot paths of issue 13 item 18 use their indexes on tables large enough for the planner to
 * choose (20,000 conversations of which 40 wait, 50,000 events). The queries are built the way the
 * code builds them; the plan is read from EXPLAIN (FORMAT JSON).
 */
describe('indexes on hot paths', () => {
  let server: TestServer;
  let owner: Owner;
  let teamId: string;
  let visitorId: string;

  const db = () => server.parley.ctx.db;
  const queued = and(
    eq(conversations.status, 'open'),
    isNull(conversations.assigneeId),
    isNotNull(conversations.queuedAt),
    eq(conversations.outOfHours, false),
  );

  /** Every index the plan of `query` reads. */
  const indexesOf = async (query: SQLWrapper | SQL): Promise<string[]> => {
    const { rows } = await db().execute<Record<string, unknown>>(sql`EXPLAIN (FORMAT JSON) ${query}`);
    const raw = Object.values(rows[0]!)[0];
    const plan = typeof raw === 'string' ? JSON.parse(raw) : raw;
    const found: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'Index Name') found.push(String(value));
          else walk(value);
        }
      }
    };
    walk(plan);
    return found;
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    const ws = owner.workspaceId;
    const [team] = await db().insert(teams).values({ workspaceId: ws, name: 'Support' }).returning();
    teamId = team!.id;
    const [contact] = await db().insert(contacts).values({ workspaceId: ws }).returning();
    await db().execute(sql`
      INSERT INTO visitors (workspace_id, browser_id)
      SELECT ${ws}::uuid, 'browser-' || i FROM generate_series(1, 20000) AS i`);
    // One conversation per visitor; every 500th waits in the team's queue, the rest are closed.
    await db().execute(sql`
      INSERT INTO conversations (workspace_id, number, channel, contact_id, visitor_id, team_id, status, queued_at, created_at)
      SELECT ${ws}::uuid, n, 'web', ${contact!.id}::uuid, v.id, ${teamId}::uuid,
        CASE WHEN n % 500 = 0 THEN 'open' ELSE 'closed' END,
        CASE WHEN n % 500 = 0 THEN now() - n * interval '1 second' END,
        now() - n * interval '1 minute'
      FROM (SELECT id, row_number() OVER (ORDER BY browser_id) AS n FROM visitors WHERE workspace_id = ${ws}::uuid) v`);
    await db().execute(sql`
      INSERT INTO events (workspace_id, seq, name, payload, created_at)
      SELECT ${ws}::uuid, 1000000 + i, 'queue.updated', '{}'::jsonb, now() - interval '30 days' + i * interval '40 seconds'
      FROM generate_series(1, 50000) AS i`);
    const [visitor] = await db().select({ id: visitors.id }).from(visitors).limit(1);
    visitorId = visitor!.id;
    await db().execute(sql`ANALYZE conversations`);
    await db().execute(sql`ANALYZE conversation_activity`);
    await db().execute(sql`ANALYZE visitors`);
    await db().execute(sql`ANALYZE events`);
  }, 120_000);
  afterAll(() => server?.close());

  it('the queue sweep finds the workspaces with someone waiting through the partial index', async () => {
    const sweep = db()
      .selectDistinct({ workspaceId: conversations.workspaceId })
      .from(conversations)
      .where(
        and(
          eq(conversations.status, 'open'),
          isNull(conversations.assigneeId),
          isNotNull(conversations.queuedAt),
        ),
      );
    expect(await indexesOf(sweep)).toContain('conversations_waiting_idx');
  });

  it('draining a team and a customer’s queue position read the team’s queue from its index', async () => {
    const drain = db()
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.teamId, teamId), queued))
      .orderBy(priorityRank, asc(conversations.queuedAt), asc(conversations.id))
      .limit(1)
      .for('update', { skipLocked: true });
    // Either partial index holds only the waiting few; the planner picks by cost.
    const queueIndex = expect.stringMatching(/^conversations_(team_queue|waiting)_idx$/);
    expect(await indexesOf(drain)).toContainEqual(queueIndex);
    const ahead = db()
      .select({ n: count() })
      .from(conversations)
      .where(and(eq(conversations.teamId, teamId), queued, lt(conversations.queuedAt, new Date())));
    expect(await indexesOf(ahead)).toContainEqual(queueIndex);
    const summary = db()
      .select({ teamId: conversations.teamId, n: count() })
      .from(conversations)
      .where(and(eq(conversations.workspaceId, owner.workspaceId), queued))
      .groupBy(conversations.teamId);
    expect(await indexesOf(summary)).toContainEqual(queueIndex);
  });

  it('the widget finds a visitor’s latest conversation by visitor id', async () => {
    const latest = db()
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(
          eq(conversations.workspaceId, owner.workspaceId),
          eq(conversations.channel, 'web'),
          eq(conversations.visitorId, visitorId),
        ),
      )
      .orderBy(desc(conversations.createdAt))
      .limit(1);
    expect(await indexesOf(latest)).toContain('conversations_visitor_idx');
  });

  it('a message’s new conversation row version enters no index of conversations (HOT)', async () => {
    // What the message writer moves on every message; an index (or its predicate) on any of them would
    // give each message's row version an entry in all ~20 indexes of the table.
    const moved =
      /\b(last_activity_at|last_message_text|last_message_author|unread_count|last_customer_message_at|last_operator_message_at)\b/;
    const { rows } = await db().execute<{ name: string; def: string }>(sql`
      SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def
      FROM pg_index WHERE indrelid = 'conversations'::regclass`);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((r) => moved.test(r.def)).map((r) => r.name)).toEqual([]);
  });

  it('the lists in activity order walk conversation_activity, which follows every conversation', async () => {
    // Built as listConversations builds it (the administrator's inactivity sort walks the same index).
    const page = db()
      .select({ id: conversations.id })
      .from(conversationActivity)
      .innerJoin(conversations, eq(conversations.id, conversationActivity.conversationId))
      .where(
        and(
          eq(conversations.workspaceId, owner.workspaceId),
          eq(conversationActivity.workspaceId, owner.workspaceId),
          eq(conversationActivity.status, 'closed'),
        ),
      )
      .orderBy(desc(conversationActivity.lastActivityAt), desc(conversationActivity.conversationId))
      .limit(26);
    expect(await indexesOf(page)).toContain('conversation_activity_idx');
    const strays = sql`SELECT count(*)::int AS n FROM conversations c
      FULL JOIN conversation_activity a ON a.conversation_id = c.id
      WHERE a.conversation_id IS NULL OR c.id IS NULL OR a.workspace_id <> c.workspace_id
        OR a.status <> c.status OR a.last_activity_at <> c.last_activity_at`;
    // The 20,000 of one INSERT, then a status and an activity moved, then a conversation deleted.
    expect((await db().execute<{ n: number }>(strays)).rows[0]!.n).toBe(0);
    const [first, second, third] = (await page).map((r) => r.id);
    await db().execute(sql`UPDATE conversations SET status = 'open' WHERE id = ${first}`);
    await db().execute(sql`UPDATE conversations SET last_activity_at = now() WHERE id = ${second}`);
    await db().execute(sql`DELETE FROM conversations WHERE id = ${third}`);
    expect((await db().execute<{ n: number }>(strays)).rows[0]!.n).toBe(0);
    const [top] = await db()
      .select({ id: conversationActivity.conversationId })
      .from(conversationActivity)
      .where(eq(conversationActivity.status, 'closed'))
      .orderBy(desc(conversationActivity.lastActivityAt))
      .limit(1);
    expect(top!.id).toBe(second);
  });

  it('the lists’ important filter reads the few marked important, not every conversation of the status', async () => {
    await db().execute(
      sql`UPDATE conversations SET important = true WHERE workspace_id = ${owner.workspaceId} AND number % 4000 = 7`,
    );
    await db().execute(sql`ANALYZE conversations`);
    const owner_ = operatorPrincipal({
      userId: owner.userId,
      name: 'Owner',
      sessionId: 'test',
      workspaceId: owner.workspaceId,
      role: 'owner',
      grants: [],
    });
    const { items } = await listConversations(db(), owner_, {
      view: 'all',
      status: 'closed',
      important: true,
      limit: 50,
    });
    expect(items.map((c) => c.number).sort((a, b) => a - b)).toEqual([7, 4007, 8007, 12007, 16007]);
    const page = db()
      .select({ id: conversations.id })
      .from(conversationActivity)
      .innerJoin(conversations, eq(conversations.id, conversationActivity.conversationId))
      .where(
        and(
          eq(conversations.workspaceId, owner.workspaceId),
          eq(conversationActivity.workspaceId, owner.workspaceId),
          eq(conversationActivity.status, 'closed'),
          eq(conversations.important, true),
        ),
      )
      .orderBy(desc(conversationActivity.lastActivityAt), desc(conversationActivity.conversationId))
      .limit(51);
    expect(await indexesOf(page)).toContain('conversations_important_idx');
  });

  it('the customer search reads the trigram index, for a name without its accents and a phone however written', async () => {
    const ws = owner.workspaceId;
    await db().execute(sql`
      INSERT INTO contacts (workspace_id, name, email, phone)
      SELECT ${ws}::uuid, 'Cliente ' || i, 'cliente' || i || '@example.com', '+34 600 ' || lpad(i::text, 6, '0')
      FROM generate_series(1, 20000) AS i`);
    await db().execute(
      sql`INSERT INTO contacts (workspace_id, name) VALUES (${ws}::uuid, 'Begoña Fernández')`,
    );
    await db().execute(sql`ANALYZE contacts`);
    for (const q of ['fernandez', 'BEGONA', '+34600012345', '600 012 345']) {
      const search = sql`SELECT id FROM contacts WHERE id IN ${contactsMatching(ws, q)}`;
      expect(await indexesOf(search), q).toContain('contacts_search_trgm_idx');
      expect((await db().execute(search)).rows, q).toHaveLength(1);
    }
  });

  it('event retention finds old events by age', async () => {
    const cutoff = new Date(Date.now() - 29 * 86_400_000).toISOString();
    const prune = sql`SELECT workspace_id, seq FROM ${events} WHERE created_at < ${cutoff}::timestamptz LIMIT 5000`;
    expect(await indexesOf(prune)).toContain('events_created_idx');
  });
});
