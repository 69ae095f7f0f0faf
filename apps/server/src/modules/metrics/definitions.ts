import type { ChannelKind, ListedMetric } from '@parley/contracts';
import { type SQL, sql } from 'drizzle-orm';

/**
 * SPEC §3 membership rules, each written once. `figures.ts` counts and sums them over the facts (and
 * the rollup triggers of migration 0009 keep the same sums per day, tested against them);
 * `conversations.ts` lists the rows they select, so a tile's list always adds up to the tile.
 * Aliases: c = conversations, a = conversation_assignments.
 */
export type Range = [Date, Date];

export const ms = (interval: SQL) => sql`round(extract(epoch from ${interval}) * 1000)`;

/** `col` inside any of the ranges. */
export function within(col: SQL, ranges: Range[]): SQL {
  return sql`(${sql.join(
    ranges.map(
      ([from, to]) =>
        sql`(${col} >= ${from.toISOString()}::timestamptz AND ${col} < ${to.toISOString()}::timestamptz)`,
    ),
    sql` OR `,
  )})`;
}

export interface Scope {
  workspaceId: string;
  channel?: ChannelKind;
  teamId?: string;
  /** Only this operator's work (operator detail). */
  operatorId?: string;
}

/** The scope on conversations (c). */
export function conversationFilter(input: Scope): SQL {
  const parts = [sql`c.workspace_id = ${input.workspaceId}`];
  if (input.channel) parts.push(sql`c.channel = ${input.channel}`);
  if (input.teamId) parts.push(sql`c.team_id = ${input.teamId}`);
  if (input.operatorId) parts.push(sql`c.assignee_id = ${input.operatorId}`);
  return sql.join(parts, sql` AND `);
}
/**
 * The scope on assignments (a) alone: team and operator are the assignment's; the channel is the
 * conversation's, copied on the assignment (it never changes), so no join is needed to filter.
 */
export function assignmentFilter(input: Scope): SQL {
  const parts = [sql`a.workspace_id = ${input.workspaceId}`];
  if (input.channel) parts.push(sql`a.channel = ${input.channel}`);
  if (input.teamId) parts.push(sql`a.team_id = ${input.teamId}`);
  if (input.operatorId) parts.push(sql`a.user_id = ${input.operatorId}`);
  return sql.join(parts, sql` AND `);
}

/** Conversation rules (c); "created in", "closed in" or "assigned in" the period is added by the caller. */
export const rule = {
  /** Received at least one operator action (reply, transfer, close). */
  attended: sql`c.first_action_at IS NOT NULL`,
  /** Routed to people (assigned, queued or arrived out of hours): what service level is a share of. */
  routed: sql`(c.first_action_at IS NOT NULL OR c.first_assigned_at IS NOT NULL
    OR c.queued_at IS NOT NULL OR c.out_of_hours)`,
  /** Routed to people and no operator action. */
  unattended: sql`(c.first_action_at IS NULL
    AND (c.first_assigned_at IS NOT NULL OR c.queued_at IS NOT NULL OR c.out_of_hours))`,
  /** Waited in the queue before its first assignment. */
  waited: sql`(c.first_assigned_at IS NOT NULL AND c.queued_at IS NOT NULL)`,
  waitMs: ms(sql`c.first_assigned_at - c.queued_at`),
  /** Waited, and its team had business hours (`wait_bh_ms`: the part of the wait inside them). */
  waitedBh: sql`(c.first_assigned_at IS NOT NULL AND c.queued_at IS NOT NULL AND c.wait_bh_ms IS NOT NULL)`,
  closed: sql`c.status = 'closed'`,
  durationMs: ms(sql`c.closed_at - c.created_at`),
  /** Its customer bursts answered (response time: `response_sum_ms` over `response_count`, 0 without). */
  responded: sql`c.response_count > 0`,
  /** Answered within the service level goal, from creation (a reply is an action: these are routed). */
  slMet: (seconds: number) => sql`(c.first_operator_reply_at IS NOT NULL
    AND c.first_operator_reply_at - c.created_at <= make_interval(secs => ${seconds}))`,
  /** Now: open with an operator. */
  active: sql`(c.status = 'open' AND c.assignee_id IS NOT NULL)`,
  /** Now: the customer wrote and the assigned operator has not sent a first response. */
  pending: sql`(c.status = 'open' AND c.assignee_id IS NOT NULL AND c.burst_started_at IS NOT NULL
    AND EXISTS (SELECT 1 FROM conversation_assignments pa WHERE pa.conversation_id = c.id
      AND pa.ended_at IS NULL AND pa.first_reply_at IS NULL))`,
  /** Now: waiting in a team's queue (out of hours is a case to recover, not queued). */
  queued: sql`(c.status = 'open' AND c.assignee_id IS NULL AND c.queued_at IS NOT NULL AND NOT c.out_of_hours)`,
};

/** Assignment rules (a): first response is per assignment, from assignment to that operator's first reply. */
export const assignmentRule = {
  answered: sql`a.first_reply_at IS NOT NULL`,
  /** Answered, and the assignment's team had business hours (`first_reply_bh_ms`). */
  answeredBh: sql`(a.first_reply_at IS NOT NULL AND a.first_reply_bh_ms IS NOT NULL)`,
  firstMs: ms(sql`a.first_reply_at - a.assigned_at`),
};

/** The conversations transferred in the ranges (a conversation counts once however many transfers). */
export function transferredIn(workspaceId: string, ranges: Range[]): SQL {
  return sql`(SELECT t.conversation_id FROM transfers t
    WHERE t.workspace_id = ${workspaceId} AND ${within(sql`t.created_at`, ranges)})`;
}

/** What a listed figure selects: its rows, the instant that places them in the period, and their value. */
export interface Listing {
  source: 'conversations' | 'assignments';
  /** The period column; null for "now" figures (listed by creation). */
  at: SQL | null;
  where: SQL;
  value?: { ms: SQL; count: SQL };
}

/** The listing of each figure, by the rules above (the same predicates the figures count). */
export function listing(
  metric: ListedMetric,
  input: { workspaceId: string; range: Range; slSeconds: number },
): Listing {
  const created = sql`c.created_at`;
  const one = sql`1`;
  switch (metric) {
    case 'total':
      return { source: 'conversations', at: created, where: sql`TRUE` };
    case 'attended':
      return { source: 'conversations', at: created, where: rule.attended };
    case 'unattended':
      return { source: 'conversations', at: created, where: rule.unattended };
    case 'transferred':
      return {
        source: 'conversations',
        at: null,
        where: sql`c.id IN ${transferredIn(input.workspaceId, [input.range])}`,
      };
    case 'closed':
    case 'duration':
      return {
        source: 'conversations',
        at: sql`c.closed_at`,
        where: rule.closed,
        value: metric === 'duration' ? { ms: rule.durationMs, count: one } : undefined,
      };
    case 'active':
      return { source: 'conversations', at: null, where: rule.active };
    case 'pending':
      return { source: 'conversations', at: null, where: rule.pending };
    case 'queued':
      return { source: 'conversations', at: null, where: rule.queued };
    case 'firstResponse':
      return {
        source: 'assignments',
        at: sql`a.assigned_at`,
        where: assignmentRule.answered,
        value: { ms: assignmentRule.firstMs, count: one },
      };
    case 'response':
      return {
        source: 'conversations',
        at: created,
        where: rule.responded,
        value: { ms: sql`c.response_sum_ms`, count: sql`c.response_count` },
      };
    case 'queueWait':
      return {
        source: 'conversations',
        at: created,
        where: rule.waited,
        value: { ms: rule.waitMs, count: one },
      };
    case 'serviceLevel':
      return {
        source: 'conversations',
        at: created,
        where: rule.routed,
        value: {
          ms: ms(sql`c.first_operator_reply_at - c.created_at`),
          count: sql`CASE WHEN c.first_operator_reply_at IS NULL THEN 0 ELSE 1 END`,
        },
      };
  }
}
