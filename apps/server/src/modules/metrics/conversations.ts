import type { ChannelKind, MetricConversationPage, MetricConversationsQuery } from '@parley/contracts';
import { sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { assignmentFilter, conversationFilter, listing, rule, within } from './definitions.ts';
import { resolvePeriod } from './report.ts';

interface Row extends Record<string, unknown> {
  key: string;
  id: string;
  number: number | string;
  customer: string | null;
  channel: ChannelKind;
  status: string;
  team_id: string | null;
  team_name: string | null;
  operator_id: string | null;
  operator_name: string | null;
  created_at: string | Date;
  at: string | Date;
  value_ms: number | string | null;
  value_count: number | string | null;
  met: boolean | null;
}

/**
 * "Every tile opens the list of conversations behind its number": the rows a figure counts, by the
 * same rule (`definitions.ts`), newest first, a page at a time (keyset on the instant that places a
 * row in the figure, then its id). For an average, each row carries its part of it.
 */
export async function metricConversations(
  db: Queryable,
  actor: OperatorPrincipal,
  query: MetricConversationsQuery,
  now: Date = new Date(),
): Promise<MetricConversationPage> {
  authorize(actor, 'monitor');
  const { from, to, serviceLevelGoal } = await resolvePeriod(db, actor.workspaceId, query, now);
  const scope = { workspaceId: actor.workspaceId, channel: query.channel, teamId: query.teamId };
  const listed = listing(query.metric, {
    workspaceId: actor.workspaceId,
    range: [from, to],
    slSeconds: serviceLevelGoal.seconds,
  });
  const byAssignment = listed.source === 'assignments';
  // Cursors carry milliseconds: order on the instant truncated to them, so no row is skipped or repeated.
  const at = sql`date_trunc('milliseconds', ${listed.at ?? sql`c.created_at`})`;
  const key = byAssignment ? sql`a.id` : sql`c.id`;
  const parts = [
    byAssignment ? assignmentFilter(scope) : conversationFilter(scope),
    listed.where,
    listed.at ? within(listed.at, [[from, to]]) : sql`TRUE`,
  ];
  if (query.cursor) {
    const [instant, id] = query.cursor.split('_') as [string, string];
    parts.push(sql`(${at}, ${key}) < (${instant}::timestamptz, ${id}::uuid)`);
  }
  const value = listed.value;
  const { rows } = await db.execute<Row>(sql`
    SELECT ${key} AS key, c.id, c.number, coalesce(ct.name, ct.email) AS customer, c.channel, c.status,
      t.id AS team_id, t.name AS team_name, u.id AS operator_id, u.name AS operator_name, c.created_at, ${at} AS at,
      ${value ? value.ms : sql`NULL`} AS value_ms, ${value ? value.count : sql`NULL`} AS value_count,
      ${query.metric === 'serviceLevel' ? rule.slMet(serviceLevelGoal.seconds) : sql`NULL`} AS met
    FROM ${byAssignment ? sql`conversation_assignments a JOIN conversations c ON c.id = a.conversation_id` : sql`conversations c`}
    JOIN contacts ct ON ct.id = c.contact_id
    LEFT JOIN teams t ON t.id = ${byAssignment ? sql`a.team_id` : sql`c.team_id`}
    LEFT JOIN users u ON u.id = ${byAssignment ? sql`a.user_id` : sql`c.assignee_id`}
    WHERE ${sql.join(parts, sql` AND `)}
    ORDER BY ${at} DESC, ${key} DESC
    LIMIT ${query.limit + 1}`);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      key: r.key,
      conversationId: r.id,
      number: Number(r.number),
      customer: r.customer,
      channel: r.channel,
      status: r.status,
      teamId: r.team_id,
      teamName: r.team_name,
      operatorId: r.operator_id,
      operatorName: r.operator_name,
      createdAt: new Date(r.created_at).toISOString(),
      at: new Date(r.at).toISOString(),
      value:
        r.value_ms === null || r.value_count === null
          ? null
          : { ms: Number(r.value_ms), count: Number(r.value_count) },
      met: r.met === null ? null : Boolean(r.met),
    })),
    nextCursor: rows.length > query.limit && last ? `${new Date(last.at).toISOString()}_${last.key}` : null,
  };
}
