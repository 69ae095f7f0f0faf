import { publish } from '../../events/publish.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { invalid } from '../../platform/errors.ts';
import type { Mailer } from '../../platform/mailer.ts';
import { loadConversation } from '../conversations/queries.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import { type TranscriptLocale, transcriptMail } from './presenter.ts';
import { loadTranscript } from './queries.ts';

/**
 * OI-7: e-mails the customer's transcript to their address or one the operator typed. The event is
 * published in the transaction; the mail goes out before it commits, so a refused delivery (SMTP
 * down) leaves no "sent" event behind.
 */
export async function emailTranscript(
  tx: Tx,
  input: {
    secret: string;
    mailer: Mailer;
    actor: OperatorPrincipal;
    conversationId: string;
    recipient?: string;
    locale: TranscriptLocale;
  },
): Promise<{ to: string }> {
  const transcript = await loadTranscript(tx.db, input);
  const to = input.recipient ?? transcript.contactEmail;
  if (!to) throw invalid('recipient', 'the customer has no e-mail address: type one');
  const mail = transcriptMail(transcript, input.locale, transcript.timezone);
  const conversation = await loadConversation(tx.db, input.actor.workspaceId, transcript.conversationId);
  await publish(tx, {
    workspaceId: input.actor.workspaceId,
    name: 'transcript.sent',
    payload: { conversationId: conversation.id, to, byUserId: input.actor.userId, conversation },
  });
  await input.mailer.send({ to, ...mail });
  return { to };
}
