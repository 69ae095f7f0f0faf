import type { OperatorPresence, QueueSummary } from '@parley/contracts';
import { and, asc, avg, count, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import type { Db, Queryable } from '../../platform/db/client.ts';
import { conversations, memberships, teamMembers, users } from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { effectiveSince, effectiveStatus } from '../workspaces/queries.ts';

/** Queue order (ROUTE-2, WS-2): urgent, high, medium, low, then conversations without a priority. */
export const priorityRank = sql`CASE ${conversations.priority} WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;

/** Open conversations assigned to the member of the surrounding `memberships` row. */
export const activeCount = sql<number>`(SELECT count(*) FROM conversations c
  WHERE c.workspace_id = ${memberships.workspaceId} AND c.assignee_id = ${memberships.userId} AND c.status = 'open')::int`;

const lastSummary = new Map<string, string>();
const pending = new Map<string, ReturnType<typeof setTimeout>>();

/**
 * OI-3: tells consoles the queue's size when it changed. A burst of routing (hundreds of arrivals)
 * is announced once per 200 ms, not once per conversation.
 */
export async function announceQueue(db: Db, workspaceId: string) {
  if (pending.has(workspaceId)) return;
  pending.set(
    workspaceId,
    setTimeout(() => {
      pending.delete(workspaceId);
      void publishQueue(db, workspaceId).catch(() => {});
    }, 200),
  );
}

async function publishQueue(db: Db, workspaceId: string) {
  const summary: QueueSummary = await queueSummary(db, workspaceId);
  const key = JSON.stringify(summary);
  if (lastSummary.get(workspaceId) === key) return;
  lastSummary.set(workspaceId, key);
  await transaction(db, (tx) => publish(tx, { workspaceId, name: 'queue.updated', payload: summary }));
}

const queued = and(
  eq(conversations.status, 'open'),
  isNull(conversations.assigneeId),
  isNotNull(conversations.queuedAt),
  eq(conversations.outOfHours, false),
);

/** OI-3: how many wait in each team's queue. */
export async function queueSummary(db: Queryable, workspaceId: string): Promise<QueueSummary> {
  const rows = await db
    .select({ teamId: conversations.teamId, n: count() })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), queued))
    .groupBy(conversations.teamId)
    .orderBy(asc(conversations.teamId));
  const byTeam = rows.flatMap((r) => (r.teamId ? [{ teamId: r.teamId, queued: Number(r.n) }] : []));
  return { queued: byTeam.reduce((sum, t) => sum + t.queued, 0), byTeam };
}

/**
 * ROUTE-2: the customer's place in the queue (1 = next) and an estimate from how long this team's
 * recent conversations waited per place ahead of them.
 */
export async function queuePosition(db: Queryable, workspaceId: string, conversationId: string) {
  const [mine] = await db
    .select({
      teamId: conversations.teamId,
      queuedAt: conversations.queuedAt,
      rank: sql<number>`${priorityRank}`,
    })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId), queued));
  if (!mine?.teamId || !mine.queuedAt) return { position: null, estimatedWaitSeconds: null };
  const [ahead] = await db
    .select({ n: count() })
    .from(conversations)
    .where(
      and(
        eq(conversations.teamId, mine.teamId),
        queued,
        or(
          lt(priorityRank, Number(mine.rank)),
          and(sql`${priorityRank} = ${Number(mine.rank)}`, lt(conversations.queuedAt, mine.queuedAt)),
        ),
      ),
    );
  const [recent] = await db
    .select({
      seconds: avg(sql`extract(epoch from ${conversations.firstAssignedAt} - ${conversations.queuedAt})`),
    })
    .from(conversations)
    .where(
      and(
        eq(conversations.teamId, mine.teamId),
        isNotNull(conversations.firstAssignedAt),
        gt(conversations.firstAssignedAt, new Date(Date.now() - 86_400_000)),
      ),
    );
  const position = Number(ahead?.n ?? 0) + 1;
  const perPlace = Math.max(15, Math.round(Number(recent?.seconds ?? 60)));
  return { position, estimatedWaitSeconds: position * perPlace };
}

/** OPS-1 / OI-6: every member with their effective status, load, capacity and teams. */
export async function listOperators(db: Queryable, workspaceId: string): Promise<OperatorPresence[]> {
  const rows = await db
    .select({
      userId: memberships.userId,
      name: users.name,
      status: effectiveStatus,
      statusSince: effectiveSince,
      capacity: memberships.capacity,
      active: activeCount,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(users.name));
  const teamsOf = await db
    .select({ userId: teamMembers.userId, teamId: teamMembers.teamId })
    .from(teamMembers)
    .where(eq(teamMembers.workspaceId, workspaceId));
  return rows.map((r) => ({
    ...r,
    active: Number(r.active),
    statusSince: r.statusSince.toISOString(),
    teamIds: teamsOf.filter((t) => t.userId === r.userId).map((t) => t.teamId),
  }));
}
