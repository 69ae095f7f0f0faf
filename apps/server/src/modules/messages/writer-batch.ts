import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { contacts, conversationAssignments, conversations, type messages } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { hoursOf } from '../metrics/facts.ts';
import type { AssignmentClockState, ClockState } from '../metrics/message-clocks.ts';

/** The message writer's reads of a batch, and what its messages do to their conversations. */

export type MessageRow = typeof messages.$inferSelect;

/**
 * Which of these client ids are stored already, as one array of `workspace:clientId` (null if none):
 * a scalar subquery for the writer's reads.
 */
export function storedClientIds(writes: readonly { workspaceId: string; clientId: string }[]) {
  return sql<string[] | null>`(SELECT array_agg(m.workspace_id::text || ':' || m.client_id) FROM messages m
    JOIN unnest(${sql.param(writes.map((w) => w.workspaceId))}::uuid[],
      ${sql.param(writes.map((w) => w.clientId))}::text[]) AS k(w, id)
    ON m.workspace_id = k.w AND m.client_id = k.id)`;
}

/** What a batch does to each conversation: its newest public message, clocks and unread count. */
export function conversationChanges(rows: readonly MessageRow[]) {
  const changes = new Map<
    string,
    {
      id: string;
      lastAt: Date;
      text: string | null;
      author: MessageRow['authorKind'] | null;
      customer: number;
      customerAt: Date | null;
      operatorAt: Date | null;
    }
  >();
  for (const row of [...rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const change = changes.get(row.conversationId) ?? {
      id: row.conversationId,
      lastAt: row.createdAt,
      text: null,
      author: null,
      customer: 0,
      customerAt: null,
      operatorAt: null,
    };
    change.lastAt = row.createdAt;
    if (!row.private) {
      change.text = row.text.slice(0, 200);
      change.author = row.authorKind;
      if (row.authorKind === 'contact') {
        change.customer += 1;
        change.customerAt = row.createdAt;
      } else if (row.authorKind === 'operator') {
        change.operatorAt = row.createdAt;
      }
    }
    changes.set(row.conversationId, change);
  }
  return [...changes.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Locks the batch's conversations (FOR NO KEY UPDATE, in id order) and reads each with its customer,
 * its metrics clocks and its open assignment; `stored` (the same on every row) lists which of the
 * batch's client ids are stored already, as `workspace:clientId`.
 */
export async function lockConversations(
  tx: Tx,
  conversationIds: readonly string[],
  writes: readonly { workspaceId: string; clientId: string }[],
) {
  const ids = [...new Set(conversationIds)].sort();
  const c = alias(conversations, 'c');
  const ct = alias(contacts, 'ct');
  const a = alias(conversationAssignments, 'a');
  const rows = await tx.db
    .select({
      conversation: c,
      contact: { id: ct.id, name: ct.name, email: ct.email },
      burst: c.burstStartedAt,
      firstAuthor: c.firstAuthor,
      firstAction: c.firstActionAt,
      hours: hoursOf(sql`${c.teamId}`),
      assignmentId: a.id,
      assignmentUser: a.userId,
      assignmentAt: a.assignedAt,
      assignmentFirstReply: a.firstReplyAt,
      assignmentHours: hoursOf(sql`${a.teamId}`),
      stored: storedClientIds(writes),
    })
    .from(c)
    .innerJoin(ct, eq(ct.id, c.contactId))
    .leftJoin(a, and(eq(a.conversationId, c.id), isNull(a.endedAt)))
    .where(sql`${c.id} = ANY(${sql.param(ids)}::uuid[])`)
    .orderBy(asc(c.id))
    .for('no key update', { of: c })
    // A named prepared statement (platform/db/prepared.ts): its text is the same for every batch.
    .prepare('parley_writer_lock_conversations')
    .execute();
  return rows.map((row) => ({
    conversation: row.conversation,
    contact: row.contact,
    stored: row.stored,
    clocks: {
      id: row.conversation.id,
      burst: row.burst,
      first_author: row.firstAuthor,
      first_action: row.firstAction,
      hours: row.hours,
    } satisfies ClockState,
    assignment: {
      id: row.conversation.id,
      assignment_id: row.assignmentId,
      assignment_user: row.assignmentUser,
      assignment_at: row.assignmentAt,
      assignment_first_reply: row.assignmentFirstReply,
      assignment_hours: row.assignmentHours,
    } satisfies AssignmentClockState,
  }));
}
