import type { BusinessHours } from '@parley/contracts';
import { and, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { DbTx } from '../../platform/db/client.ts';
import {
  type AssignmentEnd,
  type AssignmentHow,
  conversationAssignments,
  conversations,
} from '../../platform/db/schema.ts';
import { openMs } from '../routing/business-hours.ts';

/**
 * The facts behind SPEC §3, recorded in the same transaction as the change they describe, so a
 * figure is a bounded read of these rows and never a reconstruction from messages.
 */

/** A team's business hours (null: none, or no team), read beside the row it belongs to. */
export const hoursOf = (teamId: SQL) =>
  sql<BusinessHours | null>`(SELECT t.business_hours FROM teams t WHERE t.id = ${teamId})`;
export const hoursValue = (v: unknown): BusinessHours | null =>
  v === null || v === undefined
    ? null
    : typeof v === 'string'
      ? (JSON.parse(v) as BusinessHours)
      : (v as BusinessHours);
export const bh = (hours: BusinessHours | null, from: Date | number, to: Date | number) =>
  hours ? openMs(hours, new Date(from), new Date(to)) : null;

/**
 * The one way a conversation changes hands: ends the open assignment (if any) and opens one for the
 * new assignee (if any), moving the conversation's `assignee_id` / `assigned_at` with it.
 */
export async function setAssignee(
  db: DbTx,
  input: {
    workspaceId: string;
    conversationId: string;
    userId: string | null;
    teamId?: string | null;
    how: AssignmentHow;
    /** Why the previous assignment ends, when there is one. */
    endReason: AssignmentEnd;
    at?: Date;
  },
): Promise<void> {
  const at = input.at ?? new Date();
  await endAssignment(db, { conversationId: input.conversationId, reason: input.endReason, at });
  if (input.userId === null) {
    await db
      .update(conversations)
      .set({ assigneeId: null, assignedAt: null, awaitingFirstReply: false })
      .where(eq(conversations.id, input.conversationId));
    return;
  }
  // Business-hours variants: the queue wait ends at the first assignment; a reply-pick answers at once.
  const teamId = input.teamId === undefined ? sql`c.team_id` : sql`${input.teamId}::uuid`;
  const { rows: before } = await db.execute<{
    queued_at: string | Date | null;
    first_assigned_at: string | Date | null;
    hours: unknown;
    assignment_hours: unknown;
  }>(sql`SELECT c.queued_at, c.first_assigned_at, ${hoursOf(sql`c.team_id`)} AS hours,
      ${hoursOf(teamId)} AS assignment_hours
    FROM conversations c WHERE c.id = ${input.conversationId}`);
  const prior = before[0];
  const waitBh =
    prior && prior.first_assigned_at === null && prior.queued_at !== null
      ? bh(hoursValue(prior.hours), new Date(prior.queued_at), at)
      : null;
  const [row] = await db
    .update(conversations)
    .set({
      assigneeId: input.userId,
      assignedAt: at,
      awaitingFirstReply: input.how !== 'reply',
      firstAssignedAt: sql`coalesce(${conversations.firstAssignedAt}, ${at.toISOString()}::timestamptz)`,
      ...(waitBh !== null ? { waitBhMs: waitBh } : {}),
    })
    .where(eq(conversations.id, input.conversationId))
    .returning({ cycle: conversations.cycle, teamId: conversations.teamId, channel: conversations.channel });
  await db.insert(conversationAssignments).values({
    workspaceId: input.workspaceId,
    conversationId: input.conversationId,
    cycle: row?.cycle ?? 1,
    userId: input.userId,
    teamId: input.teamId === undefined ? (row?.teamId ?? null) : input.teamId,
    channel: row?.channel ?? 'web',
    how: input.how,
    assignedAt: at,
    // An operator who picks a conversation by answering it has answered at once (SPEC §3).
    firstReplyAt: input.how === 'reply' ? at : null,
    firstReplyBhMs: input.how === 'reply' && hoursValue(prior?.assignment_hours) ? 0 : null,
  });
}

/**
 * `setAssignee` for many conversations at once (the router's batches), each to someone: the same
 * facts — the open assignment ended, the conversation's assignee moved, one assignment row opened —
 * with one statement per step whatever their number.
 */
export async function setAssignees(
  db: DbTx,
  workspaceId: string,
  items: readonly {
    conversationId: string;
    userId: string;
    teamId?: string | null;
    how: AssignmentHow;
    endReason: AssignmentEnd;
    at?: Date;
    /** An arrival the router assigns as it admits it: its place in the queue, in the same row version. */
    queuedAt?: Date;
  }[],
): Promise<void> {
  if (items.length === 0) return;
  const now = new Date();
  const col = <T>(pick: (item: (typeof items)[number]) => T) => sql.param(items.map(pick));
  const ids = col((i) => i.conversationId);
  const ats = col((i) => (i.at ?? now).toISOString());
  await db
    .update(conversations)
    .set({ awaitingFirstReply: false })
    .where(
      and(
        inArray(
          conversations.id,
          items.map((i) => i.conversationId),
        ),
        eq(conversations.awaitingFirstReply, true),
      ),
    );
  await db.execute(sql`
    UPDATE conversation_assignments a SET ended_at = v.at, end_reason = v.reason
    FROM unnest(${ids}::uuid[], ${ats}::timestamptz[], ${col((i) => i.endReason)}::text[]) AS v(id, at, reason)
    WHERE a.conversation_id = v.id AND a.ended_at IS NULL`);
  // A team given as null stays null; one not given is the conversation's (as in setAssignee).
  await db.execute(sql`
    WITH v AS (
      SELECT * FROM unnest(${ids}::uuid[], ${col((i) => i.userId)}::uuid[], ${ats}::timestamptz[],
        ${col((i) => i.how)}::text[], ${col((i) => i.teamId ?? null)}::uuid[],
        ${col((i) => i.teamId === undefined)}::boolean[], ${col((i) => i.queuedAt?.toISOString() ?? null)}::timestamptz[])
        AS v(id, user_id, at, how, team_id, own_team, queued_at)
    ), moved AS (
      UPDATE conversations c SET assignee_id = v.user_id, assigned_at = v.at,
        awaiting_first_reply = v.how <> 'reply', first_assigned_at = coalesce(c.first_assigned_at, v.at),
        queued_at = coalesce(c.queued_at, v.queued_at)
      FROM v WHERE c.id = v.id
      RETURNING c.id, c.cycle, c.team_id, c.channel
    )
    INSERT INTO conversation_assignments
      (workspace_id, conversation_id, cycle, user_id, team_id, channel, how, assigned_at, first_reply_at)
    SELECT ${workspaceId}::uuid, v.id, coalesce(m.cycle, 1), v.user_id,
      CASE WHEN v.own_team THEN m.team_id ELSE v.team_id END, coalesce(m.channel, 'web'), v.how, v.at,
      CASE WHEN v.how = 'reply' THEN v.at END
    FROM v LEFT JOIN moved m ON m.id = v.id`);
}

/** Ends the conversation's open assignment, if any (close, unassign, disconnection…). */
export async function endAssignment(
  db: DbTx,
  input: { conversationId: string; reason: AssignmentEnd; at?: Date },
): Promise<void> {
  await db
    .update(conversations)
    .set({ awaitingFirstReply: false })
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.awaitingFirstReply, true)));
  await db
    .update(conversationAssignments)
    .set({ endedAt: input.at ?? new Date(), endReason: input.reason })
    .where(
      and(
        eq(conversationAssignments.conversationId, input.conversationId),
        isNull(conversationAssignments.endedAt),
      ),
    );
}

/** An operator acted on the conversation (reply, transfer, close): it counts as attended. */
export async function recordAction(
  db: DbTx,
  input: { conversationId: string; at?: Date; transfer?: boolean },
): Promise<void> {
  const at = (input.at ?? new Date()).toISOString();
  await db
    .update(conversations)
    .set({
      firstActionAt: sql`coalesce(${conversations.firstActionAt}, ${at}::timestamptz)`,
      ...(input.transfer ? { transferCount: sql`${conversations.transferCount} + 1` } : {}),
    })
    .where(eq(conversations.id, input.conversationId));
}

/** Closing ends the cycle: the open assignment ends and an unanswered burst is dropped (it never counts). */
export async function recordClose(
  db: DbTx,
  input: { conversationId: string; closedById: string | null; at?: Date },
): Promise<void> {
  const at = input.at ?? new Date();
  await endAssignment(db, { conversationId: input.conversationId, reason: 'close', at });
  const { rows: found } = await db.execute<{
    created_at: string | Date;
    closed_at: string | Date | null;
    hours: unknown;
  }>(sql`SELECT c.created_at, c.closed_at, ${hoursOf(sql`c.team_id`)} AS hours
    FROM conversations c WHERE c.id = ${input.conversationId}`);
  const closing = found[0];
  const durationBh = closing
    ? bh(hoursValue(closing.hours), new Date(closing.created_at), new Date(closing.closed_at ?? at))
    : null;
  await db
    .update(conversations)
    .set({
      durationBhMs: durationBh,
      closedById: input.closedById,
      burstStartedAt: null,
      ...(input.closedById
        ? { firstActionAt: sql`coalesce(${conversations.firstActionAt}, ${at.toISOString()}::timestamptz)` }
        : {}),
    })
    .where(eq(conversations.id, input.conversationId));
}

/**
 * A closed conversation opened again starts a new cycle: first response and response times are
 * measured from now, and its assignee (if it keeps one) starts a new assignment.
 */
export async function recordReopen(
  db: DbTx,
  input: { workspaceId: string; conversationId: string; assigneeId: string | null; at?: Date },
): Promise<void> {
  const at = input.at ?? new Date();
  await db
    .update(conversations)
    .set({ cycle: sql`${conversations.cycle} + 1`, cycleStartedAt: at, burstStartedAt: null })
    .where(eq(conversations.id, input.conversationId));
  if (input.assigneeId) {
    await setAssignee(db, {
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      userId: input.assigneeId,
      how: 'reopen',
      endReason: 'close',
      at,
    });
  }
}
