import type { Conversation, EventName, EventPayload, Message } from '@parley/contracts';
import { memoOf, type StoredEvent } from '../events/bus.ts';
import { canViewConversation } from '../modules/conversations/policy.ts';
import { presentConversationForVisitor } from '../modules/conversations/presenter.ts';
import { presentMessageForVisitor } from '../modules/messages/presenter.ts';
import { presentSurveyForVisitor } from '../modules/surveys/presenter.ts';
import { can, type Principal } from '../modules/workspaces/policy.ts';

/** Returns the payload this principal may see, or null when the event must not reach them. */
type Presenter = (principal: Principal, payload: never) => unknown | null;

const operatorsOnly = (p: Principal, payload: unknown) => (p.kind === 'operator' ? payload : null);
const memberManagers = (p: Principal, payload: unknown) => (can(p, 'members.manage') ? payload : null);
/** Events about one user's own things (their inbox, their monitored list): to that user only. */
const ownerOnly = (p: Principal, payload: { userId: string }) =>
  p.kind === 'operator' && p.userId === payload.userId ? payload : null;
/** OI-7: supervisors who may monitor, and the operator who asked. */
const helpAudience = (p: Principal, payload: { request: { requestedBy: { id: string } } }) =>
  can(p, 'monitor') || (p.kind === 'operator' && p.userId === payload.request.requestedBy.id)
    ? payload
    : null;
/**
 * Who lists a canned answer (canned-answers/queries.ts): a personal one its owner; a team one the
 * team's members and those who manage the workspace; a workspace one every operator.
 */
const cannedAudience = (
  p: Principal,
  payload: { cannedAnswer: { scope: string; ownerId: string | null; teamId: string | null } },
) => {
  if (p.kind !== 'operator') return null;
  const { scope, ownerId, teamId } = payload.cannedAnswer;
  if (scope === 'personal') return ownerId === p.userId ? payload : null;
  if (scope === 'team') {
    return (teamId !== null && p.teamIds.has(teamId)) || can(p, 'workspace.manage') ? payload : null;
  }
  return payload;
};

/** Operators who may see the conversation get everything; its customer gets the visitor's cut. */
function conversationEvent<N extends EventName>(
  forVisitor: (payload: EventPayload<N>) => unknown | null,
): (p: Principal, payload: EventPayload<N> & { conversation: Conversation }) => unknown | null {
  return (p, payload) => {
    if (!canViewConversation(p, payload.conversation)) {
      const { previousAssigneeId, change } = payload as {
        previousAssigneeId?: string | null;
        change?: string;
      };
      // Whoever could see it before an assignment sees it leave: its previous assignee, or everyone
      // when it left the unassigned queue, so no console keeps it as new and waiting.
      const leftQueue = previousAssigneeId === null && (change === 'assigned' || change === 'transferred');
      return p.kind === 'operator' && (previousAssigneeId === p.userId || leftQueue) ? payload : null;
    }
    return p.kind === 'operator' ? payload : forVisitor(payload);
  };
}

/**
 * Each event's audiences: the same predicates the HTTP routes use, and the presenters per audience,
 * so a private note or an operator's details never reach a visitor. An event without an entry
 * reaches nobody: a new event stays private until someone decides who sees it.
 */
const presenters: { [N in EventName]: Presenter } = {
  'workspace.updated': operatorsOnly,
  'member.joined': operatorsOnly,
  'member.updated': operatorsOnly,
  'member.removed': operatorsOnly,
  'impersonation.ended': () => null,
  'invite.created': memberManagers,
  'invite.revoked': memberManagers,
  'operator.status_changed': operatorsOnly,
  'team.updated': operatorsOnly,
  'team.deleted': operatorsOnly,
  'queue.updated': operatorsOnly,
  'conversation.created': conversationEvent<'conversation.created'>((p) => ({
    conversation: presentConversationForVisitor(p.conversation),
  })),
  'conversation.updated': conversationEvent<'conversation.updated'>((p) => ({
    conversation: presentConversationForVisitor(p.conversation),
    change: p.change,
  })),
  'message.created': conversationEvent<'message.created'>((p) => {
    const message = presentMessageForVisitor(p.message as Message);
    return message && { message, conversation: presentConversationForVisitor(p.conversation) };
  }),
  // Only the boolean, and only to visitors: which operator connected is none of their business.
  'widget.availability': (p: Principal, payload: EventPayload<'widget.availability'>) =>
    p.kind === 'visitor' ? { available: payload.available } : null,
  'tag.updated': operatorsOnly,
  'tag.deleted': operatorsOnly,
  // Tags are the team's own notes on a conversation: never the visitor's.
  'conversation.tagged': conversationEvent<'conversation.tagged'>(() => null),
  'inbox.item_created': ownerOnly,
  'inbox.items_updated': ownerOnly,
  'monitor.changed': ownerOnly,
  'help.requested': helpAudience,
  'help.answered': helpAudience,
  'message.read': conversationEvent<'message.read'>((p) =>
    p.reader === 'operator' ? { conversationId: p.conversationId, reader: p.reader, upTo: p.upTo } : null,
  ),
  // Conversation tools: the visitor gets a survey's questions (to answer it) and that it was answered
  // or rated (other tabs close the prompt); never who sent it, the answers or the transcript address.
  'transcript.sent': conversationEvent<'transcript.sent'>(() => null),
  'survey.saved': operatorsOnly,
  'survey.deleted': operatorsOnly,
  'survey.sent': conversationEvent<'survey.sent'>((p) =>
    p.request.answeredAt ? null : { survey: presentSurveyForVisitor(p.request) },
  ),
  'survey.answered': conversationEvent<'survey.answered'>((p) => ({ surveyId: p.request.id })),
  'conversation.rated': conversationEvent<'conversation.rated'>((p) => ({
    conversationId: p.rating.conversationId,
  })),
  'canned_answer.saved': cannedAudience,
  'canned_answer.deleted': cannedAudience,
  'conversation_tools.updated': operatorsOnly,
};

export function present(principal: Principal, event: StoredEvent): StoredEvent | null {
  const presenter = presenters[event.name as EventName];
  if (!presenter) return null;
  const conversation = (event.payload as { conversation?: Conversation }).conversation;
  if (principal.kind === 'visitor' && (conversation || event.name === 'widget.availability')) {
    // Whether this visitor may see it is asked every time; what they see is made once.
    if (conversation && !canViewConversation(principal, conversation)) return null;
    // The visitors' cut does not depend on which visitor (who may see the event at all is decided
    // above): every socket of the audience shares one object and one text.
    const memo = memoOf(event);
    if (memo.visitorCut === undefined) {
      const payload = presenter(principal, event.payload as never);
      memo.visitorCut = payload === null ? null : payload === event.payload ? event : { ...event, payload };
    }
    return memo.visitorCut;
  }
  const payload = presenter(principal, event.payload as never);
  if (payload === null) return null;
  // Unchanged payloads keep the event's identity, so the gateway serialises it once for all of them.
  return payload === event.payload ? event : { ...event, payload };
}
