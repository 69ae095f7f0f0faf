import type { BusinessHours } from '@parley/contracts';
import { and, eq, gt, isNotNull, isNull, notInArray, or, sql } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { Db } from '../../platform/db/client.ts';
import {
  type AssignmentHow,
  conversations,
  memberships,
  teamMembers,
  teams,
  users,
} from '../../platform/db/schema.ts';
import { type Tx, transaction } from '../../platform/db/tx.ts';
import { loadConversation } from '../conversations/queries.ts';
import { setAssignee } from '../metrics/facts.ts';
import { isOpen } from './business-hours.ts';
import { activeCount, announceQueue, priorityRank } from './queue.ts';
import { type Candidate, rankCandidates } from './strategies.ts';

export { activeCount, priorityRank };

export type TeamRow = typeof teams.$inferSelect;

/**
 * The member's console is live: seen within their workspace's grace period, read in the same
 * statement (no round trip for the setting).
 */
export const live = gt(
  memberships.lastActiveAt,
  sql`now() - make_interval(secs => (SELECT w.disconnect_grace_seconds FROM workspaces w WHERE w.id = ${memberships.workspaceId}))`,
);

/** Operators of the team who may take a conversation now: Connected, with a live console, in the team. */
async function candidates(tx: Tx, team: TeamRow, exclude: string[]): Promise<Candidate[]> {
  const rows = await tx.db
    .select({
      userId: memberships.userId,
      capacity: sql<number>`coalesce(${team.capacity}::int, ${memberships.capacity})`,
      active: activeCount,
      lastAssignedAt: teamMembers.lastAssignedAt,
    })
    .from(teamMembers)
    .innerJoin(
      memberships,
      and(eq(memberships.userId, teamMembers.userId), eq(memberships.workspaceId, teamMembers.workspaceId)),
    )
    .where(
      and(
        eq(teamMembers.teamId, team.id),
        eq(memberships.status, 'connected'),
        live,
        exclude.length > 0 ? notInArray(memberships.userId, exclude) : undefined,
      ),
    );
  return rows.map((r) => ({ ...r, capacity: Number(r.capacity), active: Number(r.active) }));
}

/**
 * Hands the conversation to the best candidate who still qualifies once their membership row is
 * locked: the lock serialises every assignment to that operator (from any team, on any node) and
 * every status change, so capacity and status are checked against the truth, not a snapshot.
 */
async function assignBest(
  tx: Tx,
  team: TeamRow,
  conversationId: string,
  workspaceId: string,
  exclude: string[],
  how: AssignmentHow,
): Promise<string | null> {
  for (const candidate of rankCandidates(team.rule, await candidates(tx, team, exclude))) {
    const [member] = await tx.db
      .select({ status: memberships.status, capacity: memberships.capacity })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, candidate.userId), live))
      .for('update');
    if (member?.status !== 'connected') continue;
    const [load] = await tx.db
      .select({ active: activeCount })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, candidate.userId)));
    if (Number(load?.active ?? 0) >= (team.capacity ?? member.capacity)) continue;
    const now = new Date();
    await setAssignee(tx.db, {
      workspaceId,
      conversationId,
      userId: candidate.userId,
      teamId: team.id,
      how,
      endReason: 'reroute',
      at: now,
    });
    await tx.db
      .update(teamMembers)
      .set({ lastAssignedAt: now })
      .where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.userId, candidate.userId)));
    const conversation = await loadConversation(tx.db, workspaceId, conversationId);
    await publish(tx, {
      workspaceId,
      name: 'conversation.updated',
      payload: { conversation, change: 'assigned', actorId: null, previousAssigneeId: null },
      conversationId,
    });
    if (team.rerouteAfterSeconds) {
      await enqueue(
        tx.db,
        'routing.reroute',
        { workspaceId, conversationId, assigneeId: candidate.userId, assignedAt: now.toISOString() },
        { delayMs: team.rerouteAfterSeconds * 1000 },
      );
    }
    return candidate.userId;
  }
  return null;
}

/**
 * Locks the member's row (as the router does, so assignments to them serialise) and says whether they
 * can take one more conversation now: Connected with a live console (unless `anyStatus`, for someone
 * taking a conversation themself) and under capacity — the team's for its members, else their own.
 */
export async function lockReceiver(
  tx: Tx,
  input: { workspaceId: string; userId: string; teamId: string | null; anyStatus?: boolean },
): Promise<{ name: string; canReceive: boolean } | null> {
  const [member] = await tx.db
    .select({
      status: memberships.status,
      capacity: memberships.capacity,
      live: sql<boolean>`coalesce(${live}, false)`,
      name: users.name,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)))
    .for('update', { of: memberships });
  if (!member) return null;
  const [load] = await tx.db
    .select({ active: activeCount })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)));
  let capacity = member.capacity;
  if (input.teamId) {
    const [team] = await tx.db
      .select({ capacity: teams.capacity })
      .from(teams)
      .innerJoin(teamMembers, eq(teamMembers.teamId, teams.id))
      .where(and(eq(teams.id, input.teamId), eq(teamMembers.userId, input.userId)));
    capacity = team?.capacity ?? capacity;
  }
  const available = input.anyStatus || (member.status === 'connected' && member.live);
  return { name: member.name, canReceive: available && Number(load?.active ?? 0) < capacity };
}

export async function lockTeam(tx: Tx, teamId: string): Promise<TeamRow | null> {
  await tx.db.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${teamId}))`);
  const [team] = await tx.db.select().from(teams).where(eq(teams.id, teamId));
  return team ?? null;
}

export type RouteOutcome = 'assigned' | 'queued' | 'out_of_hours' | 'skipped';

/**
 * Routes one unassigned open conversation of a team (ROUTE-2, -3, -6): outside business hours it is
 * flagged to recover later; otherwise it enters the queue (keeping an earlier place) and goes to the
 * best eligible operator if there is one.
 */
export async function routeConversation(
  db: Db,
  input: {
    workspaceId: string;
    conversationId: string;
    exclude?: string[];
    /** How the assignment that routing makes came about (metrics): a new arrival is automatic. */
    how?: AssignmentHow;
    /** A supervisor recovering a case routes it even outside the team's hours. */
    ignoreHours?: boolean;
  },
): Promise<RouteOutcome> {
  const outcome = await transaction(db, async (tx): Promise<RouteOutcome> => {
    const current = await loadConversation(tx.db, input.workspaceId, input.conversationId, {
      forUpdate: true,
    });
    if (current.status !== 'open' || current.assigneeId !== null || !current.teamId) return 'skipped';
    const team = await lockTeam(tx, current.teamId);
    if (!team) return 'skipped';
    if (!input.ignoreHours && !isOpen(team.businessHours as BusinessHours | null)) {
      // A case to recover (MON-5) that keeps its place: the drain routes it once the team opens.
      await tx.db
        .update(conversations)
        .set({ outOfHours: true, queuedAt: current.queuedAt ? new Date(current.queuedAt) : new Date() })
        .where(eq(conversations.id, current.id));
      await announceQueued(tx, input.workspaceId, current.id);
      return 'out_of_hours';
    }
    if (!current.queuedAt || current.outOfHours) {
      await tx.db
        .update(conversations)
        .set({ queuedAt: current.queuedAt ? new Date(current.queuedAt) : new Date(), outOfHours: false })
        .where(eq(conversations.id, current.id));
    }
    const exclude = [...(input.exclude ?? []), ...excludedFor(current)];
    const assignee = await assignBest(
      tx,
      team,
      current.id,
      input.workspaceId,
      exclude,
      input.how ?? 'automatic',
    );
    if (assignee) return 'assigned';
    if (!current.queuedAt || current.outOfHours) await announceQueued(tx, input.workspaceId, current.id);
    return 'queued';
  });
  if (outcome !== 'skipped') await announceQueue(db, input.workspaceId);
  return outcome;
}

async function announceQueued(tx: Tx, workspaceId: string, conversationId: string) {
  const conversation = await loadConversation(tx.db, workspaceId, conversationId);
  await publish(tx, {
    workspaceId,
    name: 'conversation.updated',
    payload: { conversation, change: 'queued', actorId: null, previousAssigneeId: null },
    conversationId,
  });
}

/** Waiting for a team: unassigned, open, and either queued or flagged out of hours. */
export const waitingForTeam = and(
  eq(conversations.status, 'open'),
  isNull(conversations.assigneeId),
  or(isNotNull(conversations.queuedAt), eq(conversations.outOfHours, true)),
);

/**
 * The team is open: what arrived while it was closed joins the queue in its arrival order (ROUTE-6:
 * cases to recover are routed, not stranded). Returns them, to announce.
 */
export async function releaseOutOfHours(tx: Tx, teamId: string): Promise<string[]> {
  const released = await tx.db
    .update(conversations)
    .set({
      outOfHours: false,
      queuedAt: sql`coalesce(${conversations.queuedAt}, ${conversations.createdAt})`,
    })
    .where(
      and(
        eq(conversations.teamId, teamId),
        eq(conversations.status, 'open'),
        isNull(conversations.assigneeId),
        eq(conversations.outOfHours, true),
      ),
    )
    .returning({ id: conversations.id });
  return released.map((r) => r.id);
}

/**
 * Who must not get this conversation back from the queue: whoever handed it to the team, and the
 * operator it was taken from (a supervisor moving an operator's conversations away, OPS-2).
 */
export function excludedFor(row: { lastTransfer: unknown }): string[] {
  const transfer = row.lastTransfer as {
    byUserId?: string;
    fromUserId?: string | null;
    toUserId?: string | null;
  } | null;
  if (!transfer?.byUserId || transfer.toUserId) return [];
  return transfer.fromUserId && transfer.fromUserId !== transfer.byUserId
    ? [transfer.byUserId, transfer.fromUserId]
    : [transfer.byUserId];
}
