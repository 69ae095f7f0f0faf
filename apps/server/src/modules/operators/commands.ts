import type { TransferOperatorConversationsResult } from '@parley/contracts';
import type { Db } from '../../platform/db/client.ts';
import { transaction } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../audit/log.ts';
import { loadConversation } from '../conversations/queries.ts';
import { routeConversation } from '../routing/engine.ts';
import { getTeam } from '../routing/teams.ts';
import { transferConversation } from '../routing/transfer.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { findMembership, getMember } from '../workspaces/queries.ts';
import { openConversationsOf } from './queries.ts';

/**
 * OPS-2: moves an operator's conversations — all their open ones, or the ones chosen — to another
 * operator or to a team, one transfer each through the routing module's transfer command (same
 * checks: `transfer_any`, the receiver Connected and under capacity, re-checked under lock for every
 * conversation, so a receiver who fills up refuses the rest). A conversation handed to a team is
 * routed at once by the team's rule, never back to the operator it was taken from. Each conversation
 * answers for itself: one that cannot move says why, the others still move.
 */
export async function transferOperatorConversations(
  db: Db,
  input: {
    actor: OperatorPrincipal;
    userId: string;
    conversationIds?: string[];
    toUserId?: string;
    toTeamId?: string;
    message?: string;
  },
): Promise<TransferOperatorConversationsResult> {
  const { actor } = input;
  authorize(actor, 'operators.manage');
  authorize(actor, 'transfer_any');
  await getMember(db, actor.workspaceId, input.userId);
  if (input.toUserId === input.userId) {
    throw new AppError('validation_failed', 'toUserId: choose someone else than the operator', 'toUserId');
  }
  // The target is checked once for all, as the transfer command checks it: another workspace's team
  // or person is no target, whichever conversations are named (each transfer checks again under lock).
  if (input.toTeamId) await getTeam(db, actor.workspaceId, input.toTeamId);
  if (input.toUserId && !(await findMembership(db, actor.workspaceId, input.toUserId))) {
    throw new AppError('validation_failed', 'toUserId: not a member of this workspace', 'toUserId');
  }
  const open = await openConversationsOf(db, actor.workspaceId, input.userId);
  const ids = input.conversationIds ? [...new Set(input.conversationIds)] : open;
  const results: TransferOperatorConversationsResult['results'] = [];
  for (const conversationId of ids) {
    if (!open.includes(conversationId)) {
      results.push({
        conversationId,
        ok: false,
        assigneeId: null,
        error: 'not an open conversation of theirs',
      });
      continue;
    }
    try {
      const moved = await transaction(db, (tx) =>
        transferConversation(tx, {
          actor,
          conversationId,
          toUserId: input.toUserId,
          toTeamId: input.toTeamId,
          message: input.message,
        }),
      );
      let assigneeId = moved.assigneeId;
      if (!assigneeId && moved.teamId) {
        await routeConversation(db, {
          workspaceId: actor.workspaceId,
          conversationId,
          how: 'transfer',
          exclude: [input.userId],
        });
        assigneeId = (await loadConversation(db, actor.workspaceId, conversationId)).assigneeId;
      }
      results.push({ conversationId, ok: true, assigneeId, error: null });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // A refusal that holds for every conversation (a missing permission or target) is the answer.
      if (err.code === 'forbidden' || err.code === 'validation_failed') throw err;
      results.push({ conversationId, ok: false, assigneeId: null, error: err.message });
    }
  }
  // One entry for the whole move (each conversation's transfer is in its own transaction, so that one
  // receiver filling up does not undo the others; `transfers` keeps each of them too).
  await transaction(db, (tx) =>
    recordAudit(tx.db, actor, {
      action: 'operator.conversations_transferred',
      target: { type: 'user', id: input.userId },
      after: {
        toUserId: input.toUserId ?? null,
        toTeamId: input.toTeamId ?? null,
        moved: results.filter((r) => r.ok).map((r) => r.conversationId),
        refused: results.filter((r) => !r.ok).map((r) => r.conversationId),
      },
    }),
  );
  return { results };
}
