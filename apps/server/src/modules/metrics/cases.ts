import type { CaseKind, ChannelKind, MonitoredCase, RecoverReason } from '@parley/contracts';
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';

/**
 * Reply windows per channel in seconds (ROUTE-7), unless the workspace sets its own
 * (`workspaces.reply_windows`); how long a customer may wait in an operator's inbox before the case
 * needs recovering is `workspaces.unanswered_after_seconds` (default 30 minutes).
 */
export const DEFAULT_REPLY_WINDOWS: Record<ChannelKind, number> = {
  web: 24 * 3600,
  whatsapp: 24 * 3600,
  messenger: 24 * 3600,
  instagram: 24 * 3600,
  x: 24 * 3600,
  telegram: 24 * 3600,
  email: 7 * 24 * 3600,
  api: 7 * 24 * 3600,
};
const LIMIT = 500;

interface CaseRow extends Record<string, unknown> {
  id: string;
  number: number;
  customer: string | null;
  channel: ChannelKind;
  team_id: string | null;
  team_name: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  assignee_status: string | null;
  created_at: string | Date;
  assigned_at: string | Date | null;
  burst_started_at: string | Date | null;
  last_customer_message_at: string | Date | null;
  queued_at: string | Date | null;
  out_of_hours: boolean;
  offline: boolean;
  answered: boolean;
  position: number | string | null;
  unanswered_after: number;
  reply_window: number | string | null;
}

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());

function reasonOf(r: CaseRow, now: Date): RecoverReason | null {
  if (!r.assignee_id) return r.out_of_hours ? 'out_of_hours' : r.offline ? 'offline_message' : null;
  if (r.assignee_status === 'disconnected') return 'operator_unavailable';
  const waiting = r.burst_started_at ? now.getTime() - new Date(r.burst_started_at).getTime() : 0;
  return waiting >= r.unanswered_after * 1000 ? 'unanswered' : null;
}

/**
 * MON-4…6: current cases (open and assigned), cases to recover (out of hours, left by the offline
 * form, with an unavailable operator, or unanswered too long) and queued cases with their place.
 * Each list reads only open conversations of the workspace, through the status indexes.
 */
export async function listCases(
  db: Queryable,
  input: { workspaceId: string; kind: CaseKind; channel?: ChannelKind; teamId?: string; now?: Date },
): Promise<MonitoredCase[]> {
  const now = input.now ?? new Date();
  const filters: SQL[] = [sql`c.workspace_id = ${input.workspaceId}`, sql`c.status = 'open'`];
  if (input.channel) filters.push(sql`c.channel = ${input.channel}`);
  if (input.teamId) filters.push(sql`c.team_id = ${input.teamId}`);
  if (input.kind === 'current') filters.push(sql`c.assignee_id IS NOT NULL`);
  if (input.kind === 'queued') {
    filters.push(sql`c.assignee_id IS NULL AND c.queued_at IS NOT NULL AND NOT c.out_of_hours`);
  }
  // Cases to recover: those set aside, waiting too long for an answer, or with their operator gone,
  // each found through its partial index with the time it is listed by, the 500 oldest kept before
  // anything else is read (a workspace whose operators all left holds every open conversation here).
  const scope = sql.join(
    [
      input.channel ? sql` AND x.channel = ${input.channel}` : sql``,
      input.teamId ? sql` AND x.team_id = ${input.teamId}` : sql``,
    ],
    sql``,
  );
  const unansweredSince = sql`${now.toISOString()}::timestamptz - make_interval(secs => w.unanswered_after_seconds)`;
  const toRecover = sql`
    SELECT r.id, NULL::bigint AS position FROM (
      SELECT x.id, x.created_at FROM conversations x WHERE x.workspace_id = ${input.workspaceId}
        AND x.status = 'open' AND x.assignee_id IS NULL AND (x.out_of_hours OR x.offline)${scope}
      UNION
      SELECT x.id, x.created_at FROM conversations x JOIN workspaces w ON w.id = x.workspace_id
      WHERE x.workspace_id = ${input.workspaceId} AND x.status = 'open' AND x.assignee_id IS NOT NULL
        AND x.burst_started_at IS NOT NULL AND x.burst_started_at <= ${unansweredSince}${scope}
      UNION
      SELECT x.id, x.created_at FROM memberships g JOIN workspaces w ON w.id = g.workspace_id
        JOIN conversations x ON x.workspace_id = g.workspace_id AND x.assignee_id = g.user_id AND x.status = 'open'
      WHERE g.workspace_id = ${input.workspaceId}${scope}
        AND (g.last_active_at IS NULL OR g.last_active_at <= now() - make_interval(secs => w.disconnect_grace_seconds))
    ) r
    ORDER BY r.created_at, r.id
    LIMIT ${LIMIT}`;
  // Queued cases by their place in their team's queue (a window over the queued ones), the others by
  // time, the id breaking ties so the 500 kept are always the same.
  const order = (position: SQL) =>
    input.kind === 'queued'
      ? sql`c.team_id, ${position}, c.id`
      : input.kind === 'current'
        ? sql`c.assigned_at, c.id`
        : sql`c.created_at, c.id`;
  // A queued case's place in its team's queue; the other lists have none (and a window over every open
  // conversation would defeat their LIMIT).
  const position =
    input.kind === 'queued'
      ? sql`row_number() OVER (PARTITION BY c.team_id ORDER BY CASE c.priority WHEN 'urgent' THEN 0
          WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, c.queued_at, c.id)`
      : sql`NULL::bigint`;
  // The 500 cases are picked first, reading only what the filters and the order need; customer, team
  // and operator are joined to those alone (30,000 cases to recover were joined before their sort in
  // bench:operators' data: 0.3 s).
  const picked =
    input.kind === 'recover'
      ? toRecover
      : sql`SELECT c.id, ${position} AS position FROM conversations c
          WHERE ${sql.join(filters, sql` AND `)}
          ORDER BY ${order(sql`position`)}
          LIMIT ${LIMIT}`;
  const result = await db.execute<CaseRow>(sql`
    WITH picked AS (${picked})
    SELECT c.id, c.number, coalesce(ct.name, ct.email) AS customer, c.channel, c.team_id, t.name AS team_name,
      c.assignee_id, u.name AS assignee_name,
      CASE WHEN c.assignee_id IS NULL THEN NULL
        WHEN m.last_active_at > now() - make_interval(secs => w.disconnect_grace_seconds) THEN m.status
        ELSE 'disconnected' END AS assignee_status,
      c.created_at, c.assigned_at, c.burst_started_at, c.last_customer_message_at, c.queued_at,
      c.out_of_hours, c.offline, w.unanswered_after_seconds AS unanswered_after,
      w.reply_windows ->> c.channel AS reply_window,
      EXISTS (SELECT 1 FROM conversation_assignments a WHERE a.conversation_id = c.id
        AND a.ended_at IS NULL AND a.first_reply_at IS NOT NULL) AS answered,
      p.position
    FROM picked p
    JOIN conversations c ON c.id = p.id
    JOIN workspaces w ON w.id = c.workspace_id
    JOIN contacts ct ON ct.id = c.contact_id
    LEFT JOIN teams t ON t.id = c.team_id
    LEFT JOIN users u ON u.id = c.assignee_id
    LEFT JOIN memberships m ON m.workspace_id = c.workspace_id AND m.user_id = c.assignee_id
    ORDER BY ${order(sql`p.position`)}`);
  return result.rows.map((r) => {
    const lastCustomer = r.last_customer_message_at ? new Date(r.last_customer_message_at).getTime() : null;
    return {
      conversationId: r.id,
      number: Number(r.number),
      customer: r.customer,
      channel: r.channel,
      teamId: r.team_id,
      teamName: r.team_name,
      assigneeId: r.assignee_id,
      assigneeName: r.assignee_name,
      createdAt: iso(r.created_at)!,
      assignedAt: iso(r.assigned_at),
      waitingSince: iso(r.burst_started_at),
      state:
        input.kind !== 'current'
          ? null
          : !r.answered && r.burst_started_at
            ? 'pending'
            : r.burst_started_at
              ? 'waiting_operator'
              : 'waiting_customer',
      reason: input.kind === 'recover' ? reasonOf(r, now) : null,
      replyWindowEndsAt:
        input.kind === 'recover' && lastCustomer !== null
          ? new Date(
              lastCustomer + Number(r.reply_window ?? DEFAULT_REPLY_WINDOWS[r.channel]) * 1000,
            ).toISOString()
          : null,
      queuedAt: iso(r.queued_at),
      position: r.position === null ? null : Number(r.position),
    };
  });
}
