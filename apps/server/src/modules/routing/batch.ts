import type { BusinessHours } from '@parley/contracts';
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { publishMany } from '../../events/publish.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { Db } from '../../platform/db/client.ts';
import { conversations, memberships, teamMembers } from '../../platform/db/schema.ts';
import { type Tx, transaction } from '../../platform/db/tx.ts';
import { loadConversations } from '../conversations/queries.ts';
import { setAssignees } from '../metrics/facts.ts';
import { isOpen } from './business-hours.ts';
import { excludedFor, live, lockTeam, releaseOutOfHours, type TeamRow, waitingForTeam } from './engine.ts';
import { announceQueue, priorityRank } from './queue.ts';
import { type Candidate, planAssignments } from './strategies.ts';

/**
 * Routing in batches per team (issue 11): one transaction takes the team's lock once, admits the new
 * arrivals and assigns up to `routingBatch` queued conversations; calls for a team whose drain runs
 * on this node join it. Single conversations that must be routed on their own (transfers, reopened,
 * woken, re-routed, recovered) go through `routeConversation` in engine.ts.
 */

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

/** What a routing batch reads of a queued conversation or an arrival: enough to order and plan it. */
const queueFields = {
  id: conversations.id,
  lastTransfer: conversations.lastTransfer,
  rank: sql<number>`${priorityRank}`.mapWith(Number),
  queuedAt: conversations.queuedAt,
  createdAt: conversations.createdAt,
};

/** The queue's order (ROUTE-2), as `priorityRank, queued_at, created_at, id` sorts it in SQL. */
function inQueueOrder(
  a: { rank: number; queuedAt: Date | null; createdAt: Date; id: string },
  b: typeof a,
): number {
  const time = (d: Date | null) => d?.getTime() ?? Number.POSITIVE_INFINITY;
  return (
    a.rank - b.rank ||
    time(a.queuedAt) - time(b.queuedAt) ||
    a.createdAt.getTime() - b.createdAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * Arrivals a drain on this node admitted (committed): their own `conversation.created` events, which
 * the routing subscriber hears one by one after the drain, then need no read to know there is nothing
 * left to do. Only a hint — a conversation not found here is looked up.
 */
const admittedHere = new Set<string>();

function seen(tx: Tx, ids: readonly string[]) {
  if (ids.length === 0) return;
  tx.afterCommit(() => {
    if (admittedHere.size > 50_000) admittedHere.clear();
    for (const id of ids) admittedHere.add(id);
  });
}

/**
 * Conversations one routing transaction admits and assigns at most; a longer queue, or a longer
 * burst of arrivals, takes several. Under a burst a batch's time goes mostly to its round trips,
 * each waiting behind the arrivals' own work, so fewer and larger batches finish sooner.
 */
export const routingBatch = 250;

/**
 * The team's operators who may take conversations now, their rows locked (in one order, so two
 * batches never wait on each other crosswise) and their loads counted after the locks: every
 * assignment to them and every status change waits for this transaction, so what it plans holds.
 */
async function lockCandidates(tx: Tx, team: TeamRow, workspaceId: string): Promise<Candidate[]> {
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
    .where(and(eq(teamMembers.teamId, team.id), eq(memberships.status, 'connected'), live))
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
 * One routing pass for a team, in one transaction holding the team's lock (ROUTE-2, -3, -6): up to
 * `limit` arrivals not yet seen, oldest first, join the queue (or, outside business hours, are
 * flagged to recover later); up to `limit` of the queue, arrivals included, by priority then arrival,
 * go to the team's operators as the strategy and capacities allow, all assignments and their events
 * committed together. An arrival assigned in the batch that took it gets its place in the queue in
 * the same row version as its assignment and is announced assigned only: taking no more arrivals than
 * a batch assigns spares a burst a "queued" event and a row version per conversation. Says how many
 * were assigned and whether the batch was full (more may wait, or more arrivals).
 */
async function routeBatch(
  tx: Tx,
  input: { workspaceId: string; teamId: string; limit: number },
): Promise<{ assigned: number; full: boolean }> {
  const { workspaceId } = input;
  const team = await lockTeam(tx, input.teamId);
  if (!team) return { assigned: 0, full: false };
  const now = new Date();
  // Up to `limit` arrivals, oldest first, that nobody else holds: one that is locked is routed by
  // its own job afterwards.
  const arrivals = () =>
    tx.db
      .select(queueFields)
      .from(conversations)
      .where(and(eq(conversations.teamId, team.id), unrouted))
      .orderBy(asc(conversations.createdAt), asc(conversations.id))
      .limit(input.limit)
      .for('update', { skipLocked: true });
  /** Arrivals that join the queue now (or, outside business hours, wait to be recovered). */
  const toQueue = async (ids: string[], outOfHours: boolean) => {
    if (ids.length === 0) return;
    await tx.db
      .update(conversations)
      .set({ queuedAt: now, outOfHours })
      .where(sql`${conversations.id} = ANY(${sql.param(ids)}::uuid[])`);
  };
  if (!isOpen(team.businessHours as BusinessHours | null)) {
    // Cases to recover (MON-5) that keep their place: a drain routes them once the team opens.
    const flagged = (await arrivals()).map((a) => a.id);
    await toQueue(flagged, true);
    seen(tx, flagged);
    await announce(tx, workspaceId, flagged, []);
    return { assigned: 0, full: flagged.length === input.limit };
  }
  const released = await releaseOutOfHours(tx, team.id);
  // The arrivals are locked here and written below with what happens to them: one assigned now
  // gets its place in the queue in the same row version as its assignment.
  const waiting = await arrivals();
  seen(
    tx,
    waiting.map((w) => w.id),
  );
  let plan: { conversationId: string; userId: string; at: Date }[] = [];
  let taken = 0;
  if (team.rule !== 'manual') {
    const queued = await tx.db
      .select(queueFields)
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
    // The arrivals join the queue now: the first `limit` of both, in the queue's order.
    const line = [...queued, ...waiting.map((w) => ({ ...w, queuedAt: now }))]
      .sort(inQueueOrder)
      .slice(0, input.limit);
    taken = line.length;
    if (line.length > 0) {
      const candidates = await lockCandidates(tx, team, workspaceId);
      // Each assignment of the batch a later round-robin turn than the one before it.
      plan = planAssignments(
        team.rule,
        candidates,
        line.map((row) => ({ id: row.id, exclude: excludedFor(row) })),
        (i) => new Date(now.getTime() + i),
      );
    }
  }
  const assigned = new Set(plan.map((p) => p.conversationId));
  const arrived = new Set(waiting.map((w) => w.id));
  const admitted = waiting.filter((w) => !assigned.has(w.id)).map((w) => w.id);
  await toQueue(admitted, false);
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
        queuedAt: arrived.has(p.conversationId) ? now : undefined,
      })),
    );
    // The turns move before publishing: the workspace row that publishing locks comes after every
    // other lock (team_members rows included), as in every other command, or two would deadlock.
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
  await announce(
    tx,
    workspaceId,
    [...released, ...admitted],
    plan.map((p) => p.conversationId),
  );
  return {
    assigned: plan.length,
    full: (plan.length > 0 && taken === input.limit) || waiting.length === input.limit,
  };
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
export function drainTeam(
  db: Db,
  input: { workspaceId: string; teamId: string; limit?: number },
): Promise<number> {
  const { workspaceId, teamId, limit = routingBatch } = input;
  let running = draining.get(db);
  if (!running) {
    running = new Map();
    draining.set(db, running);
  }
  const runs = running;
  const key = `${workspaceId}:${teamId}`;
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
          const batch = await transaction(db, (tx) => routeBatch(tx, { workspaceId, teamId, limit }));
          assigned += batch.assigned;
          if (!batch.full) break;
        }
      } while (run.again);
    } finally {
      runs.delete(key);
    }
    await announceQueue(db, workspaceId);
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
  if (admittedHere.delete(input.conversationId)) return 0;
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
