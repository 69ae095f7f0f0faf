import type { Conversation } from '@parley/contracts';
import { notFound } from '../../platform/errors.ts';
import type { Principal } from '../workspaces/policy.ts';

type Visible = Pick<Conversation, 'assigneeId' | 'visitorId'> & { contact: { id: string } };

/**
 * Who sees a conversation: operators see their own and the unassigned queue, everything with
 * `conversations.view_all` or `monitor` (OI-4: a supervisor opens and follows any conversation); a visitor sees only the conversations of their browser or their contact.
 * Routes and the realtime fan-out both ask this.
 */
export function canViewConversation(principal: Principal, conversation: Visible): boolean {
  if (principal.kind === 'visitor') {
    return (
      conversation.visitorId === principal.visitorId ||
      (principal.contactId !== null && conversation.contact.id === principal.contactId)
    );
  }
  return (
    principal.permissions.has('conversations.view_all') ||
    principal.permissions.has('monitor') ||
    conversation.assigneeId === null ||
    conversation.assigneeId === principal.userId
  );
}

/** Not being allowed to see a conversation looks exactly like it not existing. */
export function assertCanView(principal: Principal, conversation: Visible): void {
  if (!canViewConversation(principal, conversation)) throw notFound('conversation');
}
