import type { Rating } from '@parley/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import { conversations } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, invalid } from '../../platform/errors.ts';
import { loadToolSettings } from '../conversation-tools/settings.ts';
import { assertCanView } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import type { VisitorPrincipal } from '../workspaces/policy.ts';

/** CSAT: the customer rates a closed conversation of theirs, 1 to 5, once. */
export async function rateConversation(
  tx: Tx,
  input: { visitor: VisitorPrincipal; conversationId: string; rating: number; comment?: string },
): Promise<Rating> {
  const { visitor } = input;
  const settings = await loadToolSettings(tx.db, visitor.workspaceId);
  if (!settings.csatEnabled) throw new AppError('conflict', 'this workspace does not ask for ratings');
  const comment = input.comment?.trim() || null;
  if (comment && !settings.csatComment) throw invalid('comment', 'this workspace does not take comments');
  const conversation = await loadConversation(tx.db, visitor.workspaceId, input.conversationId, {
    forUpdate: true,
  });
  assertCanView(visitor, conversation);
  if (conversation.status !== 'closed')
    throw new AppError('conflict', 'a conversation is rated once it is closed', 'conversationId');
  const ratedAt = new Date();
  const [updated] = await tx.db
    .update(conversations)
    .set({ rating: input.rating, ratingComment: comment, ratedAt })
    .where(and(eq(conversations.id, conversation.id), isNull(conversations.ratedAt)))
    .returning({ id: conversations.id });
  if (!updated) throw new AppError('conflict', 'this conversation was already rated', 'conversationId');
  const rating: Rating = {
    conversationId: conversation.id,
    rating: input.rating,
    comment,
    ratedAt: ratedAt.toISOString(),
  };
  await publish(tx, {
    workspaceId: visitor.workspaceId,
    name: 'conversation.rated',
    payload: { rating, conversation },
  });
  return rating;
}
