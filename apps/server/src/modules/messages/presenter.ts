import type { Message, MessageActivity, WidgetMessage } from '@parley/contracts';
import type { messages } from '../../platform/db/schema.ts';
import { presentAttachment } from '../attachments/links.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';

type MessageRow = typeof messages.$inferSelect;

/** An activity note's text in English, for the API and webhooks; the console words it for its reader. */
export const activityTexts: Record<MessageActivity, (name: string) => string> = {
  closed: (name) => `Closed by ${name}`,
};

export function presentMessage(secret: string, m: MessageRow): Message {
  return {
    id: m.id,
    seq: m.seq,
    conversationId: m.conversationId,
    clientId: m.clientId,
    authorKind: m.authorKind,
    authorId: m.authorId,
    authorName: m.authorName,
    impersonatedBy: m.impersonatorId ? { id: m.impersonatorId, name: m.impersonatorName ?? '' } : null,
    text: m.text,
    private: m.private,
    whisper: m.whisper,
    activity: m.activity,
    attachments: m.attachments.map((a) => presentAttachment(secret, a)),
    createdAt: m.createdAt.toISOString(),
    readAt: m.readAt?.toISOString() ?? null,
  };
}

/**
 * What the customer sees: never a private note (null), never an operator's id or surname.
 * Used by the widget routes and the realtime fan-out alike.
 */
export function presentMessageForVisitor(m: Message): WidgetMessage | null {
  if (m.private) return null;
  return {
    id: m.id,
    seq: m.seq,
    clientId: m.authorKind === 'contact' ? m.clientId : null,
    authorKind: m.authorKind,
    authorName: m.authorKind === 'operator' ? (m.authorName?.split(' ')[0] ?? null) : m.authorName,
    text: m.text,
    attachments: m.attachments,
    createdAt: m.createdAt,
    readAt: m.readAt,
  };
}

/** An operator's message; while impersonating (OPS-4) it carries who really sent it. */
export function operatorAuthor(p: OperatorPrincipal) {
  return {
    kind: 'operator' as const,
    id: p.userId,
    name: p.name,
    impersonator: p.impersonatorId ? { id: p.impersonatorId, name: p.impersonatorName ?? '' } : null,
  };
}

/** Message text is stored as typed, minus control characters; clients render it as text, never HTML. */
export function sanitizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/(?![\n\t])\p{Cc}/gu, '')
    .replace(/\n{4,}/g, '\n\n\n')
    .trim();
}
