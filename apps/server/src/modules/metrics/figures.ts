import type { Average, ChannelKind, Figures } from '@parley/contracts';
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';

/**
 * SPEC §3, defined once. Every figure on a screen or in an export comes from here; each is a
 * bounded read of the facts `facts.ts` records (indexed by workspace and time), never a pass over
 * messages.
 */
export type Segment = 'channel' | 'team' | 'operator';

export interface FiguresInput {
  workspaceId: string;
  from: Date;
  to: Date;
  channel?: ChannelKind;
  teamId?: string;
  /** Only this operator's work (operator detail). */
  operatorId?: string;
  segment?: Segment;
}

const avg = (sumMs: unknown, count: unknown): Average => {
  const n = Number(count ?? 0);
  return { ms: n > 0 ? Math.round(Number(sumMs ?? 0) / n) : null, count: n };
};

const ms = (interval: SQL) => sql`(extract(epoch from ${interval}) * 1000)`;

type Row = Record<string, unknown> & { key: string | null };

async function rows(db: Queryable, query: SQL): Promise<Row[]> {
  const result = await db.execute(query);
  return result.rows as Row[];
}

/** The key a conversation (alias c) or an assignment (alias a) is segmented by. */
function conversationKey(segment: Segment | undefined): SQL {
  if (segment === 'channel') return sql`c.channel`;
  if (segment === 'team') return sql`c.team_id::text`;
  if (segment === 'operator') return sql`c.assignee_id::text`;
  return sql`NULL::text`;
}
function assignmentKey(segment: Segment | undefined): SQL {
  if (segment === 'team') return sql`a.team_id::text`;
  if (segment === 'operator') return sql`a.user_id::text`;
  return conversationKey(segment);
}

function conversationFilter(input: FiguresInput): SQL {
  const parts = [sql`c.workspace_id = ${input.workspaceId}`];
  if (input.channel) parts.push(sql`c.channel = ${input.channel}`);
  if (input.teamId) parts.push(sql`c.team_id = ${input.teamId}`);
  if (input.operatorId) parts.push(sql`c.assignee_id = ${input.operatorId}`);
  return sql.join(parts, sql` AND `);
}

function assignmentFilter(input: FiguresInput): SQL {
  const parts = [sql`a.workspace_id = ${input.workspaceId}`];
  if (input.channel) parts.push(sql`c.channel = ${input.channel}`);
  if (input.teamId) parts.push(sql`a.team_id = ${input.teamId}`);
  if (input.operatorId) parts.push(sql`a.user_id = ${input.operatorId}`);
  return sql.join(parts, sql` AND `);
}

const zero = (): Figures => ({
  total: 0,
  attended: 0,
  unattended: 0,
  transferred: 0,
  closed: 0,
  firstResponse: { ms: null, count: 0 },
  response: { ms: null, count: 0 },
  duration: { ms: null, count: 0 },
  queueWait: { ms: null, count: 0 },
  csat: { sum: 0, count: 0, average: null },
  active: 0,
  pending: 0,
  queued: 0,
});

/**
 * Figures for a period, overall and (when asked) per channel, team or operator. The period is
 * [from, to): "created in" for counts and times, "closed in" for duration, "assigned in" for first
 * response, "transferred in" for transferred; active, pending and queued are now.
 */
export async function computeFigures(
  db: Queryable,
  input: FiguresInput,
): Promise<{ figures: Figures; segments: { key: string | null; figures: Figures }[] }> {
  const { segment, ...overall } = input;
  // Overall figures are queried, not summed from segments: a conversation handled by two operators
  // is one conversation, and averages are exact only over the underlying values.
  const [whole, parts] = await Promise.all([
    segmentFigures(db, overall),
    segment ? segmentFigures(db, input) : Promise.resolve([]),
  ]);
  return { figures: whole[0]?.figures ?? zero(), segments: parts };
}

async function segmentFigures(db: Queryable, input: FiguresInput) {
  const from = input.from.toISOString();
  const to = input.to.toISOString();
  const cFilter = conversationFilter(input);
  const created = sql`c.created_at >= ${from}::timestamptz AND c.created_at < ${to}::timestamptz`;
  // With an operator filter, the operator's share is their assignments, not the current assignee.
  const byOperator = input.operatorId !== undefined || input.segment === 'operator';
  const [createdRows, closedRows, transferRows, assignmentRows, nowRows, ratedRows] = await Promise.all([
    rows(
      db,
      sql`SELECT ${conversationKey(input.segment)} AS key,
          count(*) AS total,
          count(*) FILTER (WHERE c.first_action_at IS NOT NULL) AS attended,
          count(*) FILTER (WHERE c.first_action_at IS NULL
            AND (c.first_assigned_at IS NOT NULL OR c.queued_at IS NOT NULL OR c.out_of_hours)) AS unattended,
          sum(c.response_sum_ms) AS response_sum, sum(c.response_count) AS response_count,
          sum(${ms(sql`c.first_assigned_at - coalesce(c.queued_at, c.created_at)`)})
            FILTER (WHERE c.first_assigned_at IS NOT NULL AND c.queued_at IS NOT NULL) AS wait_sum,
          count(*) FILTER (WHERE c.first_assigned_at IS NOT NULL AND c.queued_at IS NOT NULL) AS wait_count
        FROM conversations c WHERE ${cFilter} AND ${created} GROUP BY 1`,
    ),
    rows(
      db,
      sql`SELECT ${conversationKey(input.segment)} AS key, count(*) AS closed,
          sum(${ms(sql`c.closed_at - c.created_at`)}) AS duration_sum
        FROM conversations c WHERE ${cFilter} AND c.status = 'closed'
          AND c.closed_at >= ${from}::timestamptz AND c.closed_at < ${to}::timestamptz GROUP BY 1`,
    ),
    rows(
      db,
      sql`SELECT ${conversationKey(input.segment)} AS key, count(DISTINCT t.conversation_id) AS transferred
        FROM transfers t JOIN conversations c ON c.id = t.conversation_id
        WHERE t.workspace_id = ${input.workspaceId} AND ${cFilter}
          AND t.created_at >= ${from}::timestamptz AND t.created_at < ${to}::timestamptz GROUP BY 1`,
    ),
    rows(
      db,
      sql`SELECT ${assignmentKey(input.segment)} AS key,
          count(*) FILTER (WHERE a.first_reply_at IS NOT NULL) AS first_count,
          sum(${ms(sql`a.first_reply_at - a.assigned_at`)}) FILTER (WHERE a.first_reply_at IS NOT NULL) AS first_sum,
          sum(a.response_sum_ms) AS response_sum, sum(a.response_count) AS response_count,
          count(DISTINCT a.conversation_id) AS total,
          count(DISTINCT a.conversation_id) FILTER (WHERE a.first_reply_at IS NOT NULL) AS attended,
          count(DISTINCT a.conversation_id) FILTER (WHERE a.first_reply_at IS NULL AND a.ended_at IS NOT NULL) AS unattended
        FROM conversation_assignments a JOIN conversations c ON c.id = a.conversation_id
        WHERE ${assignmentFilter(input)}
          AND a.assigned_at >= ${from}::timestamptz AND a.assigned_at < ${to}::timestamptz GROUP BY 1`,
    ),
    rows(
      db,
      sql`SELECT ${conversationKey(input.segment)} AS key,
          count(*) FILTER (WHERE c.assignee_id IS NOT NULL) AS active,
          count(*) FILTER (WHERE c.assignee_id IS NOT NULL AND c.burst_started_at IS NOT NULL
            AND EXISTS (SELECT 1 FROM conversation_assignments a WHERE a.conversation_id = c.id
              AND a.ended_at IS NULL AND a.first_reply_at IS NULL)) AS pending,
          count(*) FILTER (WHERE c.assignee_id IS NULL AND c.queued_at IS NOT NULL AND NOT c.out_of_hours) AS queued
        FROM conversations c WHERE ${cFilter} AND c.status = 'open' GROUP BY 1`,
    ),
    // CSAT: ratings given in the period (a conversation is rated once, after it closed).
    rows(
      db,
      sql`SELECT ${conversationKey(input.segment)} AS key, sum(c.rating) AS rating_sum, count(*) AS rating_count
        FROM conversations c WHERE ${cFilter} AND c.rated_at IS NOT NULL
          AND c.rated_at >= ${from}::timestamptz AND c.rated_at < ${to}::timestamptz GROUP BY 1`,
    ),
  ]);

  const segments = new Map<string | null, Figures>();
  const at = (key: string | null) => {
    let f = segments.get(key);
    if (!f) {
      f = zero();
      segments.set(key, f);
    }
    return f;
  };
  for (const r of createdRows) {
    const f = at(r.key);
    f.total = Number(r.total);
    f.attended = Number(r.attended);
    f.unattended = Number(r.unattended);
    f.response = avg(r.response_sum, r.response_count);
    f.queueWait = avg(r.wait_sum, r.wait_count);
  }
  for (const r of closedRows) {
    const f = at(r.key);
    f.closed = Number(r.closed);
    f.duration = avg(r.duration_sum, r.closed);
  }
  for (const r of transferRows) at(r.key).transferred = Number(r.transferred);
  for (const r of assignmentRows) {
    const f = at(r.key);
    f.firstResponse = avg(r.first_sum, r.first_count);
    if (byOperator) {
      // An operator's conversations are those assigned to them in the period; attended = answered.
      f.total = Number(r.total);
      f.attended = Number(r.attended);
      f.unattended = Number(r.unattended);
      f.response = avg(r.response_sum, r.response_count);
    }
  }
  for (const r of ratedRows) {
    const sum = Number(r.rating_sum ?? 0);
    const count = Number(r.rating_count ?? 0);
    at(r.key).csat = { sum, count, average: count > 0 ? sum / count : null };
  }
  for (const r of nowRows) {
    const f = at(r.key);
    f.active = Number(r.active);
    f.pending = Number(r.pending);
    f.queued = Number(r.queued);
  }
  return [...segments].map(([key, figures]) => ({ key, figures }));
}
