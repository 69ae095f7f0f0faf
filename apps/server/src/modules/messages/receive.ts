import type { Message } from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import { visitors } from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { assertCanView } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import type { OperatorPrincipal, VisitorPrincipal } from '../workspaces/policy.ts';
import { sendOperatorMessage, sendVisitorMessage } from './commands.ts';
import { sendOnce } from './idempotency.ts';
import { operatorAuthor } from './presenter.ts';

/** A message as any source hands it in: the widget over HTTP or its socket, the console, later channels. */
export type IncomingMessage =
  | {
      from: VisitorPrincipal;
      clientId: string;
      text: string;
      attachmentIds: string[];
    }
  | {
      from: OperatorPrincipal;
      conversationId: string;
      clientId: string;
      text: string;
      private: boolean;
      /** OI-4: a supervisor's whisper to the assigned operator (always the full path). */
      whisper?: boolean;
      attachmentIds: string[];
    };

type Ctx = Pick<AppContext, 'db' | 'secret' | 'writer' | 'shared'>;

/**
 * The one entry of every message, whatever carried it: stored at most once per client id (a resend
 * returns the stored message). A plain text message is written by the batched writer — to an open
 * conversation, or, a visitor's, to the conversation the batch finds or starts for them (a first
 * message). The rest takes one full transaction: files are attached, a snoozed conversation is woken
 * (a visitor's share a transaction with others' under load, `ctx.shared`), an operator's reply to an
 * unassigned conversation takes it. The writer checks "still open" again inside its batch, so a close
 * in between sends the message down the full path instead, which reopens and routes.
 */
export function receiveMessage(ctx: Ctx, input: IncomingMessage): Promise<Message> {
  return input.from.kind === 'visitor'
    ? fromVisitor(ctx, { ...input, from: input.from })
    : fromOperator(ctx, input as Extract<IncomingMessage, { from: OperatorPrincipal }>);
}

function fromVisitor(ctx: Ctx, input: Extract<IncomingMessage, { from: VisitorPrincipal }>) {
  const visitor = input.from;
  const { clientId, text, attachmentIds } = input;
  return sendOnce(
    ctx,
    { workspaceId: visitor.workspaceId, clientId, owns: ownedBy(ctx, visitor) },
    async () => {
      const full = () =>
        ctx.shared.run(visitor.visitorId, (tx) =>
          sendVisitorMessage(tx, { secret: ctx.secret, visitor, clientId, text, attachmentIds }),
        );
      if (attachmentIds.length > 0) return full();
      return ctx.writer.write(
        {
          workspaceId: visitor.workspaceId,
          // The visitor's open conversation, remembered by the writer from their last message; else
          // the batch finds it, or starts one (a first message), or sends the message down the full
          // path (a snoozed conversation to wake).
          conversationId: ctx.writer.openConversationOf(visitor.visitorId),
          clientId,
          // Id and name are the conversation's contact's, read in the batch.
          author: { kind: 'contact', id: null, name: null },
          text,
          private: false,
          visitorId: visitor.visitorId,
        },
        full,
      );
    },
  );
}

function fromOperator(ctx: Ctx, input: Extract<IncomingMessage, { from: OperatorPrincipal }>) {
  const principal = input.from;
  // A resend is the same operator's message in the same conversation; a client id reused for another
  // conversation is a conflict, never the first conversation's message answered as if sent here.
  const owns = (m: Message) =>
    m.authorKind === 'operator' &&
    m.authorId === principal.userId &&
    m.conversationId === input.conversationId;
  return sendOnce(ctx, { workspaceId: principal.workspaceId, clientId: input.clientId, owns }, async () => {
    const conversation = await loadConversation(ctx.db, principal.workspaceId, input.conversationId);
    assertCanView(principal, conversation);
    // Attachments, a whisper (it checks `monitor`), and a reply that takes an unassigned conversation,
    // need the full transaction.
    const takes = !input.private && conversation.status === 'open' && !conversation.assigneeId;
    if (input.attachmentIds.length > 0 || takes || input.whisper) {
      return transaction(ctx.db, (tx) =>
        sendOperatorMessage(tx, {
          secret: ctx.secret,
          actor: principal,
          conversationId: input.conversationId,
          clientId: input.clientId,
          text: input.text,
          private: input.private,
          whisper: input.whisper,
          attachmentIds: input.attachmentIds,
        }),
      );
    }
    return ctx.writer.write({
      workspaceId: principal.workspaceId,
      conversationId: conversation.id,
      clientId: input.clientId,
      author: operatorAuthor(principal),
      text: input.text,
      private: input.private,
    });
  });
}

/** A stored message is this visitor's if their contact (which their first message may have created) wrote it. */
const ownedBy = (ctx: Ctx, visitor: VisitorPrincipal) => async (message: Message) => {
  if (message.authorKind !== 'contact') return false;
  const [row] = await ctx.db
    .select({ contactId: visitors.contactId })
    .from(visitors)
    .where(eq(visitors.id, visitor.visitorId));
  return row?.contactId != null && row.contactId === message.authorId;
};
