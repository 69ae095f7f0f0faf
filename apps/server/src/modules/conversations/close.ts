import { eq } from 'drizzle-orm';
import { conversations } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { postActivityNote } from '../messages/commands.ts';
import { recordClose } from '../metrics/facts.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import { announce } from './commands.ts';
import { assertCanView } from './policy.ts';
import { loadConversation } from './queries.ts';

/**
 * Closes a conversation the actor can see (a teammate's too). Its history keeps who closed it: a
 * private activity note in the timeline, written in the same transaction, for every close.
 * (Its own file: the note is a message, and the message commands import the conversation commands.)
 */
export async function closeConversation(
  tx: Tx,
  input: { secret: string; actor: OperatorPrincipal; conversationId: string },
) {
  const current = await loadConversation(tx.db, input.actor.workspaceId, input.conversationId, {
    forUpdate: true,
  });
  assertCanView(input.actor, current);
  if (current.status === 'closed') return current;
  const now = new Date();
  await tx.db
    .update(conversations)
    .set({ status: 'closed', closedAt: now })
    .where(eq(conversations.id, current.id));
  await recordClose(tx.db, { conversationId: current.id, closedById: input.actor.userId, at: now });
  await postActivityNote(tx, {
    secret: input.secret,
    actor: input.actor,
    conversationId: current.id,
    activity: 'closed',
  });
  return announce(tx, input.actor, current.id, 'closed', current.assigneeId);
}
