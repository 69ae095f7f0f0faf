import type { Conversation, ConversationView } from '@parley/contracts';
import { and, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { contacts, conversationActivity, conversations, visitors } from '../../platform/db/schema.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { contactsMatching } from '../contacts/search.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { assertCanView, conversationsTable, visibleConversationsSql } from './policy.ts';
import { presentConversation, presentConversationDetail } from './presenter.ts';

const contactSummary = { id: contacts.id, name: contacts.name, email: contacts.email };

/** Loads a conversation of the workspace (locking it when `forUpdate`), or 404. */
export async function loadConversation(
  db: Queryable,
  workspaceId: string,
  conversationId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<Conversation> {
  const query = db
    .select({ conversation: conversations, contact: contactSummary })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId)));
  const [row] = opts.forUpdate ? await query.for('update', { of: conversations }) : await query;
  if (!row) throw notFound('conversation');
  return presentConversation(row.conversation, row.contact);
}

/** Several conversations of the workspace at once, in the order of `ids` (missing ones left out). */
export async function loadConversations(
  db: Queryable,
  workspaceId: string,
  ids: readonly string[],
): Promise<Conversation[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ conversation: conversations, contact: contactSummary })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    // The ids as one array parameter: one statement text whatever their number (a routing batch's 250).
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        sql`${conversations.id} = ANY(${sql.param([...ids])}::uuid[])`,
      ),
    );
  const byId = new Map(rows.map((r) => [r.conversation.id, presentConversation(r.conversation, r.contact)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function getConversationDetail(db: Queryable, actor: OperatorPrincipal, conversationId: string) {
  const [row] = await db
    .select({ conversation: conversations, contact: contacts, visitor: visitors })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(visitors, eq(visitors.id, conversations.visitorId))
    .where(and(eq(conversations.workspaceId, actor.workspaceId), eq(conversations.id, conversationId)));
  if (!row) throw notFound('conversation');
  const detail = presentConversationDetail(row.conversation, row.contact, row.visitor);
  assertCanView(actor, detail);
  return detail;
}

export async function listConversations(
  db: Queryable,
  actor: OperatorPrincipal,
  query: {
    view: ConversationView;
    status: Conversation['status'];
    q?: string;
    tagId?: string;
    important?: boolean;
    monitored?: boolean;
    limit: number;
    cursor?: string;
  },
) {
  // In activity order through conversation_activity_idx (workspace, status, last activity, id).
  const activity = conversationActivity;
  const filters: (SQL | undefined)[] = [
    eq(conversations.workspaceId, actor.workspaceId),
    eq(activity.workspaceId, actor.workspaceId),
    eq(activity.status, query.status),
  ];
  if (query.view === 'mine') filters.push(eq(conversations.assigneeId, actor.userId));
  else if (query.view === 'unassigned') {
    // The queue of the operator's teams and the conversations of no team (SPEC §1).
    filters.push(isNull(conversations.assigneeId), visibleConversationsSql(actor, conversationsTable));
  }
  // The monitored list (OI-4) is for whoever may monitor.
  else if (query.monitored) authorize(actor, 'monitor');
  // "All": every conversation this operator may see — the workspace's with view_all, otherwise their
  // own, their teams' and those of no team waiting (SPEC §1).
  else filters.push(visibleConversationsSql(actor, conversationsTable));
  if (query.important !== undefined) filters.push(eq(conversations.important, query.important));
  if (query.monitored) {
    filters.push(
      sql`${conversations.id} IN (SELECT conversation_id FROM monitored_conversations WHERE user_id = ${actor.userId})`,
    );
  }
  if (query.q) {
    // Name, e-mail, phone or external id, through the customers' trigram index (a rare customer is
    // found without reading the workspace's conversations in activity order).
    filters.push(sql`${conversations.contactId} IN ${contactsMatching(actor.workspaceId, query.q)}`);
  }
  if (query.tagId) {
    filters.push(
      sql`EXISTS (SELECT 1 FROM conversation_tags x WHERE x.conversation_id = ${conversations.id} AND x.tag_id = ${query.tagId})`,
    );
  }
  if (query.cursor) {
    // Keyset on the whole sort key: rows that share a last activity are neither skipped nor repeated.
    const { at, id } = parseCursor(query.cursor);
    filters.push(
      sql`(${activity.lastActivityAt}, ${activity.conversationId}) < (${at}::timestamptz, ${id}::uuid)`,
    );
  }
  const rows = await db
    .select({ conversation: conversations, contact: contactSummary })
    .from(activity)
    .innerJoin(conversations, eq(conversations.id, activity.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(...filters))
    .orderBy(desc(activity.lastActivityAt), desc(activity.conversationId))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map((r) => presentConversation(r.conversation, r.contact));
  const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
  return {
    items,
    nextCursor: last ? `${last.conversation.lastActivityAt.toISOString()}_${last.conversation.id}` : null,
  };
}

/** `<last activity ISO>_<id>`, as `nextCursor` makes it (the contract checks the shape). */
function parseCursor(cursor: string): { at: string; id: string } {
  const at = cursor.slice(0, 24);
  const time = new Date(at).getTime();
  // Also out of PostgreSQL's range or before any activity could be: not a cursor this list made.
  if (Number.isNaN(time) || time < 0)
    throw new AppError('validation_failed', 'cursor: not a cursor of this list', 'cursor');
  return { at, id: cursor.slice(25) };
}
