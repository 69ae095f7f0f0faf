// Facts the metrics module reads (SPEC §3): recorded in the same transaction as the change itself.
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users, workspaceRef } from './accounts.ts';
import { tstz } from './columns.ts';
import { conversations } from './conversations.ts';

export const assignmentHows = [
  'automatic',
  'pick',
  'transfer',
  'reroute',
  'recover',
  'takeover',
  'reply',
  'reopen',
] as const;
export type AssignmentHow = (typeof assignmentHows)[number];

export const assignmentEnds = ['transfer', 'reroute', 'unassign', 'close', 'disconnect', 'takeover'] as const;
export type AssignmentEnd = (typeof assignmentEnds)[number];

/**
 * One row per assignment of a conversation to an operator: first response time is per assignment
 * (assigned → that operator's first public reply), so a transfer or re-route ends one and starts
 * another. At most one is open per conversation.
 */
export const conversationAssignments = pgTable(
  'conversation_assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    cycle: integer('cycle').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id'),
    how: text('how', { enum: assignmentHows }).notNull(),
    assignedAt: tstz('assigned_at').notNull(),
    endedAt: tstz('ended_at'),
    endReason: text('end_reason', { enum: assignmentEnds }),
    firstReplyAt: tstz('first_reply_at'),
    /** Response times (customer burst → this operator's reply) measured during the assignment. */
    responseSumMs: bigint('response_sum_ms', { mode: 'number' }).notNull().default(0),
    responseCount: integer('response_count').notNull().default(0),
  },
  (t) => [
    uniqueIndex('conversation_assignments_open_key').on(t.conversationId).where(sql`${t.endedAt} IS NULL`),
    index('conversation_assignments_conversation_idx').on(t.conversationId, t.assignedAt),
    index('conversation_assignments_workspace_idx').on(t.workspaceId, t.assignedAt),
    index('conversation_assignments_user_idx').on(t.workspaceId, t.userId, t.assignedAt),
  ],
);
