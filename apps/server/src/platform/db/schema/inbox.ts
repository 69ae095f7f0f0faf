// The operator's inbox (WS-1), monitored dialogs (OI-4) and help requests (OI-7).
import { bigint, index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users, workspaceRef } from './accounts.ts';
import { createdAt, tstz } from './columns.ts';
import { conversations } from './conversations.ts';

export const inboxItemKinds = [
  'mention',
  'assignment',
  'transfer',
  'takeover',
  'help_request',
  'snooze_wakeup',
] as const;

/**
 * One notification for one user, linked to an entity. Made only by the inbox subscriber from events;
 * `(user, sourceSeq)` makes a retried job harmless.
 */
export const inboxItems = pgTable(
  'inbox_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: inboxItemKinds }).notNull(),
    entityType: text('entity_type', { enum: ['conversation'] }).notNull(),
    entityId: uuid('entity_id').notNull(),
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    /** A short excerpt: the note that mentions, the transfer or help message. */
    excerpt: text('excerpt'),
    /** The event it was made from. */
    sourceSeq: bigint('source_seq', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
    readAt: tstz('read_at'),
    archivedAt: tstz('archived_at'),
  },
  (t) => [
    uniqueIndex('inbox_items_source_key').on(t.workspaceId, t.userId, t.sourceSeq),
    index('inbox_items_user_idx').on(t.workspaceId, t.userId, t.createdAt, t.id),
  ],
);

/** A supervisor's personal list of monitored conversations. */
export const monitoredConversations = pgTable(
  'monitored_conversations',
  {
    workspaceId: workspaceRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.conversationId] })],
);

/** OI-7: an operator asks the supervisors of the conversation's team for help; one joins. */
export const helpRequests = pgTable(
  'help_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    requestedBy: uuid('requested_by').notNull(),
    requestedByName: text('requested_by_name').notNull(),
    message: text('message'),
    createdAt: createdAt(),
    answeredBy: uuid('answered_by'),
    answeredByName: text('answered_by_name'),
    answeredAt: tstz('answered_at'),
  },
  (t) => [index('help_requests_conversation_idx').on(t.conversationId, t.createdAt)],
);
