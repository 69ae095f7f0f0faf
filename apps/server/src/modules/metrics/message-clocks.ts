import type { BusinessHours } from '@parley/contracts';
import { and, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { DbTx } from '../../platform/db/client.ts';
import { conversationAssignments } from '../../platform/db/schema.ts';
import { openMs } from '../routing/business-hours.ts';
import { bh, hoursOf, hoursValue } from './facts.ts';

/**
 * The response clocks moved by stored messages (SPEC §3): only an operator's public reply counts as
 * a reply; a customer burst is timed from its first message to the next reply; the assignee's first
 * reply sets the assignment's first response. `messageClocks` reads the touched conversations once
 * (locked) and computes — or takes them from the batched writer, which read them under its lock; the
 * conversations' part is written by `clockSet` over `clockSource` — in the batched writer, inside its
 * own UPDATE of the conversations, so a message moves each row once — and the assignments' part by
 * `writeAssignmentClocks` (`assignmentClocksUpdate`). `recordMessages` does all three.
 */

/** What the metrics need of a stored message. */
export interface MessageFact {
  conversationId: string;
  authorKind: string;
  authorId: string | null;
  private: boolean;
  createdAt: Date;
}

interface Clock {
  hours: BusinessHours | null;
  burst: number | null;
  firstReply: number | null;
  /** The assignee replied in these messages. */
  answered: boolean;
  sum: number;
  count: number;
  bhSum: number;
  bhCount: number;
  firstAuthor: string | null;
  firstAction: number | null;
}

interface OpenAssignment {
  id: string;
  userId: string;
  assignedAt: number;
  hours: BusinessHours | null;
  firstReply: number | null;
  /** Set when this batch records the first reply (business-hours part of assigned → reply). */
  firstReplyBh: number | null;
  sum: number;
  count: number;
  /** Open-hours parts of the response times, when the conversation's team has hours. */
  bhSum: number;
  bhCount: number;
}

/** What a batch of messages does to the clocks, computed by `messageClocks`. */
export interface MessageClocks {
  conversations: {
    id: string;
    burst: string | null;
    sum: number;
    count: number;
    bh_sum: number;
    bh_count: number;
    first_author: string | null;
    first_action: string | null;
    first_reply: string | null;
    answered: boolean;
  }[];
  assignments: {
    id: string;
    first_reply: string | null;
    first_reply_bh: number | null;
    sum: number;
    count: number;
    bh_sum: number;
    bh_count: number;
  }[];
}

/** A conversation's clocks as `clockColumns` reads them (raw rows: instants as Date or text). */
export type ClockState = {
  id: string;
  burst: Date | string | null;
  first_author: string | null;
  first_action: Date | string | null;
  hours: unknown;
};

/** The columns `messageClocks` reads of a conversation (alias c). */
const clockColumns = sql`c.burst_started_at AS burst, c.first_author, c.first_action_at AS first_action,
  ${hoursOf(sql`c.team_id`)} AS hours`;

/** A conversation's open assignment, read under the caller's lock (all null: it has none). */
export type AssignmentClockState = {
  id: string;
  assignment_id: string | null;
  assignment_user: string | null;
  assignment_at: Date | string | null;
  assignment_first_reply: Date | string | null;
  assignment_hours: unknown;
};

const instant = (v: Date | string | null) => (v === null ? null : new Date(v).getTime());

/**
 * Reads the clocks of the conversations the messages touch (locked) — or takes them from `state`,
 * read under the caller's lock with `clockColumns`, and their open assignments from `assignments` —
 * and computes how they move.
 */
export async function messageClocks(
  db: DbTx,
  facts: readonly MessageFact[],
  state?: readonly ClockState[],
  assignments?: readonly AssignmentClockState[],
): Promise<MessageClocks> {
  const relevant = facts
    .filter((f) => !f.private && (f.authorKind === 'contact' || f.authorKind === 'operator'))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  if (relevant.length === 0) return { conversations: [], assignments: [] };
  const ids = [...new Set(relevant.map((f) => f.conversationId))];
  const rows =
    state?.filter((r) => ids.includes(r.id)) ??
    (
      await db.execute<ClockState>(sql`
        SELECT c.id, ${clockColumns} FROM conversations c
        WHERE c.id = ANY(${sql.param(ids)}::uuid[]) FOR UPDATE`)
    ).rows;
  const open = assignments
    ? assignments.flatMap((a) =>
        a.assignment_id && ids.includes(a.id)
          ? [
              {
                id: a.assignment_id,
                conversationId: a.id,
                userId: a.assignment_user!,
                assignedAt: new Date(a.assignment_at!),
                firstReply: a.assignment_first_reply === null ? null : new Date(a.assignment_first_reply),
                hours: a.assignment_hours,
              },
            ]
          : [],
      )
    : await db
        .select({
          id: conversationAssignments.id,
          conversationId: conversationAssignments.conversationId,
          userId: conversationAssignments.userId,
          assignedAt: conversationAssignments.assignedAt,
          firstReply: conversationAssignments.firstReplyAt,
          hours: hoursOf(sql`${conversationAssignments.teamId}`),
        })
        .from(conversationAssignments)
        .where(
          and(inArray(conversationAssignments.conversationId, ids), isNull(conversationAssignments.endedAt)),
        );
  const clocks = new Map<string, Clock>(
    rows.map((r) => [
      r.id,
      {
        hours: hoursValue(r.hours),
        burst: instant(r.burst),
        firstReply: null,
        answered: false,
        sum: 0,
        count: 0,
        bhSum: 0,
        bhCount: 0,
        firstAuthor: r.first_author,
        firstAction: instant(r.first_action),
      },
    ]),
  );
  const openByConversation = new Map<string, OpenAssignment>(
    open.map((a) => [
      a.conversationId,
      {
        id: a.id,
        userId: a.userId,
        assignedAt: a.assignedAt.getTime(),
        hours: hoursValue(a.hours),
        firstReply: a.firstReply?.getTime() ?? null,
        firstReplyBh: null,
        sum: 0,
        count: 0,
        bhSum: 0,
        bhCount: 0,
      },
    ]),
  );
  for (const fact of relevant) {
    const clock = clocks.get(fact.conversationId);
    if (!clock) continue;
    const at = fact.createdAt.getTime();
    if (fact.authorKind === 'contact') {
      clock.firstAuthor ??= 'contact';
      clock.burst ??= at;
      continue;
    }
    clock.firstAuthor ??= 'operator';
    clock.firstAction ??= at;
    clock.firstReply ??= at;
    const assignment = openByConversation.get(fact.conversationId);
    const byAssignee = assignment?.userId === fact.authorId;
    if (clock.burst !== null) {
      const waited = Math.max(0, at - clock.burst);
      clock.sum += waited;
      clock.count += 1;
      const waitedBh = clock.hours
        ? openMs(clock.hours, new Date(clock.burst), new Date(Math.max(at, clock.burst)))
        : null;
      if (waitedBh !== null) {
        clock.bhSum += waitedBh;
        clock.bhCount += 1;
      }
      if (assignment && byAssignee) {
        assignment.sum += waited;
        assignment.count += 1;
        if (waitedBh !== null) {
          assignment.bhSum += waitedBh;
          assignment.bhCount += 1;
        }
      }
      clock.burst = null;
    }
    if (assignment && byAssignee) {
      if (assignment.firstReply === null) {
        assignment.firstReply = at;
        assignment.firstReplyBh = bh(
          assignment.hours,
          assignment.assignedAt,
          Math.max(at, assignment.assignedAt),
        );
      }
      clock.answered = true;
    }
  }
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    conversations: [...clocks].map(([id, c]) => ({
      id,
      burst: iso(c.burst),
      sum: c.sum,
      count: c.count,
      bh_sum: c.bhSum,
      bh_count: c.bhCount,
      first_author: c.firstAuthor,
      first_action: iso(c.firstAction),
      first_reply: iso(c.firstReply),
      answered: c.answered,
    })),
    assignments: [...openByConversation.values()]
      .filter((a) => a.count > 0 || a.firstReply !== null)
      .map((a) => ({
        id: a.id,
        first_reply: iso(a.firstReply),
        first_reply_bh: a.firstReplyBh,
        sum: a.sum,
        count: a.count,
        bh_sum: a.bhSum,
        bh_count: a.bhCount,
      })),
  };
}

/** The clocks of the conversations, as a row source `k` to join on the conversation id. */
export function clockSource(clocks: MessageClocks): SQL {
  return sql`jsonb_to_recordset(${JSON.stringify(clocks.conversations)}::jsonb) AS k(id uuid, burst timestamptz,
    sum bigint, count int, bh_sum bigint, bh_count int, first_author text, first_action timestamptz,
    first_reply timestamptz, answered boolean)`;
}

/**
 * The SET list that moves a conversation (c) by its clock (k); a conversation without one (k.id is
 * null: only notes or automatic messages, joined with LEFT JOIN) keeps its values.
 */
export const clockSet = sql`
  burst_started_at = CASE WHEN k.id IS NULL THEN c.burst_started_at ELSE k.burst END,
  response_sum_ms = c.response_sum_ms + coalesce(k.sum, 0),
  response_count = c.response_count + coalesce(k.count, 0),
  response_bh_sum_ms = c.response_bh_sum_ms + coalesce(k.bh_sum, 0),
  response_bh_count = c.response_bh_count + coalesce(k.bh_count, 0),
  first_author = coalesce(c.first_author, k.first_author),
  first_action_at = coalesce(c.first_action_at, k.first_action),
  first_operator_reply_at = coalesce(c.first_operator_reply_at, k.first_reply),
  awaiting_first_reply = c.awaiting_first_reply AND NOT coalesce(k.answered, false)`;

/** The assignments' part: first response and the response times of their operator. */
export async function writeAssignmentClocks(db: DbTx, clocks: MessageClocks): Promise<void> {
  const update = assignmentClocksUpdate(clocks);
  if (update) await db.execute(update);
}

/**
 * The UPDATE behind `writeAssignmentClocks` (null: nothing to write), for a caller that runs it
 * inside a statement of its own (the batched writer).
 */
export function assignmentClocksUpdate(clocks: MessageClocks): SQL | null {
  if (clocks.assignments.length === 0) return null;
  return sql`
    UPDATE conversation_assignments a SET
      first_reply_at = coalesce(a.first_reply_at, i.first_reply),
      first_reply_bh_ms = CASE WHEN a.first_reply_at IS NULL THEN i.first_reply_bh ELSE a.first_reply_bh_ms END,
      response_sum_ms = a.response_sum_ms + i.sum,
      response_count = a.response_count + i.count,
      response_bh_sum_ms = a.response_bh_sum_ms + i.bh_sum,
      response_bh_count = a.response_bh_count + i.bh_count
    FROM jsonb_to_recordset(${JSON.stringify(clocks.assignments)}::jsonb) AS i(id uuid, first_reply timestamptz,
      first_reply_bh bigint, sum bigint, count int, bh_sum bigint, bh_count int)
    WHERE a.id = i.id`;
}

/**
 * Moves the response clocks for stored messages (any number, any conversations): reads the clocks
 * of the touched conversations once and writes them back with two statements.
 */
export async function recordMessages(db: DbTx, facts: readonly MessageFact[]): Promise<void> {
  const clocks = await messageClocks(db, facts);
  if (clocks.conversations.length === 0) return;
  await db.execute(sql`UPDATE conversations c SET ${clockSet} FROM ${clockSource(clocks)} WHERE c.id = k.id`);
  await writeAssignmentClocks(db, clocks);
}
