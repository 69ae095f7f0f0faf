import type { Conversation } from '@parley/contracts';

/** Minute `minute` past noon on 1 January 2024, for ordering things in tests. */
export const at = (minute: number) => new Date(Date.UTC(2024, 0, 1, 12, minute)).toISOString();

/** An open, unassigned web conversation for tests; `patch` sets what the test is about. */
export function testConversation(id: string, patch: Partial<Conversation> = {}): Conversation {
  return {
    id,
    number: 1,
    status: 'open',
    channel: 'web',
    assigneeId: null,
    teamId: null,
    priority: 'none',
    important: false,
    snoozedUntil: null,
    contact: { id: `contact-${id}`, name: id, email: null },
    visitorId: null,
    offline: false,
    outOfHours: false,
    queuedAt: null,
    lastTransfer: null,
    createdAt: at(0),
    firstAssignedAt: null,
    firstOperatorReplyAt: null,
    lastCustomerMessageAt: null,
    lastOperatorMessageAt: null,
    waitingSince: null,
    closedAt: null,
    lastMessage: null,
    unreadCount: 0,
    ...patch,
  };
}
