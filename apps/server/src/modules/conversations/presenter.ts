import type { Conversation, ConversationDetail } from '@parley/contracts';
import type { contacts, conversations, visitors } from '../../platform/db/schema.ts';
import { locationParts } from '../../platform/location.ts';

type ConversationRow = typeof conversations.$inferSelect;
type ContactRow = typeof contacts.$inferSelect;
type VisitorRow = typeof visitors.$inferSelect;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentConversation(
  c: ConversationRow,
  contact: Pick<ContactRow, 'id' | 'name' | 'email'>,
): Conversation {
  return {
    id: c.id,
    number: c.number,
    status: c.status,
    channel: c.channel,
    assigneeId: c.assigneeId,
    teamId: c.teamId,
    priority: c.priority,
    important: c.important,
    snoozedUntil: c.status === 'snoozed' ? iso(c.snoozedUntil) : null,
    contact: { id: contact.id, name: contact.name, email: contact.email },
    visitorId: c.visitorId,
    offline: c.offline,
    outOfHours: c.outOfHours,
    queuedAt: iso(c.queuedAt),
    lastTransfer: c.lastTransfer ?? null,
    createdAt: c.createdAt.toISOString(),
    firstAssignedAt: iso(c.firstAssignedAt),
    firstOperatorReplyAt: iso(c.firstOperatorReplyAt),
    lastCustomerMessageAt: iso(c.lastCustomerMessageAt),
    lastOperatorMessageAt: iso(c.lastOperatorMessageAt),
    // The metrics clock of the customer's unanswered burst: only an operator's public reply ends it.
    waitingSince: iso(c.burstStartedAt),
    closedAt: iso(c.closedAt),
    lastMessage:
      c.lastMessageText !== null && c.lastMessageAuthor
        ? {
            text: c.lastMessageText,
            authorKind: c.lastMessageAuthor,
            createdAt: c.lastActivityAt.toISOString(),
          }
        : null,
    unreadCount: c.unreadCount,
  };
}

export function presentConversationDetail(
  c: ConversationRow,
  contact: ContactRow,
  visitor: VisitorRow | null,
): ConversationDetail {
  return {
    ...presentConversation(c, contact),
    contact: {
      id: contact.id,
      name: contact.name,
      email: contact.email,
      externalId: contact.externalId,
      phone: contact.phone,
      attributes: contact.attributes,
      createdAt: contact.createdAt.toISOString(),
    },
    visitor: visitor && {
      id: visitor.id,
      currentUrl: visitor.currentUrl,
      currentTitle: visitor.currentTitle,
      referrer: visitor.referrer,
      browser: visitor.browser,
      os: visitor.os,
      ip: visitor.ip,
      location: visitor.location,
      ...locationParts(visitor.location, visitor.locale),
      locale: visitor.locale,
      lastSeenAt: visitor.lastSeenAt.toISOString(),
    },
  };
}

/** The customer's view of a conversation: its id and status, nothing about who works on it. */
export const presentConversationForVisitor = (c: Pick<Conversation, 'id' | 'status'>) => ({
  id: c.id,
  status: c.status,
});
