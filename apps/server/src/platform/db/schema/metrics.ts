// Facts the metrics module reads (SPEC §3): recorded in the same transaction as the change itself.
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
    /** The conversation's channel (it never changes), so the day rollups need no join. */
    channel: text('channel').notNull().default('web'),
    how: text('how', { enum: assignmentHows }).notNull(),
    assignedAt: tstz('assigned_at').notNull(),
    endedAt: tstz('ended_at'),
    endReason: text('end_reason', { enum: assignmentEnds }),
    firstReplyAt: tstz('first_reply_at'),
    /** The open-hours part of assigned → first reply, when the assignment's team has business hours. */
    firstReplyBhMs: bigint('first_reply_bh_ms', { mode: 'number' }),
    /** Response times (customer burst → this operator's reply) measured during the assignment. */
    responseSumMs: bigint('response_sum_ms', { mode: 'number' }).notNull().default(0),
    responseCount: integer('response_count').notNull().default(0),
    /** The open-hours part of those response times, when the conversation's team has business hours. */
    responseBhSumMs: bigint('response_bh_sum_ms', { mode: 'number' }).notNull().default(0),
    responseBhCount: integer('response_bh_count').notNull().default(0),
  },
  (t) => [
    uniqueIndex('conversation_assignments_open_key').on(t.conversationId).where(sql`${t.endedAt} IS NULL`),
    index('conversation_assignments_conversation_idx').on(t.conversationId, t.assignedAt),
    index('conversation_assignments_workspace_idx').on(t.workspaceId, t.assignedAt),
    // With INCLUDE columns (migration 0027; drizzle cannot say it): an operator's figures for a period
    // come from this index alone.
    index('conversation_assignments_user_idx').on(t.workspaceId, t.userId, t.assignedAt),
  ],
);

const sums = {
  total: bigint('total', { mode: 'number' }).notNull().default(0),
  attended: bigint('attended', { mode: 'number' }).notNull().default(0),
  unattended: bigint('unattended', { mode: 'number' }).notNull().default(0),
  responseSum: bigint('response_sum', { mode: 'number' }).notNull().default(0),
  responseCount: bigint('response_count', { mode: 'number' }).notNull().default(0),
  waitSum: bigint('wait_sum', { mode: 'number' }).notNull().default(0),
  waitCount: bigint('wait_count', { mode: 'number' }).notNull().default(0),
  closed: bigint('closed', { mode: 'number' }).notNull().default(0),
  durationSum: bigint('duration_sum', { mode: 'number' }).notNull().default(0),
  firstSum: bigint('first_sum', { mode: 'number' }).notNull().default(0),
  firstCount: bigint('first_count', { mode: 'number' }).notNull().default(0),
  /** Service level: conversations routed to people, and those answered within the workspace's target. */
  slCount: bigint('sl_count', { mode: 'number' }).notNull().default(0),
  slMet: bigint('sl_met', { mode: 'number' }).notNull().default(0),
  /** Business-hours variants: sums and counts over the conversations and assignments whose team has hours. */
  firstBhSum: bigint('first_bh_sum', { mode: 'number' }).notNull().default(0),
  firstBhCount: bigint('first_bh_count', { mode: 'number' }).notNull().default(0),
  responseBhSum: bigint('response_bh_sum', { mode: 'number' }).notNull().default(0),
  responseBhCount: bigint('response_bh_count', { mode: 'number' }).notNull().default(0),
  waitBhSum: bigint('wait_bh_sum', { mode: 'number' }).notNull().default(0),
  waitBhCount: bigint('wait_bh_count', { mode: 'number' }).notNull().default(0),
  durationBhSum: bigint('duration_bh_sum', { mode: 'number' }).notNull().default(0),
  durationBhCount: bigint('duration_bh_count', { mode: 'number' }).notNull().default(0),
  /** CSAT: the ratings given on the day (by when they were given, not when the conversation began). */
  ratingSum: bigint('rating_sum', { mode: 'number' }).notNull().default(0),
  ratingCount: bigint('rating_count', { mode: 'number' }).notNull().default(0),
};

/**
 * Per-day rollups of the period figures (local days of the workspace's time zone), by team and
 * channel. Database triggers append the change of each conversation's and assignment's
 * contribution in the same transaction as the change (rows with `compacted` false: inserts only, so
 * writers never wait on one another); `metric_compact()` folds them into one compacted row per key.
 * A figure is the sum of both kinds of rows, so it is exact whether or not compaction has run.
 */
export const metricDays = pgTable(
  'metric_days',
  {
    workspaceId: workspaceRef(),
    day: date('day').notNull(),
    teamId: uuid('team_id'),
    channel: text('channel').notNull(),
    compacted: boolean('compacted').notNull().default(false),
    ...sums,
  },
  (t) => [index('metric_days_workspace_idx').on(t.workspaceId, t.day)],
);

/**
 * "Transferred in the period" counts conversations, not transfers: each transfer is kept with the
 * day of the conversation's previous transfer, so the conversations with a transfer in days
 * [d1, d2) are the transfers of those days whose previous one (if any) is before d1.
 */
export const metricTransferDays = pgTable(
  'metric_transfer_days',
  {
    workspaceId: workspaceRef(),
    day: date('day').notNull(),
    previousDay: date('previous_day'),
    teamId: uuid('team_id'),
    channel: text('channel').notNull(),
    compacted: boolean('compacted').notNull().default(false),
    n: bigint('n', { mode: 'number' }).notNull().default(0),
  },
  (t) => [index('metric_transfer_days_workspace_idx').on(t.workspaceId, t.day)],
);

/**
 * "Now" counts (active, pending, queued) by team, channel and assignee (none for queued), kept like
 * `metric_days`: the monitoring page reads them by team and channel, the operators' overview by
 * assignee, neither reading the open conversations themselves.
 */
export const metricNow = pgTable(
  'metric_now',
  {
    workspaceId: workspaceRef(),
    teamId: uuid('team_id'),
    channel: text('channel').notNull(),
    assigneeId: uuid('assignee_id'),
    compacted: boolean('compacted').notNull().default(false),
    active: bigint('active', { mode: 'number' }).notNull().default(0),
    pending: bigint('pending', { mode: 'number' }).notNull().default(0),
    queued: bigint('queued', { mode: 'number' }).notNull().default(0),
  },
  (t) => [index('metric_now_workspace_idx').on(t.workspaceId)],
);
