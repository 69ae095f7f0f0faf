import type { Conversation, TransferTargets } from '@parley/contracts';
import { and, eq, sql } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import type { Db, Queryable } from '../../platform/db/client.ts';
import { conversations, memberships, teamMembers, transfers } from '../../platform/db/schema.ts';
import { type Tx, transaction } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { assertCanView } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import { recordAction, setAssignee } from '../metrics/facts.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { routeConversation } from './engine.ts';
import { listOperators } from './queue.ts';
import { getTeam, listTeams } from './teams.ts';

const capacityIn = (
  o: { userId: string; capacity: number },
  team?: { memberIds: string[]; capacity: number | null },
) => (team?.capacity != null && team.memberIds.includes(o.userId) ? team.capacity : o.capacity);

/** OI-6: who could take this conversation right now; the console offers a transfer only if someone can. */
export async function transferTargets(
  db: Queryable,
  actor: OperatorPrincipal,
  conversationId: string,
): Promise<TransferTargets> {
  const conversation = await loadConversation(db, actor.workspaceId, conversationId);
  assertCanView(actor, conversation);
  const [operators, teams] = await Promise.all([
    listOperators(db, actor.workspaceId),
    listTeams(db, actor.workspaceId),
  ]);
  const current = teams.find((t) => t.id === conversation.teamId);
  // Within a team, the team's capacity applies; elsewhere the operator's own.
  const canReceive = (o: (typeof operators)[number], team: (typeof teams)[number] | undefined) =>
    o.status === 'connected' && o.active < capacityIn(o, team);
  return {
    operators: operators
      .filter((o) => o.userId !== conversation.assigneeId && canReceive(o, current))
      .map((o) => ({
        ...o,
        teams: teams.filter((t) => o.teamIds.includes(t.id)).map((t) => ({ id: t.id, name: t.name })),
      })),
    // A conversation handed to a team never comes back to whoever handed it on.
    teams: teams.map((t) => ({
      id: t.id,
      name: t.name,
      available: operators.filter(
        (o) =>
          t.memberIds.includes(o.userId) &&
          o.userId !== actor.userId &&
          o.userId !== conversation.assigneeId &&
          canReceive(o, t),
      ).length,
    })),
  };
}

/**
 * OI-6 / ADM-5: hands the conversation to an operator who can receive it now (optionally into one of
 * their teams), or to a team whose rule then picks the operator. The receiver sees who transferred
 * it and the message; every transfer stays in the history.
 */
export async function transferConversation(
  tx: Tx,
  input: {
    actor: OperatorPrincipal;
    conversationId: string;
    toUserId?: string;
    toTeamId?: string;
    message?: string;
  },
): Promise<Conversation> {
  const { actor } = input;
  const current = await loadConversation(tx.db, actor.workspaceId, input.conversationId, { forUpdate: true });
  assertCanView(actor, current);
  if (current.assigneeId !== null && current.assigneeId !== actor.userId) authorize(actor, 'transfer_any');
  const team = input.toTeamId ? await getTeam(tx.db, actor.workspaceId, input.toTeamId) : null;
  const now = new Date();
  const lastTransfer = {
    byUserId: actor.userId,
    byName: actor.name,
    fromUserId: current.assigneeId,
    toUserId: input.toUserId ?? null,
    toTeamId: input.toTeamId ?? null,
    message: input.message || null,
    at: now.toISOString(),
  };
  if (input.toUserId) {
    // The target's membership row is locked as the router locks it, so their load is read after any
    // concurrent assignment or transfer to them has committed (ROUTE-4: never over capacity).
    await tx.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, actor.workspaceId), eq(memberships.userId, input.toUserId)))
      .for('update');
    const target = (await listOperators(tx.db, actor.workspaceId)).find((o) => o.userId === input.toUserId);
    if (!target)
      throw new AppError('validation_failed', 'toUserId: not a member of this workspace', 'toUserId');
    if (team && !team.memberIds.includes(target.userId)) {
      throw new AppError('validation_failed', `toTeamId: ${target.name} is not in ${team.name}`, 'toTeamId');
    }
    const conversationTeam = current.teamId
      ? await getTeam(tx.db, actor.workspaceId, current.teamId)
      : undefined;
    const capacity = capacityIn(target, team ?? conversationTeam);
    if (target.status !== 'connected' || target.active >= capacity || target.userId === current.assigneeId) {
      throw new AppError('conflict', `${target.name} cannot receive conversations right now`, 'toUserId');
    }
    await tx.db
      .update(conversations)
      .set({ teamId: team?.id ?? current.teamId, lastTransfer })
      .where(eq(conversations.id, current.id));
    await setAssignee(tx.db, {
      workspaceId: actor.workspaceId,
      conversationId: current.id,
      userId: target.userId,
      how: 'transfer',
      endReason: 'transfer',
      at: now,
    });
    if (team) {
      await tx.db
        .update(teamMembers)
        .set({ lastAssignedAt: now })
        .where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.userId, target.userId)));
    }
  } else if (team) {
    await tx.db
      .update(conversations)
      .set({
        teamId: team.id,
        outOfHours: false,
        queuedAt: sql`coalesce(${conversations.queuedAt}, ${now.toISOString()}::timestamptz)`,
        lastTransfer,
      })
      .where(eq(conversations.id, current.id));
    await setAssignee(tx.db, {
      workspaceId: actor.workspaceId,
      conversationId: current.id,
      userId: null,
      how: 'transfer',
      endReason: 'transfer',
      at: now,
    });
  }
  await recordAction(tx.db, { conversationId: current.id, at: now, transfer: true });
  await tx.db.insert(transfers).values({
    workspaceId: actor.workspaceId,
    conversationId: current.id,
    fromUserId: current.assigneeId,
    toUserId: input.toUserId ?? null,
    toTeamId: input.toTeamId ?? null,
    byUserId: actor.userId,
    message: input.message || null,
    at: now,
  });
  const conversation = await loadConversation(tx.db, actor.workspaceId, current.id);
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'conversation.updated',
    payload: {
      conversation,
      change: 'transferred',
      actorId: actor.userId,
      previousAssigneeId: current.assigneeId,
    },
    conversationId: current.id,
  });
  return conversation;
}

/**
 * A transfer, then, for one to a team, the team's rule at once: the answer says who got it, or that it
 * waits in the queue because nobody else can take it now (the sender is never picked).
 */
export async function transferAndRoute(
  db: Db,
  input: Parameters<typeof transferConversation>[1],
): Promise<Conversation> {
  const transferred = await transaction(db, (tx) => transferConversation(tx, input));
  if (transferred.assigneeId || !transferred.teamId) return transferred;
  await routeConversation(db, {
    workspaceId: input.actor.workspaceId,
    conversationId: transferred.id,
    how: 'transfer',
  });
  return loadConversation(db, input.actor.workspaceId, transferred.id);
}
