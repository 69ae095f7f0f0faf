import { type EventName, type EventPayload, permissionsOf, type Role } from '@parley/contracts';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { subscribe } from '../../events/subscribers.ts';
import type { Db } from '../../platform/db/client.ts';
import { memberships, teamMembers, users } from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { canViewConversation } from '../conversations/policy.ts';
import { operatorPrincipal } from '../workspaces/policy.ts';
import { findMembership } from '../workspaces/queries.ts';
import { addInboxItems, type NewItem } from './commands.ts';
import { findMentions } from './mentions.ts';

type Updated = EventPayload<'conversation.updated'>;

/** Which events make items: the rest never get a job (the message path above all). */
function relevant(name: EventName, payload: unknown): boolean {
  if (name === 'message.created') {
    const { message } = payload as EventPayload<'message.created'>;
    return message.private && message.authorKind === 'operator' && message.text.includes('@');
  }
  if (name === 'conversation.updated') {
    const { change, actorId, conversation } = payload as Updated;
    if (change === 'assigned') return actorId !== null && conversation.assigneeId !== actorId;
    return (
      change === 'transferred' ||
      change === 'taken_over' ||
      change === 'woke' ||
      // The customer writing to a snoozed conversation is the only reopen without an actor.
      (change === 'reopened' && actorId === null)
    );
  }
  return name === 'help.requested';
}

async function members(db: Db, workspaceId: string) {
  return db
    .select({
      userId: memberships.userId,
      name: users.name,
      role: memberships.role,
      permissions: memberships.permissions,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId));
}

const mayMonitor = (m: { role: string; permissions: string[] }) =>
  permissionsOf(m.role as Role, m.permissions).has('monitor');

async function nameOf(db: Db, userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return row?.name ?? null;
}

/**
 * Who gets a help request: the supervisors (members who may monitor) of the conversation's team;
 * when the team has none, or there is no team, everyone in the workspace who may monitor.
 */
async function helpers(db: Db, workspaceId: string, teamId: string | null, requesterId: string) {
  const everyone = (await members(db, workspaceId)).filter((m) => m.userId !== requesterId && mayMonitor(m));
  if (!teamId) return everyone;
  const inTeam = new Set(
    (
      await db
        .select({ userId: teamMembers.userId })
        .from(teamMembers)
        .where(
          and(
            eq(teamMembers.teamId, teamId),
            inArray(
              teamMembers.userId,
              everyone.map((m) => m.userId),
            ),
          ),
        )
    ).map((r) => r.userId),
  );
  const team = everyone.filter((m) => inTeam.has(m.userId));
  return team.length > 0 ? team : everyone;
}

async function itemsFor(db: Db, workspaceId: string, name: string, payload: unknown): Promise<NewItem[]> {
  if (name === 'message.created') {
    const { message, conversation } = payload as EventPayload<'message.created'>;
    const everyone = await members(db, workspaceId);
    const named = findMentions(message.text, everyone).filter((id) => id !== message.authorId);
    // Someone who may not see the conversation is not sent its note: an item would show it to them.
    const mentioned: string[] = [];
    for (const userId of named) {
      const membership = await findMembership(db, workspaceId, userId);
      if (!membership) continue;
      const reader = operatorPrincipal({
        userId,
        name: '',
        sessionId: 'inbox',
        workspaceId,
        role: membership.role,
        grants: membership.permissions,
        teamIds: membership.teamIds,
      });
      if (canViewConversation(reader, conversation)) mentioned.push(userId);
    }
    return mentioned.map((userId) => ({
      userId,
      kind: 'mention',
      conversationId: message.conversationId,
      actorId: message.authorId,
      actorName: message.authorName,
      excerpt: message.text,
    }));
  }
  if (name === 'help.requested') {
    const { request, teamId } = payload as EventPayload<'help.requested'>;
    return (await helpers(db, workspaceId, teamId, request.requestedBy.id)).map((m) => ({
      userId: m.userId,
      kind: 'help_request',
      conversationId: request.conversationId,
      actorId: request.requestedBy.id,
      actorName: request.requestedBy.name,
      excerpt: request.message,
    }));
  }
  const { change, actorId, conversation, previousAssigneeId } = payload as Updated;
  const base = { conversationId: conversation.id, actorId, actorName: await nameOf(db, actorId) };
  switch (change) {
    case 'assigned':
      return conversation.assigneeId
        ? [{ ...base, userId: conversation.assigneeId, kind: 'assignment', excerpt: null }]
        : [];
    case 'transferred': {
      const to = conversation.assigneeId;
      if (!to || to === actorId) return [];
      return [{ ...base, userId: to, kind: 'transfer', excerpt: conversation.lastTransfer?.message ?? null }];
    }
    case 'taken_over':
      return previousAssigneeId && previousAssigneeId !== actorId
        ? [{ ...base, userId: previousAssigneeId, kind: 'takeover', excerpt: null }]
        : [];
    default: {
      // Woken (its time came, or the customer wrote): whoever it stays with, or whoever had it.
      const owner = conversation.assigneeId ?? previousAssigneeId;
      return owner && owner !== actorId
        ? [{ ...base, userId: owner, kind: 'snooze_wakeup', excerpt: null }]
        : [];
    }
  }
}

/** WS-1: inbox items are made here, from events, never by hand in each command. */
export function registerInbox() {
  subscribe({
    name: 'inbox',
    events: ['message.created', 'conversation.updated', 'help.requested'],
    when: relevant,
    // Of the messages, only private notes can mention anyone: the others are not read at all. Looked
    // for in the payload's text (json operators would parse each message's whole payload): as the
    // server writes it, or as events stored as jsonb before migration 0020 print it. A string that
    // contains the same characters has its quotes escaped in the text, so it does not match.
    where: sql`(name <> 'message.created' OR strpos(payload::text, '"private":true') > 0
      OR strpos(payload::text, '"private": true') > 0)`,
    handle: async (event, { db }) => {
      const items = await itemsFor(db, event.workspaceId, event.name, event.payload);
      if (items.length === 0) return;
      await transaction(db, (tx) => addInboxItems(tx, event.workspaceId, event.seq, items));
    },
  });
}
