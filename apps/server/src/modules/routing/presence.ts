import type { SettableStatus } from '@parley/contracts';
import { and, desc, eq, sql } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import { enqueue, wakeWorkers } from '../../jobs/queue.ts';
import type { Db, Queryable } from '../../platform/db/client.ts';
import {
  connectionHistory,
  conversations,
  customStatuses,
  memberships,
  users,
  workspaces,
} from '../../platform/db/schema.ts';
import { type Tx, transaction } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { ClientInfo } from '../../platform/user-agent.ts';
import { recordConnection } from '../audit/connection-history.ts';
import { recordAudit } from '../audit/log.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { getMember } from '../workspaces/queries.ts';

/**
 * ROUTE-1 / OI-2: sets an operator's status, by themself or by a supervisor. Every change is in the
 * connection history with who made it; the time in each status follows from consecutive rows.
 * Returns the conversations that should hear a "looking for information" notice.
 */
export async function setStatus(
  tx: Tx,
  input: { actor: OperatorPrincipal; userId: string; status: SettableStatus; client: ClientInfo },
) {
  const { actor } = input;
  if (input.userId !== actor.userId) authorize(actor, 'operators.manage');
  if (input.status.startsWith('custom:')) {
    const [custom] = await tx.db
      .select({ id: customStatuses.id })
      .from(customStatuses)
      .where(
        and(eq(customStatuses.workspaceId, actor.workspaceId), eq(customStatuses.id, input.status.slice(7))),
      );
    if (!custom)
      throw new AppError('validation_failed', 'status: no such custom status in this workspace', 'status');
  }
  if (input.userId !== actor.userId && input.status !== 'disconnected') {
    await refuseSignedOut(tx, actor.workspaceId, input.userId);
  }
  const before = await getMember(tx.db, actor.workspaceId, input.userId);
  const since = new Date();
  await tx.db
    .update(memberships)
    .set({ status: input.status, statusSince: since })
    .where(and(eq(memberships.workspaceId, actor.workspaceId), eq(memberships.userId, input.userId)));
  await recordConnection(tx.db, {
    userId: input.userId,
    workspaceId: actor.workspaceId,
    kind: 'status_change',
    detail: input.status,
    changedBy: actor.userId,
    client: input.client,
  });
  const member = await getMember(tx.db, actor.workspaceId, input.userId);
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'operator.status_changed',
    payload: {
      userId: input.userId,
      status: input.status,
      since: since.toISOString(),
      changedBy: actor.userId,
      signedIn: member.signedIn,
    },
  });
  // A supervisor setting someone else's status (OPS-2) is an administrative action.
  if (input.userId !== actor.userId) {
    await recordAudit(tx.db, actor, {
      action: 'member.status_changed',
      target: { type: 'user', id: input.userId },
      before: { status: before.status },
      after: { status: input.status },
    });
  }
  // Going offline (ROUTE-1 "Disconnected", chosen): like a disconnection, their conversations go back to routing.
  if (input.status === 'disconnected') {
    await enqueue(tx.db, 'routing.release', { workspaceId: actor.workspaceId, userId: input.userId });
    tx.afterCommit(wakeWorkers);
  }
  let lookingIn: string[] = [];
  if (input.status === 'looking_for_info') {
    const open = await tx.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(
          eq(conversations.workspaceId, actor.workspaceId),
          eq(conversations.assigneeId, input.userId),
          eq(conversations.status, 'open'),
        ),
      );
    lookingIn = open.map((c) => c.id);
    const [workspace] = await tx.db
      .select({ after: workspaces.lookingNoticeSeconds })
      .from(workspaces)
      .where(eq(workspaces.id, actor.workspaceId));
    await enqueue(
      tx.db,
      'routing.still-looking',
      { workspaceId: actor.workspaceId, userId: input.userId, since: since.toISOString() },
      { delayMs: (workspace?.after ?? 120) * 1000 },
    );
  }
  return { member, lookingIn };
}

/**
 * A supervisor may not choose a status for someone with no live console (ROUTE-1 "Disconnected"): the
 * time until they sign in would count as that status in their figures. Their chosen status applies
 * when they sign in; appearing offline (`disconnected`) stays settable. The membership row is locked
 * as `endPresence` and the routing pass lock it, so a sign-out cannot slip in between.
 */
async function refuseSignedOut(tx: Tx, workspaceId: string, userId: string) {
  const [row] = await tx.db
    .select({
      name: users.name,
      live: sql<boolean>`coalesce(${memberships.lastActiveAt} > now() - make_interval(secs =>
        ${workspaces.disconnectGraceSeconds}), false)`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .for('update', { of: memberships });
  if (!row) throw notFound('member');
  if (!row.live) {
    throw new AppError(
      'conflict',
      `${row.name} is signed out: their status is set when they sign in`,
      'userId',
    );
  }
}

/**
 * An operator opens a console after having been disconnected: their chosen status applies again, so
 * the history and every console hear it (and queues drain towards them if they are Connected).
 */
export async function markReconnected(db: Db, workspaceId: string, userId: string) {
  const [member] = await db
    .select({
      status: memberships.status,
      lastActiveAt: memberships.lastActiveAt,
      grace: workspaces.disconnectGraceSeconds,
    })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  if (!member) return;
  const wasLive = member.lastActiveAt && member.lastActiveAt.getTime() > Date.now() - member.grace * 1000;
  if (wasLive) return;
  const since = new Date();
  await transaction(db, async (tx) => {
    // The effective status starts now (the members list shows "for 0m", not the time since the
    // choice), and it is live from this commit on: whoever reacts to the event (routing, the widgets'
    // availability) sees it.
    await tx.db
      .update(memberships)
      .set({ statusSince: since, lastActiveAt: since })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    await recordConnection(tx.db, {
      userId,
      workspaceId,
      kind: 'status_change',
      detail: member.status,
      changedBy: null,
      client: { ip: null, userAgent: null, browser: null, os: null },
    });
    await publish(tx, {
      workspaceId,
      name: 'operator.status_changed',
      payload: { userId, status: member.status, since: since.toISOString(), changedBy: null, signedIn: true },
    });
  });
}

/**
 * An operator's last socket on a node closed: if no node hears from them within the grace period
 * they are disconnected, and `routing.presence-check` sends their conversations back to routing.
 */
export async function schedulePresenceCheck(db: Db, workspaceId: string, userId: string) {
  const [row] = await db
    .select({ grace: workspaces.disconnectGraceSeconds })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  await enqueue(
    db,
    'routing.presence-check',
    { workspaceId, userId },
    { delayMs: ((row?.grace ?? 45) + 1) * 1000 },
  );
}

const nobody = { ip: null, userAgent: null, browser: null, os: null };

/** The last status change the connection history holds for a member (to record a disconnection once). */
export async function lastRecordedStatus(db: Queryable, workspaceId: string, userId: string) {
  const [row] = await db
    .select({ status: connectionHistory.detail })
    .from(connectionHistory)
    .where(
      and(
        eq(connectionHistory.workspaceId, workspaceId),
        eq(connectionHistory.userId, userId),
        eq(connectionHistory.kind, 'status_change'),
      ),
    )
    .orderBy(desc(connectionHistory.at))
    .limit(1);
  return row?.status ?? null;
}

/**
 * Records and announces that a member is disconnected, once. The disconnection happened when a node
 * last heard from them (`last_active_at`, refreshed by every node's heartbeats): for a node that died
 * that is its last heartbeat, whoever notices (ROUTE-1, SPEC §3 "status time is exact"); never before
 * the status it ends began, never after now.
 */
export async function recordDisconnection(tx: Tx, workspaceId: string, userId: string) {
  // The membership row lock serialises the nodes and jobs that notice the same disconnection.
  const [heard] = await tx.db
    .select({
      lastActiveAt: memberships.lastActiveAt,
      lastChange: sql<string | null>`(SELECT max(h.created_at) FROM connection_history h
        WHERE h.workspace_id = ${workspaceId} AND h.user_id = ${userId} AND h.kind = 'status_change')`,
    })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
    .for('update');
  if ((await lastRecordedStatus(tx.db, workspaceId, userId)) === 'disconnected') return;
  const nowMs = Date.now();
  const lastHeard = heard?.lastActiveAt?.getTime() ?? nowMs;
  const floor = heard?.lastChange ? new Date(heard.lastChange).getTime() : 0;
  const since = new Date(Math.min(nowMs, Math.max(lastHeard, floor)));
  await tx.db
    .update(memberships)
    .set({ statusSince: since })
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  await recordConnection(tx.db, {
    userId,
    workspaceId,
    kind: 'status_change',
    detail: 'disconnected',
    changedBy: null,
    client: nobody,
    at: since,
  });
  await publish(tx, {
    workspaceId,
    name: 'operator.status_changed',
    payload: { userId, status: 'disconnected', since: since.toISOString(), changedBy: null, signedIn: false },
  });
}

/**
 * A session ended (log out, password reset, expiry). In every workspace where the user is present and
 * no other session of theirs is live (a console in another browser), they are disconnected at once:
 * liveness cleared, the disconnection recorded and announced (which also closes the ended session's
 * sockets on every node), and `routing.release` re-routes their conversations right after the commit.
 * Where another session is live, presence lasts while it does (the usual presence check).
 */
export async function endPresence(tx: Tx, input: { userId: string }) {
  const grace = sql`make_interval(secs => ${workspaces.disconnectGraceSeconds})`;
  const rows = await tx.db
    .select({
      workspaceId: memberships.workspaceId,
      grace: workspaces.disconnectGraceSeconds,
      live: sql<boolean>`coalesce(${memberships.lastActiveAt} > now() - ${grace}, false)`,
      otherSession: sql<boolean>`EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = ${memberships.userId}
        AND s.expires_at > now() AND s.last_seen_at > now() - ${grace})`,
    })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, input.userId))
    .orderBy(memberships.workspaceId)
    .for('update', { of: memberships });
  for (const row of rows) {
    if (!row.live) continue;
    if (row.otherSession) {
      await enqueue(
        tx.db,
        'routing.presence-check',
        { workspaceId: row.workspaceId, userId: input.userId },
        { delayMs: (row.grace + 1) * 1000 },
      );
      continue;
    }
    await tx.db
      .update(memberships)
      .set({ lastActiveAt: null })
      .where(and(eq(memberships.workspaceId, row.workspaceId), eq(memberships.userId, input.userId)));
    await recordDisconnection(tx, row.workspaceId, input.userId);
    await enqueue(tx.db, 'routing.release', { workspaceId: row.workspaceId, userId: input.userId });
    tx.afterCommit(wakeWorkers);
  }
}

/**
 * Members still counted as present whom no node has heard from for well over the grace period: their
 * node died (a node that shuts down closes its sockets, which schedules the check itself). Every node
 * looks; the presence check records the disconnection once, at the last heartbeat, and re-routes.
 */
export async function noticeDeadNodes(db: Db): Promise<number> {
  const { rows } = await db.execute<{ workspace_id: string; user_id: string }>(sql`
    SELECT m.workspace_id, m.user_id FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
    WHERE m.last_active_at IS NOT NULL
      -- 30 s beyond the grace period: heartbeats late under load never release a live operator.
      AND m.last_active_at < now() - make_interval(secs => w.disconnect_grace_seconds + 30)
      AND coalesce((SELECT h.detail FROM connection_history h
        WHERE h.workspace_id = m.workspace_id AND h.user_id = m.user_id AND h.kind = 'status_change'
        ORDER BY h.created_at DESC LIMIT 1), 'disconnected') <> 'disconnected'`);
  for (const row of rows) {
    await enqueue(db, 'routing.presence-check', { workspaceId: row.workspace_id, userId: row.user_id });
  }
  if (rows.length > 0) wakeWorkers();
  return rows.length;
}

export function startPresenceSweep(
  db: Db,
  logger: { warn(obj: unknown, msg: string): void },
  everyMs = 10_000,
): { stop(): void } {
  const timer = setInterval(() => {
    noticeDeadNodes(db).catch((err) => logger.warn({ err }, 'presence sweep'));
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
