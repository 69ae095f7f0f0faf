import type { InboxItem, InboxItemKind } from '@parley/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import { inboxItems } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import { loadItems, unreadCount } from './queries.ts';

export interface NewItem {
  userId: string;
  kind: InboxItemKind;
  conversationId: string;
  actorId: string | null;
  actorName: string | null;
  excerpt: string | null;
}

/**
 * Adds items made from the event `sourceSeq` and tells each user live. Only the inbox subscriber
 * calls it; a retried job adds nothing twice (one item per user and event).
 */
export async function addInboxItems(
  tx: Tx,
  workspaceId: string,
  sourceSeq: number,
  items: readonly NewItem[],
): Promise<void> {
  if (items.length === 0) return;
  const inserted = await tx.db
    .insert(inboxItems)
    .values(
      items.map((i) => ({
        workspaceId,
        userId: i.userId,
        kind: i.kind,
        entityType: 'conversation' as const,
        entityId: i.conversationId,
        actorId: i.actorId,
        actorName: i.actorName,
        excerpt: i.excerpt ? i.excerpt.slice(0, 280) : null,
        sourceSeq,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: inboxItems.id, userId: inboxItems.userId });
  for (const row of inserted) {
    const [item] = await loadItems(tx.db, workspaceId, row.userId, [eq(inboxItems.id, row.id)]);
    await publish(tx, {
      workspaceId,
      name: 'inbox.item_created',
      payload: { userId: row.userId, item: item!, unread: await unreadCount(tx.db, workspaceId, row.userId) },
      conversationId: null,
    });
  }
}

/** Marks one of the user's items read or unread, archived or not. */
export async function updateInboxItem(
  tx: Tx,
  input: { actor: OperatorPrincipal; itemId: string; read?: boolean | null; archived?: boolean | null },
): Promise<InboxItem> {
  const { actor } = input;
  const mine = and(
    eq(inboxItems.workspaceId, actor.workspaceId),
    eq(inboxItems.userId, actor.userId),
    eq(inboxItems.id, input.itemId),
  );
  const [current] = await tx.db.select().from(inboxItems).where(mine).for('update');
  if (!current) throw notFound('inbox item');
  const now = new Date();
  const set: { readAt?: Date | null; archivedAt?: Date | null } = {};
  if (input.read != null) set.readAt = input.read ? (current.readAt ?? now) : null;
  // Archiving also reads it: an archived item never counts as unread.
  if (input.archived != null) {
    set.archivedAt = input.archived ? (current.archivedAt ?? now) : null;
    if (input.archived && input.read == null) set.readAt = current.readAt ?? now;
  }
  await tx.db.update(inboxItems).set(set).where(mine);
  await announce(tx, actor, [current.id]);
  const [item] = await loadItems(tx.db, actor.workspaceId, actor.userId, [eq(inboxItems.id, current.id)]);
  return item!;
}

/** Marks every unread item of the user read. */
export async function readAllInbox(tx: Tx, actor: OperatorPrincipal): Promise<{ unread: number }> {
  const read = await tx.db
    .update(inboxItems)
    .set({ readAt: new Date() })
    .where(
      and(
        eq(inboxItems.workspaceId, actor.workspaceId),
        eq(inboxItems.userId, actor.userId),
        isNull(inboxItems.readAt),
      ),
    )
    .returning({ id: inboxItems.id });
  if (read.length > 0)
    await announce(
      tx,
      actor,
      read.map((r) => r.id),
    );
  return { unread: await unreadCount(tx.db, actor.workspaceId, actor.userId) };
}

async function announce(tx: Tx, actor: OperatorPrincipal, itemIds: string[]) {
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'inbox.items_updated',
    payload: {
      userId: actor.userId,
      itemIds,
      unread: await unreadCount(tx.db, actor.workspaceId, actor.userId),
    },
    conversationId: null,
  });
}
