import { eq } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import type { Db } from '../../platform/db/client.ts';
import { conversations } from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { loadConversation } from '../conversations/queries.ts';
import { setAssignee } from '../metrics/facts.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { type RouteOutcome, routeConversation } from './engine.ts';

/**
 * MON-5: a supervisor recovers a case left without follow-up (out of hours, left by the offline form,
 * with an unavailable or silent operator): it becomes active again and goes through routing, even
 * outside its team's hours; the assignment it gets is recorded as a recovery.
 */
export async function recoverConversation(
  db: Db,
  input: { actor: OperatorPrincipal; conversationId: string },
): Promise<RouteOutcome> {
  authorize(input.actor, 'monitor');
  const { workspaceId } = input.actor;
  const previous = await transaction(db, async (tx) => {
    const current = await loadConversation(tx.db, workspaceId, input.conversationId, { forUpdate: true });
    if (current.status !== 'open') {
      throw new AppError(
        'conflict',
        'conversation: only an open conversation can be recovered',
        'conversationId',
      );
    }
    if (!current.teamId) {
      throw new AppError('conflict', 'conversation: it has no team to route it to', 'conversationId');
    }
    await tx.db
      .update(conversations)
      .set({ outOfHours: false, offline: false })
      .where(eq(conversations.id, current.id));
    if (current.assigneeId) {
      await setAssignee(tx.db, {
        workspaceId,
        conversationId: current.id,
        userId: null,
        how: 'recover',
        endReason: 'reroute',
      });
    }
    await publish(tx, {
      workspaceId,
      name: 'conversation.updated',
      payload: {
        conversation: await loadConversation(tx.db, workspaceId, current.id),
        change: 'queued',
        actorId: input.actor.userId,
        previousAssigneeId: current.assigneeId,
      },
      conversationId: current.id,
    });
    return current.assigneeId;
  });
  return routeConversation(db, {
    workspaceId,
    conversationId: input.conversationId,
    exclude: previous ? [previous] : [],
    how: 'recover',
    ignoreHours: true,
  });
}
