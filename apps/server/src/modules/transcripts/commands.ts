import { publish } from '../../events/publish.ts';
import type { Db } from '../../platform/db/client.ts';
import { transaction } from '../../platform/db/tx.ts';
import { invalid } from '../../platform/errors.ts';
import type { Mailer } from '../../platform/mailer.ts';
import { loadConversation } from '../conversations/queries.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import { type TranscriptLocale, transcriptMail } from './presenter.ts';
import { loadTranscript } from './queries.ts';

/**
 * OI-7: e-mails the customer's transcript to their address or one the operator typed, then records
 * it (the `transcript.sent` event), so a refused delivery (SMTP down) leaves no "sent" behind. The mail
 * goes out with no transaction open: a slow or hung mail server must hold no connection and no lock
 * (publishing locks the workspace's event counter; PGlite runs one transaction at a time).
 */
export async function emailTranscript(
  db: Db,
  input: {
    secret: string;
    mailer: Mailer;
    actor: OperatorPrincipal;
    conversationId: string;
    recipient?: string;
    locale: TranscriptLocale;
  },
): Promise<{ to: string }> {
  const transcript = await loadTranscript(db, input);
  const to = input.recipient ?? transcript.contactEmail;
  if (!to) throw invalid('recipient', 'the customer has no e-mail address: type one');
  const mail = transcriptMail(transcript, input.locale, transcript.timezone);
  await input.mailer.send({ to, ...mail });
  await transaction(db, async (tx) => {
    const conversation = await loadConversation(tx.db, input.actor.workspaceId, transcript.conversationId);
    await publish(tx, {
      workspaceId: input.actor.workspaceId,
      name: 'transcript.sent',
      payload: { conversationId: conversation.id, to, byUserId: input.actor.userId, conversation },
    });
  });
  return { to };
}
