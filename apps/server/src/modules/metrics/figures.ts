import type { Figures } from '@parley/contracts';
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import {
  assignmentFilter,
  assignmentRule,
  conversationFilter,
  type Range,
  rule,
  type Scope,
  transferredIn,
  within,
} from './definitions.ts';
import { addRows, type Now, type Raw, type Row, rows, toFigures, zeroFigures, zeroRaw } from './sums.ts';

/**
 * SPEC §3, defined once. Every figure on a screen or in an export comes from here. A period's
 * figures are the per-day rollups (`metric_days`, kept by database triggers in the same transaction
 * as each fact) for the local days wholly inside it, plus the same definitions computed directly on
 * the facts for the partial days at its edges; "now" figures are counts the triggers keep as well
 * (`metric_now`, by team, channel and assignee). The
 * direct computation of the whole period (`direct: true`) is the reference the rollups are tested
 * against, and what operator figures use (their distinct counts do not add up over days).
 */
export type Segment = 'channel' | 'team' | 'operator';

export interface FiguresInput extends Scope {
  from: Date;
  to: Date;
  segment?: Segment;
}

export interface FiguresResult {
  figures: Figures;
  segments: { key: string | null; figures: Figures }[];
}

/** The key a conversation (alias c), an assignment (alias a) or a rollup row (alias r) is segmented by. */
function conversationKey(segment: Segment | undefined): SQL {
  return segment ? sql`${conversationColumn(segment)}::text` : sql`NULL::text`;
}
function conversationColumn(segment: Segment): SQL {
  if (segment === 'channel') return sql`c.channel`;
  if (segment === 'team') return sql`c.team_id`;
  return sql`c.assignee_id`;
}
function assignmentKey(segment: Segment | undefined): SQL {
  if (segment === 'channel') return sql`a.channel`;
  if (segment === 'team') return sql`a.team_id::text`;
  if (segment === 'operator') return sql`a.user_id::text`;
  return sql`NULL::text`;
}
function rollupKey(segment: Segment | undefined): SQL {
  if (segment === 'channel') return sql`r.channel`;
  if (segment === 'team') return sql`r.team_id::text`;
  return sql`NULL::text`;
}

function rollupFilter(input: Scope): SQL {
  const parts = [sql`r.workspace_id = ${input.workspaceId}`];
  if (input.channel) parts.push(sql`r.channel = ${input.channel}`);
  if (input.teamId) parts.push(sql`r.team_id = ${input.teamId}`);
  return sql.join(parts, sql` AND `);
}

export interface Settings {
  timezone: string;
  slSeconds: number;
  /** Local days [d1, d2) wholly inside the period, with their instants; null when there is none. */
  days: { d1: string; d2: string; d1At: Date; d2At: Date } | null;
}

/** The workspace's time zone and service level, and the whole local days of [from, to) (by the database's clock rules). */
export async function settingsFor(db: Queryable, input: FiguresInput): Promise<Settings> {
  const { rows: found } = await db.execute<{
    timezone: string;
    sl: number;
    d1: string;
    d2: string;
    d1_at: string | Date;
    d2_at: string | Date;
  }>(sql`
    SELECT s.timezone, s.sl, s.d1::text AS d1, s.d2::text AS d2,
      (s.d1::timestamp AT TIME ZONE s.timezone) AS d1_at, (s.d2::timestamp AT TIME ZONE s.timezone) AS d2_at
    FROM (SELECT w.timezone, w.service_level_seconds AS sl,
        CASE WHEN (f AT TIME ZONE w.timezone)::time = '00:00' THEN (f AT TIME ZONE w.timezone)::date
          ELSE (f AT TIME ZONE w.timezone)::date + 1 END AS d1,
        (t AT TIME ZONE w.timezone)::date AS d2
      FROM workspaces w, (SELECT ${input.from.toISOString()}::timestamptz AS f, ${input.to.toISOString()}::timestamptz AS t) p
      WHERE w.id = ${input.workspaceId}) s`);
  const s = found[0];
  if (!s) return { timezone: 'UTC', slSeconds: 60, days: null };
  const d1At = new Date(s.d1_at);
  const d2At = new Date(s.d2_at);
  const whole = s.d1 < s.d2 && d1At >= input.from && d2At <= input.to && d1At < d2At;
  return {
    timezone: s.timezone,
    slSeconds: Number(s.sl),
    days: whole ? { d1: s.d1, d2: s.d2, d1At, d2At } : null,
  };
}

/**
 * Figures for a period, overall and (when asked) per channel, team or operator. The period is
 * [from, to): "created in" for counts, times and service level, "closed in" for duration, "assigned
 * in" for first response, "transferred in" for transferred; active, pending and queued are now.
 */
export async function computeFigures(
  db: Queryable,
  input: FiguresInput,
  options: { direct?: boolean } = {},
): Promise<FiguresResult> {
  const { segment, ...overall } = input;
  const settings = await settingsFor(db, input);
  // Overall figures are queried, not summed from segments: a conversation handled by two operators
  // is one conversation, and averages are exact only over the underlying values.
  const [whole, parts] = await Promise.all([
    segmentFigures(db, overall, settings, options),
    segment ? segmentFigures(db, input, settings, options) : Promise.resolve([]),
  ]);
  return { figures: whole[0]?.figures ?? zeroFigures(), segments: parts };
}

async function segmentFigures(
  db: Queryable,
  input: FiguresInput,
  settings: Settings,
  options: { direct?: boolean },
): Promise<{ key: string | null; figures: Figures }[]> {
  const byOperator = input.operatorId !== undefined || input.segment === 'operator';
  const days = options.direct || byOperator ? null : settings.days;
  const raw = new Map<string | null, Raw>();
  const edges: Range[] = days
    ? ([
        [input.from, days.d1At],
        [days.d2At, input.to],
      ].filter(([a, b]) => a! < b!) as Range[])
    : [[input.from, input.to]];
  const [direct, rolled, transferred, nowByKey, rated] = await Promise.all([
    edges.length > 0 ? directRows(db, input, edges, settings.slSeconds, byOperator) : Promise.resolve([]),
    days ? rollupRows(db, input, days.d1, days.d2) : Promise.resolve([]),
    transferRows(db, input, edges, days),
    nowFigures(db, input, options),
    edges.length > 0 ? ratingRows(db, input, edges) : Promise.resolve([]),
  ]);
  addRows(raw, rated);
  addRows(raw, direct);
  addRows(raw, rolled);
  addRows(raw, transferred);
  const keys = new Set([...raw.keys(), ...nowByKey.keys()]);
  return [...keys].map((key) => ({
    key,
    figures: toFigures(raw.get(key) ?? zeroRaw(), nowByKey.get(key) ?? { active: 0, pending: 0, queued: 0 }),
  }));
}

/**
 * Active, pending and queued now, by segment (a null key without one): read from the counts the
 * triggers keep (`metric_now`, by team, channel and assignee), or with `direct` computed on the open
 * conversations themselves (the reference the counts are tested against). Only these three figures:
 * what the operators' overview shows beside each operator.
 */
export async function nowFigures(
  db: Queryable,
  input: Scope & { segment?: Segment },
  options: { direct?: boolean } = {},
): Promise<Map<string | null, Now>> {
  const found = await (options.direct ? nowRows(db, input) : nowRollup(db, input));
  return new Map(
    found.map((r) => [
      r.key,
      { active: Number(r.active), pending: Number(r.pending), queued: Number(r.queued) },
    ]),
  );
}

/**
 * The definitions of SPEC §3 computed on the facts of the given time ranges. With an operator (filter
 * or segment), their conversations are those assigned to them in the period (attended: answered by
 * them), so the conversations created in it give only the queue wait and service level; each query
 * then reads only columns its covering index holds (`conversations_admin_operator_idx`,
 * `conversation_assignments_user_idx`, migration 0027), not the rows themselves.
 */
async function directRows(
  db: Queryable,
  input: FiguresInput,
  ranges: Range[],
  slSeconds: number,
  byOperator: boolean,
): Promise<Row[]> {
  const cFilter = conversationFilter(input);
  const key = conversationKey(input.segment);
  const conversationCounts = byOperator
    ? sql``
    : sql`count(*) AS total,
          count(*) FILTER (WHERE ${rule.attended}) AS attended,
          count(*) FILTER (WHERE ${rule.unattended}) AS unattended,
          sum(c.response_sum_ms) AS response_sum, sum(c.response_count) AS response_count,
          sum(c.response_bh_sum_ms) AS response_bh_sum, sum(c.response_bh_count) AS response_bh_count,`;
  const firstResponse = sql`count(*) FILTER (WHERE ${assignmentRule.answered}) AS first_count,
          sum(${assignmentRule.firstMs}) FILTER (WHERE ${assignmentRule.answered}) AS first_sum,
          count(*) FILTER (WHERE ${assignmentRule.answeredBh}) AS first_bh_count,
          sum(a.first_reply_bh_ms) FILTER (WHERE ${assignmentRule.answeredBh}) AS first_bh_sum`;
  const assignments = sql`FROM conversation_assignments a
        WHERE ${assignmentFilter(input)} AND ${within(sql`a.assigned_at`, ranges)}`;
  const [created, closed, assigned] = await Promise.all([
    rows(
      db,
      sql`SELECT ${key} AS key, ${conversationCounts}
          sum(c.wait_bh_ms) FILTER (WHERE ${rule.waitedBh}) AS wait_bh_sum,
          count(*) FILTER (WHERE ${rule.waitedBh}) AS wait_bh_count,
          sum(${rule.waitMs}) FILTER (WHERE ${rule.waited}) AS wait_sum,
          count(*) FILTER (WHERE ${rule.waited}) AS wait_count,
          count(*) FILTER (WHERE ${rule.routed}) AS sl_count,
          count(*) FILTER (WHERE ${rule.slMet(slSeconds)}) AS sl_met
        FROM conversations c WHERE ${cFilter} AND ${within(sql`c.created_at`, ranges)} GROUP BY 1`,
    ),
    rows(
      db,
      sql`SELECT ${key} AS key, count(*) AS closed,
          sum(${rule.durationMs}) AS duration_sum,
          sum(c.duration_bh_ms) AS duration_bh_sum, count(c.duration_bh_ms) AS duration_bh_count
        FROM conversations c WHERE ${cFilter} AND ${rule.closed}
          AND ${within(sql`c.closed_at`, ranges)} GROUP BY 1`,
    ),
    rows(
      db,
      // Assignments alone (no join): an operator's conversations are counted from them, the
      // workspace's only need the first-response sums.
      sql`SELECT ${assignmentKey(input.segment)} AS key, ${firstResponse}
          ${
            byOperator
              ? sql`, sum(a.response_sum_ms) AS response_sum, sum(a.response_count) AS response_count,
          sum(a.response_bh_sum_ms) AS response_bh_sum, sum(a.response_bh_count) AS response_bh_count,
          count(DISTINCT a.conversation_id) AS total,
          count(DISTINCT a.conversation_id) FILTER (WHERE a.first_reply_at IS NOT NULL) AS attended,
          count(DISTINCT a.conversation_id) FILTER (WHERE a.first_reply_at IS NULL AND a.ended_at IS NOT NULL) AS unattended`
              : sql``
          }
        ${assignments} GROUP BY 1`,
    ),
  ]);
  return [...created, ...closed, ...assigned];
}

/** The rollups of the local days [d1, d2). */
function rollupRows(db: Queryable, input: FiguresInput, d1: string, d2: string): Promise<Row[]> {
  return rows(
    db,
    sql`SELECT ${rollupKey(input.segment)} AS key, sum(r.total) AS total, sum(r.attended) AS attended,
        sum(r.unattended) AS unattended, sum(r.response_sum) AS response_sum, sum(r.response_count) AS response_count,
        sum(r.wait_sum) AS wait_sum, sum(r.wait_count) AS wait_count, sum(r.closed) AS closed,
        sum(r.duration_sum) AS duration_sum, sum(r.first_sum) AS first_sum, sum(r.first_count) AS first_count,
        sum(r.sl_count) AS sl_count, sum(r.sl_met) AS sl_met, sum(r.first_bh_sum) AS first_bh_sum,
        sum(r.first_bh_count) AS first_bh_count, sum(r.response_bh_sum) AS response_bh_sum,
        sum(r.response_bh_count) AS response_bh_count, sum(r.wait_bh_sum) AS wait_bh_sum,
        sum(r.wait_bh_count) AS wait_bh_count, sum(r.duration_bh_sum) AS duration_bh_sum,
        sum(r.duration_bh_count) AS duration_bh_count, sum(r.rating_sum) AS rating_sum,
        sum(r.rating_count) AS rating_count
      FROM metric_days r WHERE ${rollupFilter(input)} AND r.day >= ${d1}::date AND r.day < ${d2}::date
      GROUP BY 1`,
  );
}

/**
 * Conversations transferred at least once in the period. Over whole days: the rollup's transfers
 * whose previous transfer is before the first day; at the edges: conversations transferred there and
 * not also during the whole days (already counted).
 */
async function transferRows(
  db: Queryable,
  input: FiguresInput,
  edges: Range[],
  days: Settings['days'],
): Promise<Row[]> {
  const key = conversationKey(input.segment);
  // NOT EXISTS, not NOT IN: a hashed NOT IN list made PostgreSQL read every conversation of the
  // workspace (1.2 s at a million) to keep the few transferred at the edges.
  const notInDays = days
    ? sql`AND NOT EXISTS (SELECT 1 FROM transfers d WHERE d.conversation_id = c.id
        AND ${within(sql`d.created_at`, [[days.d1At, days.d2At]])})`
    : sql``;
  const [edgeRows, dayRows] = await Promise.all([
    edges.length === 0
      ? Promise.resolve([])
      : rows(
          db,
          sql`SELECT ${key} AS key, count(*) AS transferred FROM conversations c
            WHERE ${conversationFilter(input)} AND c.id IN ${transferredIn(input.workspaceId, edges)} ${notInDays}
            GROUP BY 1`,
        ),
    days
      ? rows(
          db,
          sql`SELECT ${rollupKey(input.segment)} AS key, sum(r.n) AS transferred
            FROM metric_transfer_days r WHERE ${rollupFilter(input)}
              AND r.day >= ${days.d1}::date AND r.day < ${days.d2}::date
              AND (r.previous_day IS NULL OR r.previous_day < ${days.d1}::date)
            GROUP BY 1`,
        )
      : Promise.resolve([]),
  ]);
  return [...edgeRows, ...dayRows];
}

/**
 * CSAT: the ratings given in the ranges (a conversation is rated once, after it closed); the whole
 * days of a period read them from the rollups.
 */
function ratingRows(db: Queryable, input: FiguresInput, ranges: Range[]): Promise<Row[]> {
  return rows(
    db,
    sql`SELECT ${conversationKey(input.segment)} AS key, sum(c.rating) AS rating_sum, count(*) AS rating_count
      FROM conversations c WHERE ${conversationFilter(input)} AND c.rated_at IS NOT NULL
        AND ${within(sql`c.rated_at`, ranges)} GROUP BY 1`,
  );
}

/** Active, pending and queued now, from the counts the triggers keep. */
function nowRollup(db: Queryable, input: Scope & { segment?: Segment }): Promise<Row[]> {
  const key = input.segment === 'operator' ? sql`r.assignee_id::text` : rollupKey(input.segment);
  const operator = input.operatorId ? sql` AND r.assignee_id = ${input.operatorId}` : sql``;
  return rows(
    db,
    sql`SELECT ${key} AS key, sum(r.active) AS active, sum(r.pending) AS pending, sum(r.queued) AS queued
      FROM metric_now r WHERE ${rollupFilter(input)}${operator} GROUP BY 1`,
  );
}

/**
 * Active, pending and queued now, computed on the open conversations (partial index). Grouped on the
 * segment's column itself, not on its text: the open conversations come from the index on (workspace,
 * status, assignee) already in groups of one operator, where grouping on the text sorted them all
 * first (30,000 open in bench:operators: a sort spilled to disk, ~40 % of the overview's query).
 */
function nowRows(db: Queryable, input: Scope & { segment?: Segment }): Promise<Row[]> {
  const group = input.segment ? conversationColumn(input.segment) : sql`1`;
  return rows(
    db,
    sql`SELECT ${conversationKey(input.segment)} AS key,
        count(*) FILTER (WHERE ${rule.active}) AS active,
        count(*) FILTER (WHERE ${rule.pending}) AS pending,
        count(*) FILTER (WHERE ${rule.queued}) AS queued
      FROM conversations c WHERE ${conversationFilter(input)} AND c.status = 'open' GROUP BY ${group}`,
  );
}
