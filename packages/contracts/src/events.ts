import { z } from 'zod';
import { tag } from './admin-conversations.ts';
import { invite, member, workspace } from './auth.ts';
import { id, timestamp } from './common.ts';
import { cannedAnswer, conversationToolSettings, rating, survey, surveyRequest } from './compose.ts';
import { conversation, message } from './conversations.ts';
import { helpRequest, inboxItem } from './inbox.ts';
import { queueSummary, team } from './routing.ts';

/**
 * Every domain event Parley publishes, with its payload. The server validates against these when it
 * publishes; console and widget import the same types, so an event is never described twice.
 */
export const eventPayloads = {
  'workspace.updated': z.object({ workspace }),
  'member.joined': z.object({ member }),
  'member.updated': z.object({ member }),
  'member.removed': z.object({ userId: id }),
  /**
   * OPS-4: an impersonation ended (by its impersonator, expiry or log out). Reaches no console: the
   * gateway closes the impersonation's sockets on every node when it passes.
   */
  'impersonation.ended': z.object({ sessionId: id, userId: id, impersonatorId: id }),
  'invite.created': z.object({ invite }),
  'invite.revoked': z.object({ inviteId: id }),
  'conversation.created': z.object({ conversation }),
  /** Status, assignee, team, priority or contact changed; `change` says which. */
  'conversation.updated': z.object({
    conversation,
    change: z.enum([
      'assigned',
      'closed',
      'reopened',
      'contact',
      'status',
      'transferred',
      'queued',
      'snoozed',
      'woke',
      'marked',
      'taken_over',
    ]),
    actorId: id.nullable(),
    previousAssigneeId: id.nullable().describe('who had it before an assignment change: they see it leave'),
  }),
  'message.created': z.object({ message, conversation }),
  'operator.status_changed': z.object({
    userId: id,
    status: z.string(),
    since: timestamp,
    changedBy: id.nullable().describe('who set it: the operator, a supervisor, or null for the system'),
    signedIn: z.boolean().describe('a console of theirs is open (the member list says signed out otherwise)'),
  }),
  'team.updated': z.object({ team }),
  'team.deleted': z.object({ teamId: id }),
  'queue.updated': queueSummary,
  /** The reader saw every message of the other side up to `upTo`. */
  'message.read': z.object({
    conversationId: id,
    reader: z.enum(['contact', 'operator']),
    upTo: timestamp,
    conversation,
  }),
  /**
   * Whether someone can answer the workspace's chat changed (an operator connected, left, changed
   * status; a team changed). Visitors receive only this boolean, never who.
   */
  'widget.availability': z.object({ available: z.boolean() }),
  /** A workspace tag was created or changed (name, colour). */
  'tag.updated': z.object({ tag }),
  'tag.deleted': z.object({ tagId: id }),
  /** A conversation's tags changed; `tags` is the whole set after the change. */
  'conversation.tagged': z.object({ conversation, tags: z.array(tag), actorId: id.nullable() }),
  /** WS-1: an item was added to one user's inbox; only that user receives it. */
  'inbox.item_created': z.object({ userId: id, item: inboxItem, unread: z.number().int() }),
  /** The user read, unread or archived items (`itemIds`; all of them for "mark all read"). */
  'inbox.items_updated': z.object({ userId: id, itemIds: z.array(id), unread: z.number().int() }),
  /** OI-4: the user's monitored list changed; only that user receives it. */
  'monitor.changed': z.object({ userId: id, conversationIds: z.array(id) }),
  /** OI-7: an operator asked for help; supervisors who may monitor receive it. */
  'help.requested': z.object({ request: helpRequest, teamId: id.nullable() }),
  'help.answered': z.object({ request: helpRequest, teamId: id.nullable() }),
  // The operator's conversation tools (OI-7, OI-8, OI-9, CSAT).
  'transcript.sent': z.object({ conversationId: id, to: z.string(), byUserId: id, conversation }),
  'survey.saved': z.object({ survey }),
  'survey.deleted': z.object({ surveyId: id }),
  /** A survey was sent into a conversation: its customer's widget opens it. */
  'survey.sent': z.object({ request: surveyRequest, conversation }),
  'survey.answered': z.object({ request: surveyRequest, conversation }),
  /** The customer rated the conversation (once). */
  'conversation.rated': z.object({ rating, conversation }),
  'canned_answer.saved': z.object({ cannedAnswer }),
  'canned_answer.deleted': z.object({ cannedAnswer }),
  'conversation_tools.updated': z.object({ settings: conversationToolSettings }),
} as const;

export type EventName = keyof typeof eventPayloads;
export const eventNames = Object.keys(eventPayloads) as EventName[];
export type EventPayload<N extends EventName> = z.infer<(typeof eventPayloads)[N]>;

/** What a subscriber or a socket receives: the event as stored, with its per-workspace sequence. */
export type DomainEvent = {
  [N in EventName]: { seq: number; name: N; payload: EventPayload<N>; at: string };
}[EventName];

export const storedEvent = z.object({
  seq: z.number().int(),
  name: z.string(),
  payload: z.unknown(),
  at: timestamp,
});
