import type { Conversation } from '@parley/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { conversations } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';
import type { OperatorPrincipal, Principal } from '../workspaces/policy.ts';

type Visible = Pick<Conversation, 'assigneeId' | 'visitorId' | 'teamId'> & { contact: { id: string } };

/** `conversations.view_all`, or `monitor` (OI-4: a supervisor opens and follows any conversation). */
const seesAll = (principal: OperatorPrincipal) =>
  principal.permissions.has('conversations.view_all') || principal.permissions.has('monitor');

/**
 * Who sees a conversation (SPEC §1): everything with `conversations.view_all` or `monitor`; else an
 * operator sees their own, their teams' (assigned to a teammate or waiting in the team's queue) and
 * the unassigned ones of no team; a visitor sees only the conversations of their browser or their
 * contact. Routes and the realtime fan-out both ask this, the lists `visibleConversationsSql`.
 */
export function canViewConversation(principal: Principal, conversation: Visible): boolean {
  if (principal.kind === 'visitor') {
    return (
      conversation.visitorId === principal.visitorId ||
      (principal.contactId !== null && conversation.contact.id === principal.contactId)
    );
  }
  if (seesAll(principal) || conversation.assigneeId === principal.userId) return true;
  return conversation.teamId === null
    ? conversation.assigneeId === null
    : principal.teamIds.has(conversation.teamId);
}

/** A conversation's columns in a query on the `conversations` table itself (no alias). */
export const conversationsTable = {
  assigneeId: sql`${conversations.assigneeId}`,
  teamId: sql`${conversations.teamId}`,
};

/**
 * The same rule as a condition on a conversation's columns (alias `c`, or `conversationsTable`), for
 * lists and exports; undefined when the operator sees every conversation.
 */
export function visibleConversationsSql(
  principal: OperatorPrincipal,
  columns: { assigneeId: SQL; teamId: SQL } = { assigneeId: sql`c.assignee_id`, teamId: sql`c.team_id` },
): SQL | undefined {
  if (seesAll(principal)) return undefined;
  const { assigneeId, teamId } = columns;
  const teams = [...principal.teamIds];
  return sql`(${assigneeId} = ${principal.userId} OR (${teamId} IS NULL AND ${assigneeId} IS NULL)${
    teams.length ? sql` OR ${teamId} = ANY(${sql.param(teams)}::uuid[])` : sql``
  })`;
}

/** Not being allowed to see a conversation looks exactly like it not existing. */
export function assertCanView(principal: Principal, conversation: Visible): void {
  if (!canViewConversation(principal, conversation)) throw notFound('conversation');
}
