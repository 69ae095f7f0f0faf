import type { AuthorKind, Conversation, Message, MessageActivity } from '@parley/contracts';
import { and, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { publishLater } from '../../events/publish.ts';
import {
  attachments,
  contacts,
  conversations,
  messages,
  visitors,
  workspaces,
} from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { customerCountry } from '../contacts/country.ts';
import { createConversation } from '../conversations/commands.ts';
import { assertCanView } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import { setAssignee } from '../metrics/facts.ts';
import { recordMessages } from '../metrics/message-clocks.ts';
import { lockReceiver } from '../routing/engine.ts';
import { availability } from '../widget/queries.ts';
import { authorize, type OperatorPrincipal, type VisitorPrincipal } from '../workspaces/policy.ts';
import { activityTexts, operatorAuthor, presentMessage, sanitizeText } from './presenter.ts';

/** Thrown inside the transaction when the client id was already stored: the caller returns that message. */
export class DuplicateMessage extends Error {
  constructor(readonly clientId: string) {
    super(`message ${clientId} already stored`);
  }
}

interface Append {
  secret: string;
  workspaceId: string;
  conversation: Conversation;
  clientId: string | null;
  author: {
    kind: AuthorKind;
    id: string | null;
    name: string | null;
    /** OPS-4: the colleague who really sent it while impersonating the author. */
    impersonator?: { id: string; name: string } | null;
  };
  text: string;
  private: boolean;
  /** A supervisor's whisper (OI-4): always private. */
  whisper?: boolean;
  /** What an operator did, for a system note (`postActivityNote`). */
  activity?: MessageActivity;
  attachmentIds: string[];
  uploader: string;
}

/** Stores a message, attaches its uploads, moves the conversation's clocks and publishes it. */
async function appendMessage(tx: Tx, input: Append): Promise<Message> {
  const { conversation, workspaceId } = input;
  const text = sanitizeText(input.text);
  let files: { id: string; name: string; contentType: string; size: number }[] = [];
  if (input.attachmentIds.length > 0) {
    files = await tx.db
      .select({
        id: attachments.id,
        name: attachments.name,
        contentType: attachments.contentType,
        size: attachments.size,
      })
      .from(attachments)
      .where(
        and(
          eq(attachments.workspaceId, workspaceId),
          inArray(attachments.id, input.attachmentIds),
          eq(attachments.uploadedBy, input.uploader),
          isNull(attachments.messageId),
        ),
      );
    if (files.length !== new Set(input.attachmentIds).size) {
      throw new AppError(
        'validation_failed',
        'attachmentIds: unknown or already used attachment',
        'attachmentIds',
      );
    }
  }
  if (!text && files.length === 0)
    throw new AppError('validation_failed', 'text: a message needs text', 'text');
  const [row] = await tx.db
    .insert(messages)
    .values({
      workspaceId,
      conversationId: conversation.id,
      clientId: input.clientId,
      authorKind: input.author.kind,
      authorId: input.author.id,
      authorName: input.author.name,
      impersonatorId: input.author.impersonator?.id ?? null,
      impersonatorName: input.author.impersonator?.name ?? null,
      text,
      private: input.private || input.whisper === true,
      whisper: input.whisper === true,
      activity: input.activity ?? null,
      attachments: files,
      createdAt: new Date(),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new DuplicateMessage(input.clientId ?? '');
  if (files.length > 0) {
    await tx.db
      .update(attachments)
      .set({ messageId: row.id })
      .where(inArray(attachments.id, input.attachmentIds));
  }
  const now = row.createdAt;
  const fromOperator = input.author.kind === 'operator' && !input.private;
  if (fromOperator && conversation.status === 'open' && conversation.assigneeId === null && input.author.id) {
    // An operator who answers an unassigned conversation takes it at that moment (SPEC §3).
    await setAssignee(tx.db, {
      workspaceId,
      conversationId: conversation.id,
      userId: input.author.id,
      how: 'reply',
      endReason: 'unassign',
      at: now,
    });
    publishLater(tx, {
      workspaceId,
      name: 'conversation.updated',
      payload: {
        conversation: await loadConversation(tx.db, workspaceId, conversation.id),
        change: 'assigned',
        actorId: input.author.id,
        previousAssigneeId: null,
      },
      conversationId: conversation.id,
    });
  }
  await recordMessages(tx.db, [row]);
  const preview = text || files.map((f) => f.name).join(', ');
  const fromCustomer = input.author.kind === 'contact';
  await tx.db
    .update(conversations)
    .set(
      input.private
        ? { lastActivityAt: now }
        : {
            lastActivityAt: now,
            lastMessageText: preview.slice(0, 200),
            lastMessageAuthor: input.author.kind,
            ...(fromCustomer
              ? { lastCustomerMessageAt: now, unreadCount: sql`${conversations.unreadCount} + 1` }
              : {
                  lastOperatorMessageAt: now,
                  firstOperatorReplyAt: sql`coalesce(${conversations.firstOperatorReplyAt}, ${now.toISOString()}::timestamptz)`,
                }),
          },
    )
    .where(eq(conversations.id, conversation.id));
  const after = await loadConversation(tx.db, workspaceId, conversation.id);
  const message = presentMessage(input.secret, row);
  // Published at the end of the transaction (the workspace row is locked only then); the message takes
  // its event's sequence — its place in history is its place live — in the statement that writes the
  // event, and the message returned learns it there, before the transaction commits.
  publishLater(tx, {
    workspaceId,
    name: 'message.created',
    payload: { message: { ...message }, conversation: after },
    conversationId: conversation.id,
    messageId: row.id,
    numbered: (event) => {
      message.seq = event.seq;
    },
  });
  return message;
}

export async function sendOperatorMessage(
  tx: Tx,
  input: {
    secret: string;
    actor: OperatorPrincipal;
    conversationId: string;
    clientId: string;
    text: string;
    private: boolean;
    whisper?: boolean;
    attachmentIds: string[];
  },
): Promise<Message> {
  const conversation = await loadConversation(tx.db, input.actor.workspaceId, input.conversationId, {
    forUpdate: true,
  });
  assertCanView(input.actor, conversation);
  if (input.whisper) authorize(input.actor, 'monitor');
  return appendMessage(tx, {
    secret: input.secret,
    workspaceId: input.actor.workspaceId,
    conversation,
    clientId: input.clientId,
    author: operatorAuthor(input.actor),
    text: input.text,
    private: input.private || input.whisper === true,
    whisper: input.whisper,
    attachmentIds: input.attachmentIds,
    uploader: `user:${input.actor.userId}`,
  });
}

/** A system message the customer sees (a hand-over, OI-4), written in the caller's transaction. */
export async function postSystemMessage(
  tx: Tx,
  input: { secret: string; workspaceId: string; conversationId: string; text: string },
): Promise<Message> {
  const conversation = await loadConversation(tx.db, input.workspaceId, input.conversationId);
  return appendMessage(tx, {
    secret: input.secret,
    workspaceId: input.workspaceId,
    conversation,
    clientId: null,
    author: { kind: 'system', id: null, name: null },
    text: input.text,
    private: false,
    attachmentIds: [],
    uploader: 'system',
  });
}

/**
 * A private note in the timeline recording what an operator did (who closed it): the operator is its
 * author, its `activity` names what they did so the console words it in the reader's language; the
 * text is the English wording, for the API and webhooks.
 */
export async function postActivityNote(
  tx: Tx,
  input: { secret: string; actor: OperatorPrincipal; conversationId: string; activity: MessageActivity },
): Promise<Message> {
  const { actor } = input;
  const conversation = await loadConversation(tx.db, actor.workspaceId, input.conversationId);
  const author = operatorAuthor(actor);
  return appendMessage(tx, {
    secret: input.secret,
    workspaceId: actor.workspaceId,
    conversation,
    clientId: null,
    activity: input.activity,
    author: { ...author, kind: 'system' },
    text: activityTexts[input.activity](actor.name),
    private: true,
    attachmentIds: [],
    uploader: 'system',
  });
}

/** The visitor's contact, created the first time they write, fill a form or are identified. */
export async function ensureContact(
  tx: Tx,
  visitor: VisitorPrincipal,
  fields: { name?: string | null; email?: string | null } = {},
) {
  const [row] = await tx.db
    .select({ contactId: visitors.contactId, locale: visitors.locale })
    .from(visitors)
    .where(eq(visitors.id, visitor.visitorId))
    .for('update');
  if (!row) throw notFound('visitor');
  if (row.contactId) return row.contactId;
  const [contact] = await tx.db
    .insert(contacts)
    .values({
      workspaceId: visitor.workspaceId,
      name: fields.name ?? null,
      email: fields.email ?? null,
      // Until a phone number says otherwise, the country of the visitor's language (ADM-3).
      country: customerCountry(null, row.locale),
    })
    .returning({ id: contacts.id });
  await tx.db.update(visitors).set({ contactId: contact!.id }).where(eq(visitors.id, visitor.visitorId));
  return contact!.id;
}

/** The visitor's open conversation, or the one their message starts. A snoozed one wakes up. */
async function conversationForVisitor(
  tx: Tx,
  visitor: VisitorPrincipal,
  contactId: string,
): Promise<Conversation> {
  const [latest] = await tx.db
    .select({ id: conversations.id, status: conversations.status })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, visitor.workspaceId),
        eq(conversations.contactId, contactId),
        eq(conversations.channel, 'web'),
        ne(conversations.status, 'closed'),
      ),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  if (!latest) {
    // Written while nobody could answer: a case to recover (MON-5), routed once someone can take it.
    const [workspace] = await tx.db.select().from(workspaces).where(eq(workspaces.id, visitor.workspaceId));
    return createConversation(tx, {
      workspaceId: visitor.workspaceId,
      contactId,
      visitorId: visitor.visitorId,
      channel: 'web',
      offline: workspace ? !(await availability(tx.db, workspace)).online : false,
    });
  }
  if (latest.status === 'snoozed') {
    // Waking up is an arrival: it stays with its operator only if they can take it now; otherwise it
    // is unassigned and the routing subscriber routes it (ROUTE-3, -5).
    const before = await loadConversation(tx.db, visitor.workspaceId, latest.id, { forUpdate: true });
    const keeper = before.assigneeId
      ? await lockReceiver(tx, {
          workspaceId: visitor.workspaceId,
          userId: before.assigneeId,
          teamId: before.teamId,
        })
      : null;
    const release = before.assigneeId !== null && !keeper?.canReceive;
    await tx.db.update(conversations).set({ status: 'open' }).where(eq(conversations.id, latest.id));
    if (release) {
      await setAssignee(tx.db, {
        workspaceId: visitor.workspaceId,
        conversationId: latest.id,
        userId: null,
        how: 'reroute',
        endReason: 'reroute',
      });
    }
    const conversation = await loadConversation(tx.db, visitor.workspaceId, latest.id);
    publishLater(tx, {
      workspaceId: visitor.workspaceId,
      name: 'conversation.updated',
      payload: {
        conversation,
        change: 'reopened',
        actorId: null,
        previousAssigneeId: before.assigneeId,
      },
      conversationId: latest.id,
    });
    return conversation;
  }
  return loadConversation(tx.db, visitor.workspaceId, latest.id, { forUpdate: true });
}

export async function sendVisitorMessage(
  tx: Tx,
  input: {
    secret: string;
    visitor: VisitorPrincipal;
    clientId: string;
    text: string;
    attachmentIds: string[];
  },
): Promise<Message> {
  const contactId = await ensureContact(tx, input.visitor);
  const [contact] = await tx.db
    .select({ name: contacts.name })
    .from(contacts)
    .where(eq(contacts.id, contactId));
  const conversation = await conversationForVisitor(tx, input.visitor, contactId);
  return appendMessage(tx, {
    secret: input.secret,
    workspaceId: input.visitor.workspaceId,
    conversation,
    clientId: input.clientId,
    author: { kind: 'contact', id: contactId, name: contact?.name ?? null },
    text: input.text,
    private: false,
    attachmentIds: input.attachmentIds,
    uploader: `visitor:${input.visitor.visitorId}`,
  });
}

/** The offline form: nobody can answer now, so the message opens a conversation flagged to recover later. */
export async function leaveOfflineMessage(
  tx: Tx,
  input: {
    secret: string;
    visitor: VisitorPrincipal;
    name: string;
    email: string;
    message: string;
    clientId: string;
  },
): Promise<Message> {
  const contactId = await ensureContact(tx, input.visitor);
  await tx.db
    .update(contacts)
    .set({ name: input.name, email: input.email.toLowerCase() })
    .where(eq(contacts.id, contactId));
  const conversation = await createConversation(tx, {
    workspaceId: input.visitor.workspaceId,
    contactId,
    visitorId: input.visitor.visitorId,
    channel: 'web',
    offline: true,
  });
  return appendMessage(tx, {
    secret: input.secret,
    workspaceId: input.visitor.workspaceId,
    conversation,
    clientId: input.clientId,
    author: { kind: 'contact', id: contactId, name: input.name },
    text: input.message,
    private: false,
    attachmentIds: [],
    uploader: `visitor:${input.visitor.visitorId}`,
  });
}
