import type { InboxFilter, InboxItem } from '@parley/contracts';
import { and, count, desc, eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { contacts, conversations, inboxItems } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';

type ItemRow = typeof inboxItems.$inferSelect;
type Linked = {
  number: number | null;
  contactName: string | null;
  important: boolean | null;
  priority: string | null;
} | null;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentInboxItem(r: ItemRow, linked: Linked): InboxItem {
  return {
    id: r.id,
    kind: r.kind,
    entity: { type: r.entityType, id: r.entityId },
    conversation: linked?.number
      ? {
          number: linked.number,
          contactName: linked.contactName,
          important: linked.important === true,
          priority: linked.priority as NonNullable<InboxItem['conversation']>['priority'],
        }
      : null,
    actorId: r.actorId,
    actorName: r.actorName,
    excerpt: r.excerpt,
    createdAt: r.createdAt.toISOString(),
    readAt: iso(r.readAt),
    archivedAt: iso(r.archivedAt),
  };
}

const linkedColumns = {
  number: conversations.number,
  contactName: contacts.name,
  important: conversations.important,
  priority: conversations.priority,
};

/** Items of one user with their linked conversation as it is now. */
export async function loadItems(
  db: Queryable,
  workspaceId: string,
  userId: string,
  where: SQL[],
  limit = 100,
) {
  const rows = await db
    .select({ item: inboxItems, linked: linkedColumns })
    .from(inboxItems)
    .leftJoin(conversations, eq(conversations.id, inboxItems.entityId))
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(inboxItems.workspaceId, workspaceId), eq(inboxItems.userId, userId), ...where))
    .orderBy(desc(inboxItems.createdAt), desc(inboxItems.id))
    .limit(limit);
  return rows.map((r) => presentInboxItem(r.item, r.linked?.number ? r.linked : null));
}

export async function unreadCount(db: Queryable, workspaceId: string, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(inboxItems)
    .where(
      and(
        eq(inboxItems.workspaceId, workspaceId),
        eq(inboxItems.userId, userId),
        isNull(inboxItems.readAt),
        isNull(inboxItems.archivedAt),
      ),
    );
  return Number(row?.n ?? 0);
}

/** WS-1: all (not archived) / unread / archived, newest first, optionally only important conversations. */
export async function listInbox(
  db: Queryable,
  actor: { workspaceId: string; userId: string },
  query: { filter: InboxFilter; important?: boolean; limit: number; before?: string },
) {
  const where: SQL[] = [];
  if (query.filter === 'archived') where.push(isNotNull(inboxItems.archivedAt));
  else where.push(isNull(inboxItems.archivedAt));
  if (query.filter === 'unread') where.push(isNull(inboxItems.readAt));
  if (query.important !== undefined) where.push(eq(conversations.important, query.important));
  if (query.before) {
    const [anchor] = await db
      .select({ createdAt: inboxItems.createdAt, id: inboxItems.id })
      .from(inboxItems)
      .where(
        and(
          eq(inboxItems.id, query.before),
          eq(inboxItems.workspaceId, actor.workspaceId),
          eq(inboxItems.userId, actor.userId),
        ),
      );
    if (!anchor) throw new AppError('validation_failed', 'before: not an item of your inbox', 'before');
    where.push(
      sql`(${inboxItems.createdAt}, ${inboxItems.id}) < (${anchor.createdAt.toISOString()}::timestamptz, ${anchor.id}::uuid)`,
    );
  }
  const items = await loadItems(db, actor.workspaceId, actor.userId, where, query.limit + 1);
  return {
    items: items.slice(0, query.limit),
    hasMore: items.length > query.limit,
    unread: await unreadCount(db, actor.workspaceId, actor.userId),
  };
}
