import type { Message, Transcript } from '@parley/contracts';
import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { messages, workspaces } from '../../platform/db/schema.ts';
import { assertCanView } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import { presentMessage } from '../messages/presenter.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import { presentTranscriptEntries } from './presenter.ts';

/** A conversation's transcript as its customer saw it; private messages are not even read. */
export async function loadTranscript(
  db: Queryable,
  input: { secret: string; actor: OperatorPrincipal; conversationId: string },
): Promise<Transcript & { timezone: string }> {
  const { actor } = input;
  const conversation = await loadConversation(db, actor.workspaceId, input.conversationId);
  assertCanView(actor, conversation);
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, actor.workspaceId),
        eq(messages.conversationId, conversation.id),
        eq(messages.private, false),
      ),
    )
    .orderBy(asc(messages.seq), asc(messages.createdAt), asc(messages.id));
  const [workspace] = await db
    .select({ name: workspaces.name, timezone: workspaces.timezone })
    .from(workspaces)
    .where(eq(workspaces.id, actor.workspaceId));
  const presented: Message[] = rows.map((m) => presentMessage(input.secret, m));
  return {
    conversationId: conversation.id,
    number: conversation.number,
    workspaceName: workspace?.name ?? '',
    timezone: workspace?.timezone ?? 'UTC',
    contactName: conversation.contact.name,
    contactEmail: conversation.contact.email,
    createdAt: conversation.createdAt,
    closedAt: conversation.closedAt,
    entries: presentTranscriptEntries(presented),
  };
}
