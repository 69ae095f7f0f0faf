import { type SQLWrapper, sql } from 'drizzle-orm';
import { allColumns, compiled, rowOf } from '../../platform/db/prepared.ts';
import { conversations, type messages } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { hoursOf } from '../metrics/facts.ts';
import type { AssignmentClockState, ClockState } from '../metrics/message-clocks.ts';

/** The message writer's reads of a batch, and what its messages do to their conversations. */

export type MessageRow = typeof messages.$inferSelect;

/**
 * Which of the client ids are stored already, as one array of `workspace:clientId` (null if none):
 * a scalar subquery for the writer's reads, given the batch's workspaces and client ids as arrays.
 */
export function storedClientIds(workspaceIds: SQLWrapper, clientIds: SQLWrapper) {
  // One index probe per client id (LATERAL … LIMIT 1): a prepared statement's generic plan knows no
  // array's length, and a join could otherwise scan the whole messages table.
  return sql<string[] | null>`(SELECT array_agg(k.w::text || ':' || k.id)
    FROM unnest(${workspaceIds}::uuid[], ${clientIds}::text[]) AS k(w, id)
    CROSS JOIN LATERAL (SELECT 1 FROM messages m WHERE m.workspace_id = k.w AND m.client_id = k.id LIMIT 1) m)`;
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

/** The writer's lock-and-read statement, built once (platform/db/prepared.ts). */
const lockAndRead = compiled<Record<string, unknown>>(sql`
  SELECT ${allColumns(conversations, 'c')}, ct.id AS ct_id, ct.name AS ct_name, ct.email AS ct_email,
    ${hoursOf(sql`c.team_id`)} AS hours,
    a.id AS a_id, a.user_id AS a_user, a.assigned_at AS a_at, a.first_reply_at AS a_first_reply,
    ${hoursOf(sql`a.team_id`)} AS a_hours,
    ${storedClientIds(sql.placeholder('workspaces'), sql.placeholder('clientIds'))} AS stored
  FROM conversations c
  JOIN contacts ct ON ct.id = c.contact_id
  LEFT JOIN conversation_assignments a ON a.conversation_id = c.id AND a.ended_at IS NULL
  WHERE c.id = ANY(${sql.placeholder('ids')}::uuid[])
  ORDER BY c.id
  FOR NO KEY UPDATE OF c`);

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
  const { rows } = await lockAndRead(tx.db, {
    ids: [...new Set(conversationIds)].sort(),
    workspaces: writes.map((w) => w.workspaceId),
    clientIds: writes.map((w) => w.clientId),
  });
  return rows.map((row) => {
    const conversation = rowOf(conversations, row);
    return {
      conversation,
      contact: {
        id: String(row.ct_id),
        name: row.ct_name as string | null,
        email: row.ct_email as string | null,
      },
      stored: row.stored as string[] | null,
      clocks: {
        id: conversation.id,
        burst: conversation.burstStartedAt,
        first_author: conversation.firstAuthor,
        first_action: conversation.firstActionAt,
        hours: row.hours,
      } satisfies ClockState,
      assignment: {
        id: conversation.id,
        assignment_id: row.a_id as string | null,
        assignment_user: row.a_user as string | null,
        assignment_at: row.a_at as string | null,
        assignment_first_reply: row.a_first_reply as string | null,
        assignment_hours: row.a_hours,
      } satisfies AssignmentClockState,
    };
  });
}
