import type { BusinessHours } from '@parley/contracts';
import { and, asc, eq, gt, inArray, isNotNull, isNull, notInArray, or, sql } from 'drizzle-orm';
import { publish, publishMany } from '../../events/publish.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { Db, Queryable } from '../../platform/db/client.ts';
import {
  type AssignmentHow,
  conversations,
  memberships,
  teamMembers,
  teams,
  users,
  workspaces,
} from '../../platform/db/schema.ts';
import { type Tx, transaction } from '../../platform/db/tx.ts';
import { loadConversation, loadConversations } from '../conversations/queries.ts';
import { setAssignee, setAssignees } from '../metrics/facts.ts';
import { isOpen } from './business-hours.ts';
import { activeCount, announceQueue, priorityRank } from './queue.ts';
import { type Candidate, planAssignments, rankCandidates } from './strategies.ts';

export { activeCount, priorityRank };

type TeamRow = typeof teams.$inferSelect;

const live = (graceSeconds: number) =>
  gt(memberships.lastActiveAt, sql`now() - make_interval(secs => ${graceSeconds})`);

async function graceOf(db: Queryable, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ grace: workspaces.disconnectGraceSeconds })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  return row?.grace ?? 45;
}

/** Operators of the team who may take a conversation now: Connected, with a live console, in the team. */
async function candidates(tx: Tx, team: TeamRow, grace: number, exclude: string[]): Promise<Candidate[]> {
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
        live(grace),
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
  const grace = await graceOf(tx.db, workspaceId);
  for (const candidate of rankCandidates(team.rule, await candidates(tx, team, grace, exclude))) {
    const [member] = await tx.db
      .select({ status: memberships.status, capacity: memberships.capacity })
      .from(memberships)
      .where(
        and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, candidate.userId), live(grace)),
      )
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
  const grace = await graceOf(tx.db, input.workspaceId);
  const [member] = await tx.db
    .select({
      status: memberships.status,
      capacity: memberships.capacity,
      live: sql<boolean>`coalesce(${memberships.lastActiveAt} > now() - make_interval(secs => ${grace}), false)`,
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

async function lockTeam(tx: Tx, teamId: string): Promise<TeamRow | null> {
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
async function releaseOutOfHours(tx: Tx, teamId: string): Promise<string[]> {
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
function excludedFor(row: { lastTransfer: unknown }): string[] {
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

/**
 * A first arrival the router has not seen yet: open, nobody's, for this team, never queued, never
 * assigned (a conversation that was assigned and lost its operator is routed by its own path, which
 * knows whom to avoid).
 */
const unrouted = and(
  eq(conversations.status, 'open'),
  isNull(conversations.assigneeId),
  isNull(conversations.queuedAt),
  eq(conversations.outOfHours, false),
  isNull(conversations.firstAssignedAt),
);

/** Conversations one routing transaction takes at most; a longer queue takes several. */
export const routingBatch = 100;

/**
 * The team's operators who may take conversations now, their rows locked (in one order, so two
 * batches never wait on each other crosswise) and their loads counted after the locks: every
 * assignment to them and every status change waits for this transaction, so what it plans holds.
 */
async function lockCandidates(tx: Tx, team: TeamRow, workspaceId: string): Promise<Candidate[]> {
  const grace = await graceOf(tx.db, workspaceId);
  const members = await tx.db
    .select({
      userId: memberships.userId,
      capacity: sql<number>`coalesce(${team.capacity}::int, ${memberships.capacity})`,
      lastAssignedAt: teamMembers.lastAssignedAt,
    })
    .from(teamMembers)
    .innerJoin(
      memberships,
      and(eq(memberships.userId, teamMembers.userId), eq(memberships.workspaceId, teamMembers.workspaceId)),
    )
    .where(and(eq(teamMembers.teamId, team.id), eq(memberships.status, 'connected'), live(grace)))
    .orderBy(asc(memberships.userId))
    .for('update', { of: memberships });
  if (members.length === 0) return [];
  const loads = await tx.db
    .select({ userId: conversations.assigneeId, n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        inArray(
          conversations.assigneeId,
          members.map((m) => m.userId),
        ),
        eq(conversations.status, 'open'),
      ),
    )
    .groupBy(conversations.assigneeId);
  const load = new Map(loads.map((l) => [l.userId, Number(l.n)]));
  return members.map((m) => ({ ...m, capacity: Number(m.capacity), active: load.get(m.userId) ?? 0 }));
}

/**
 * One routing pass for a team, in one transaction holding the team's lock (ROUTE-2, -3, -6): the
 * arrivals not yet seen join the queue (or, outside business hours, are flagged to recover later);
 * then up to `limit` queued conversations, by priority then arrival, go to the team's operators as
 * the strategy and capacities allow, all assignments and their events committed together. Says how
 * many were assigned and whether the batch was full (more may wait).
 */
async function routeBatch(
  tx: Tx,
  input: { workspaceId: string; teamId: string; limit: number },
): Promise<{ assigned: number; full: boolean }> {
  const { workspaceId } = input;
  const team = await lockTeam(tx, input.teamId);
  if (!team) return { assigned: 0, full: false };
  const now = new Date();
  // Only arrivals nobody else holds: one that is locked is routed by its own job afterwards.
  const arrivals = (set: { queuedAt: Date; outOfHours: boolean }) =>
    tx.db
      .update(conversations)
      .set(set)
      .where(
        inArray(
          conversations.id,
          tx.db
            .select({ id: conversations.id })
            .from(conversations)
            .where(and(eq(conversations.teamId, team.id), unrouted))
            .for('update', { skipLocked: true }),
        ),
      )
      .returning({ id: conversations.id });
  if (!isOpen(team.businessHours as BusinessHours | null)) {
    // Cases to recover (MON-5) that keep their place: a drain routes them once the team opens.
    const flagged = await arrivals({ queuedAt: now, outOfHours: true });
    await announce(
      tx,
      workspaceId,
      flagged.map((f) => f.id),
      [],
    );
    return { assigned: 0, full: false };
  }
  const released = await releaseOutOfHours(tx, team.id);
  const admitted = (await arrivals({ queuedAt: now, outOfHours: false })).map((a) => a.id);
  let plan: { conversationId: string; userId: string; at: Date }[] = [];
  let taken = 0;
  if (team.rule !== 'manual') {
    const queue = await tx.db
      .select({ id: conversations.id, lastTransfer: conversations.lastTransfer })
      .from(conversations)
      .where(
        and(
          eq(conversations.teamId, team.id),
          eq(conversations.status, 'open'),
          isNull(conversations.assigneeId),
          isNotNull(conversations.queuedAt),
          eq(conversations.outOfHours, false),
        ),
      )
      .orderBy(priorityRank, asc(conversations.queuedAt), asc(conversations.createdAt), asc(conversations.id))
      .limit(input.limit)
      .for('update', { skipLocked: true });
    taken = queue.length;
    if (queue.length > 0) {
      const candidates = await lockCandidates(tx, team, workspaceId);
      // Each assignment of the batch a later round-robin turn than the one before it.
      plan = planAssignments(
        team.rule,
        candidates,
        queue.map((row) => ({ id: row.id, exclude: excludedFor(row) })),
        (i) => new Date(now.getTime() + i),
      );
    }
  }
  if (plan.length > 0) {
    await setAssignees(
      tx.db,
      workspaceId,
      plan.map((p) => ({
        conversationId: p.conversationId,
        userId: p.userId,
        teamId: team.id,
        how: 'automatic' as const,
        endReason: 'reroute' as const,
        at: now,
      })),
    );
    const turns = new Map(plan.map((p) => [p.userId, p.at.toISOString()]));
    await tx.db.execute(sql`
      UPDATE team_members tm SET last_assigned_at = v.at
      FROM unnest(${sql.param([...turns.keys()])}::uuid[], ${sql.param([...turns.values()])}::timestamptz[]) AS v(user_id, at)
      WHERE tm.team_id = ${team.id} AND tm.user_id = v.user_id`);
    if (team.rerouteAfterSeconds) {
      for (const p of plan) {
        await enqueue(
          tx.db,
          'routing.reroute',
          {
            workspaceId,
            conversationId: p.conversationId,
            assigneeId: p.userId,
            assignedAt: now.toISOString(),
          },
          { delayMs: team.rerouteAfterSeconds * 1000 },
        );
      }
    }
  }
  // An arrival assigned at once is only announced assigned; a released case is queued, then assigned.
  const assigned = new Set(plan.map((p) => p.conversationId));
  await announce(
    tx,
    workspaceId,
    [...released, ...admitted.filter((id) => !assigned.has(id))],
    plan.map((p) => p.conversationId),
  );
  return { assigned: plan.length, full: plan.length > 0 && taken === input.limit };
}

/** Publishes, in one go, the conversations that joined the queue and then those assigned by the router. */
async function announce(tx: Tx, workspaceId: string, queued: string[], assigned: string[]) {
  if (queued.length + assigned.length === 0) return;
  const loaded = new Map(
    (await loadConversations(tx.db, workspaceId, [...new Set([...queued, ...assigned])])).map((c) => [
      c.id,
      c,
    ]),
  );
  const event = (id: string, change: 'queued' | 'assigned') => {
    const conversation = loaded.get(id)!;
    return {
      workspaceId,
      name: 'conversation.updated' as const,
      payload: { conversation, change, actorId: null, previousAssigneeId: null },
      conversationId: id,
    };
  };
  await publishMany(tx, [
    ...queued.map((id) => event(id, 'queued')),
    ...assigned.map((id) => event(id, 'assigned')),
  ]);
}

/**
 * Routes the team's queue (ROUTE-3: it drains as soon as capacity frees), a batch of up to
 * `routingBatch` conversations per transaction so a long queue never holds locks for long. A
 * conversation handed to the team by an operator never goes back to them, so it may wait while the
 * ones behind it are assigned. Returns how many were assigned.
 *
 * On one node, calls for a team while its drain runs join that drain and make it go round once
 * more, instead of each waiting for the team's lock in a transaction of its own (a burst of
 * arrivals or status changes would otherwise hold a database connection per waiting call): what
 * they were called for committed before they were, so the next round sees it.
 */
export function drainTeam(db: Db, input: { workspaceId: string; teamId: string }): Promise<number> {
  let running = draining.get(db);
  if (!running) {
    running = new Map();
    draining.set(db, running);
  }
  const runs = running;
  const key = `${input.workspaceId}:${input.teamId}`;
  const current = runs.get(key);
  if (current) {
    current.again = true;
    return current.done;
  }
  const run = { again: false, done: Promise.resolve(0) };
  run.done = (async () => {
    let assigned = 0;
    try {
      do {
        run.again = false;
        for (;;) {
          const batch = await transaction(db, (tx) => routeBatch(tx, { ...input, limit: routingBatch }));
          assigned += batch.assigned;
          if (!batch.full) break;
        }
      } while (run.again);
    } finally {
      runs.delete(key);
    }
    await announceQueue(db, input.workspaceId);
    return assigned;
  })();
  runs.set(key, run);
  return run.done;
}

const draining = new WeakMap<Db, Map<string, { again: boolean; done: Promise<number> }>>();

/**
 * A conversation arrived for a team (a first message): routed with every other arrival and queued
 * conversation of the team in one batch. A burst of arrivals makes a burst of these calls; the first
 * to get the team's lock routes what has arrived so far, and the others find theirs done and stop
 * without waiting for the lock.
 */
export async function routeArrival(
  db: Db,
  input: { workspaceId: string; conversationId: string },
): Promise<number> {
  const [row] = await db
    .select({ teamId: conversations.teamId })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, input.workspaceId),
        eq(conversations.id, input.conversationId),
        isNotNull(conversations.teamId),
        unrouted,
      ),
    );
  if (!row?.teamId) return 0;
  return drainTeam(db, { workspaceId: input.workspaceId, teamId: row.teamId });
}

/** Drains every team of the workspace that has someone waiting. */
export async function drainWorkspace(db: Db, workspaceId: string): Promise<number> {
  const waiting = await db
    .selectDistinct({ teamId: conversations.teamId })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), waitingForTeam));
  let assigned = 0;
  for (const { teamId } of waiting) {
    if (teamId) assigned += await drainTeam(db, { workspaceId, teamId });
  }
  return assigned;
}
