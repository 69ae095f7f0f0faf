import type { ChannelKind, Conversation } from '@parley/contracts';
import { eq, sql } from 'drizzle-orm';
import { publish, publishLater } from '../../events/publish.ts';
import { conversations, workspaces } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { recordReopen, setAssignee } from '../metrics/facts.ts';
import { lockReceiver } from '../routing/engine.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { assertCanView } from './policy.ts';
import { loadConversation } from './queries.ts';

/** Opens a conversation for a contact and announces it. */
export async function createConversation(
  tx: Tx,
  input: {
    workspaceId: string;
    contactId: string;
    visitorId: string | null;
    channel: ChannelKind;
    offline?: boolean;
  },
): Promise<Conversation> {
  const now = new Date();
  // The number from the workspace's own sequence (migration 0018): no lock on the workspace row, so
  // first messages of one workspace do not wait for each other's transactions.
  const [workspace] = await tx.db
    .select({
      number: sql<number>`next_conversation_number(${workspaces.id})`,
      defaultTeamId: workspaces.defaultTeamId,
    })
    .from(workspaces)
    .where(eq(workspaces.id, input.workspaceId));
  if (!workspace) throw new Error(`createConversation: workspace ${input.workspaceId} does not exist`);
  const [row] = await tx.db
    .insert(conversations)
    .values({
      workspaceId: input.workspaceId,
      number: Number(workspace.number),
      channel: input.channel,
      contactId: input.contactId,
      visitorId: input.visitorId,
      // New conversations go to the workspace's default team, whose rule routes them (ROUTE-3).
      teamId: workspace.defaultTeamId,
      offline: input.offline ?? false,
      // Stamped here, not by the database, so every clock of SPEC §3 reads one time source.
      createdAt: now,
      cycleStartedAt: now,
      lastActivityAt: now,
    })
    .returning({ id: conversations.id });
  const conversation = await loadConversation(tx.db, input.workspaceId, row!.id);
  // Published with the transaction's next event (its first message), or just before it commits.
  publishLater(tx, {
    workspaceId: input.workspaceId,
    name: 'conversation.created',
    payload: { conversation },
    conversationId: conversation.id,
  });
  return conversation;
}

/** Publishes the change of a conversation (its one `conversation.updated` event) and returns it. */
export async function announce(
  tx: Tx,
  actor: OperatorPrincipal,
  conversationId: string,
  change: 'assigned' | 'closed' | 'reopened',
  previousAssigneeId: string | null,
) {
  const conversation = await loadConversation(tx.db, actor.workspaceId, conversationId);
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'conversation.updated',
    payload: { conversation, change, actorId: actor.userId, previousAssigneeId },
    conversationId,
  });
  return conversation;
}

/**
 * Assigns to a member of the workspace (or unassigns). Operators may take unassigned work or hand
 * their own on; moving someone else's conversation needs `transfer_any`.
 */
export async function assignConversation(
  tx: Tx,
  input: { actor: OperatorPrincipal; conversationId: string; assigneeId: string | null },
): Promise<Conversation> {
  const { actor } = input;
  const current = await loadConversation(tx.db, actor.workspaceId, input.conversationId, { forUpdate: true });
  assertCanView(actor, current);
  if (current.assigneeId === input.assigneeId) return current;
  if (current.assigneeId !== null && current.assigneeId !== actor.userId) authorize(actor, 'transfer_any');
  if (input.assigneeId !== null) {
    // Only someone who can receive it now (ROUTE-4); taking one yourself needs only free capacity.
    const receiver = await lockReceiver(tx, {
      workspaceId: actor.workspaceId,
      userId: input.assigneeId,
      teamId: current.teamId,
      anyStatus: input.assigneeId === actor.userId,
    });
    if (!receiver)
      throw new AppError('validation_failed', 'assigneeId: not a member of this workspace', 'assigneeId');
    if (!receiver.canReceive && current.status === 'open')
      throw new AppError('conflict', `${receiver.name} cannot receive conversations right now`, 'assigneeId');
  }
  const toSelf = input.assigneeId === actor.userId;
  await setAssignee(tx.db, {
    workspaceId: actor.workspaceId,
    conversationId: current.id,
    userId: input.assigneeId,
    // Taking one from the queue is a pick; taking a colleague's is a take-over; giving it is a transfer.
    how: toSelf ? (current.assigneeId === null ? 'pick' : 'takeover') : 'transfer',
    endReason: input.assigneeId === null ? 'unassign' : toSelf ? 'takeover' : 'transfer',
  });
  return announce(tx, actor, current.id, 'assigned', current.assigneeId);
}

export async function reopenConversation(
  tx: Tx,
  input: { actor: OperatorPrincipal; conversationId: string },
) {
  const current = await loadConversation(tx.db, input.actor.workspaceId, input.conversationId, {
    forUpdate: true,
  });
  assertCanView(input.actor, current);
  if (current.status === 'open') return current;
  await tx.db
    .update(conversations)
    .set({ status: 'open', closedAt: null })
    .where(eq(conversations.id, current.id));
  if (current.status === 'closed') {
    await recordReopen(tx.db, {
      workspaceId: input.actor.workspaceId,
      conversationId: current.id,
      assigneeId: current.assigneeId,
    });
  }
  return announce(tx, input.actor, current.id, 'reopened', current.assigneeId);
}
