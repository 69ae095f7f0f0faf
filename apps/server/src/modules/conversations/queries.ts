import type { Conversation, ConversationView } from '@parley/contracts';
import { and, desc, eq, ilike, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { contacts, conversations, visitors } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { assertCanView } from './policy.ts';
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
    limit: number;
    before?: string;
  },
) {
  const filters: (SQL | undefined)[] = [
    eq(conversations.workspaceId, actor.workspaceId),
    eq(conversations.status, query.status),
  ];
  if (query.view === 'mine') filters.push(eq(conversations.assigneeId, actor.userId));
  else if (query.view === 'unassigned') filters.push(isNull(conversations.assigneeId));
  else authorize(actor, 'conversations.view_all');
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(or(ilike(contacts.name, pattern), ilike(contacts.email, pattern)));
  }
  if (query.before) {
    const before = new Date(query.before);
    if (!Number.isNaN(before.getTime())) filters.push(lt(conversations.lastActivityAt, before));
  }
  const rows = await db
    .select({ conversation: conversations, contact: contactSummary })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(...filters))
    .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map((r) => presentConversation(r.conversation, r.contact));
  const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
  return { items, nextCursor: last ? last.conversation.lastActivityAt.toISOString() : null };
}
