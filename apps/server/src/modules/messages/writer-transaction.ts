import { randomUUID } from 'node:crypto';
import type { Message } from '@parley/contracts';
import { sql } from 'drizzle-orm';
import { publishMany } from '../../events/publish.ts';
import { executePrepared } from '../../platform/db/prepared.ts';
import type { conversations } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { presentConversation } from '../conversations/presenter.ts';
import { assignmentClocksUpdate, clockSet, clockSource, messageClocks } from '../metrics/message-clocks.ts';
import { presentMessage } from './presenter.ts';
import { visitorConversations } from './visitor-conversations.ts';
import type { PlainMessage } from './writer.ts';
import { conversationChanges, lockConversations, type MessageRow } from './writer-batch.ts';

/**
 * The transaction that writes one batch of the message writer (`writer.ts` queues the messages,
 * retries and settles them; `writer-batch.ts` holds the batch's reads and what its messages do to
 * their conversations).
 */

type ConversationRow = typeof conversations.$inferSelect;

/** A message the batch stored: its row, and the message as announced (with its sequence). */
export interface Written {
  row: MessageRow;
  message: Message;
}

export interface BatchOptions {
  /** Signs the attachment links of the messages announced. */
  secret: string;
  /** Tests: runs inside each batch's transaction before anything is written. */
  beforeBatch?: (tx: Tx, inputs: readonly PlainMessage[]) => Promise<void>;
}

/** A message waiting in a batch, as the batch's transaction sees it. */
export interface BatchItem {
  input: PlainMessage;
  /** Taken instead when the conversation is no longer open at write time. */
  fallback?: unknown;
  createdAt: Date;
}

/**
 * Writes one batch in the transaction `tx` (see createMessageWriter): each message goes to its
 * conversation, to the one its visitor has open or starts now; one whose conversation is no longer
 * open and that has a `fallback` is diverted to it, one whose conversation is unknown is missing, a
 * client id stored already is left out (a duplicate). Returns the messages written, as announced.
 */
export async function writeBatch<P extends BatchItem>(
  tx: Tx,
  batch: readonly P[],
  opts: BatchOptions,
): Promise<{ written: Written[]; diverted: Set<P>; missing: Map<P, Error> }> {
  await opts.beforeBatch?.(
    tx,
    batch.map((p) => p.input),
  );
  const diverted = new Set<P>();
  const missing = new Map<P, Error>();
  // 0. A visitor's message without a known conversation: the visitor's open one, or one started now.
  const targets = new Map<P, string>();
  for (const pending of batch)
    if (pending.input.conversationId) targets.set(pending, pending.input.conversationId);
  const unknown = batch.filter((p) => !p.input.conversationId);
  if (unknown.length > 0) {
    const found = await visitorConversations(
      tx,
      unknown.map((p) => ({
        workspaceId: p.input.workspaceId,
        visitorId: p.input.visitorId!,
        clientId: p.input.clientId,
        at: p.createdAt,
      })),
    );
    found.forEach((target, i) => {
      const pending = unknown[i]!;
      if (target.kind === 'conversation') targets.set(pending, target.conversationId);
      // A resend of a stored message: left out, so it settles as a duplicate.
      else if (target.kind === 'duplicate') return;
      else if (target.kind === 'full' && pending.fallback) diverted.add(pending);
      else missing.set(pending, target.kind === 'refused' ? target.error : notFound('conversation'));
    });
  }
  // 1. Lock and read the conversations (in id order: two batches never wait on each other
  // crosswise), with what the batch needs of them: the customer, the metrics clocks and the open
  // assignment, and which client ids are stored already. A close either committed before (seen
  // here) or waits for this batch.
  const placed = batch.filter((p) => targets.has(p));
  const locked = await lockConversations(
    tx,
    placed.map((p) => targets.get(p)!),
    placed.map((p) => p.input),
  );
  const byId = new Map(locked.map((row) => [row.conversation.id, row]));
  const stored = new Set(locked[0]?.stored ?? []);
  const writing: { pending: P; conversationId: string }[] = [];
  for (const pending of placed) {
    const { input } = pending;
    const conversationId = targets.get(pending)!;
    const found = byId.get(conversationId);
    const known = found && found.conversation.workspaceId === input.workspaceId;
    // A conversation no longer open, or gone (deleted since the visitor's last message): the
    // message takes its other path, which starts a new one; without one it is refused.
    if (pending.fallback && (!known || found.conversation.status !== 'open')) diverted.add(pending);
    else if (!known) missing.set(pending, notFound('conversation'));
    // A client id stored already, or twice in this batch: the first is kept, the rest are duplicates.
    else if (!stored.has(`${input.workspaceId}:${input.clientId}`)) {
      stored.add(`${input.workspaceId}:${input.clientId}`);
      writing.push({ pending, conversationId });
    }
  }
  if (writing.length === 0) return { written: [] as Written[], diverted, missing };
  const rows: MessageRow[] = writing.map(({ pending: { input, createdAt }, conversationId }) => {
    const contact = input.author.kind === 'contact' ? byId.get(conversationId)!.contact : null;
    return {
      id: randomUUID(),
      workspaceId: input.workspaceId,
      conversationId,
      clientId: input.clientId,
      authorKind: input.author.kind,
      authorId: contact ? contact.id : input.author.id,
      authorName: contact ? contact.name : input.author.name,
      impersonatorId: input.author.impersonator?.id ?? null,
      impersonatorName: input.author.impersonator?.name ?? null,
      text: input.text,
      private: input.private,
      whisper: false,
      activity: null,
      attachments: [],
      seq: 0,
      createdAt,
      readAt: null,
    };
  });
  // 2. What the messages do to their conversations, computed here from the locked rows: the same
  // values are written and announced, so nothing is read back.
  const clocks = await messageClocks(
    tx.db,
    rows,
    locked.map((row) => row.clocks),
    locked.map((row) => row.assignment),
  );
  const replies = new Map(clocks.conversations.map((k) => [k.id, k.first_reply]));
  const bursts = new Map(clocks.conversations.map((k) => [k.id, k.burst]));
  const moved = conversationChanges(rows).map((change) => {
    const { conversation: c, contact } = byId.get(change.id)!;
    const firstReply = replies.get(change.id);
    const burst = bursts.get(change.id);
    const next: ConversationRow = {
      ...c,
      lastActivityAt: new Date(Math.max(c.lastActivityAt.getTime(), change.lastAt.getTime())),
      lastMessageText: change.text ?? c.lastMessageText,
      lastMessageAuthor: change.author ?? c.lastMessageAuthor,
      unreadCount: c.unreadCount + change.customer,
      lastCustomerMessageAt: change.customerAt ?? c.lastCustomerMessageAt,
      lastOperatorMessageAt: change.operatorAt ?? c.lastOperatorMessageAt,
      firstOperatorReplyAt: c.firstOperatorReplyAt ?? (firstReply ? new Date(firstReply) : null),
      // As `clockSet` writes it: a conversation without a clock (only notes) keeps its burst.
      burstStartedAt: burst === undefined ? c.burstStartedAt : burst === null ? null : new Date(burst),
    };
    return { next, presented: presentConversation(next, contact) };
  });
  const presented = new Map(moved.map((m) => [m.next.id, m.presented]));
  // 3. The conversations (with the metrics clocks: one new row version per conversation and batch)
  // and the open assignments' clocks move first, their rows locked since step 1: that is most of
  // the batch's work (every index of a conversation, the metrics triggers), done before the
  // workspace row is locked, so another batch numbering its events does not wait for it. A
  // statement of its own also keeps the lock order of every other writer of conversations: the
  // metrics triggers' rows (`metric_days`, shared by a team's conversations of the day) first, the
  // workspace row (publishing, just before commit) last. Folded into the numbering statement, the
  // triggers (AFTER UPDATE) would run after that statement has locked the workspace row: the
  // opposite order to a close or a transfer, and a deadlock between them. Sent together with the
  // numbering statement and COMMIT (step 4), it still runs, triggers and all, before them.
  const m = <K extends keyof MessageRow>(key: K) => sql.param(rows.map((r) => r[key]));
  const c = <T>(pick: (row: ConversationRow) => T) => sql.param(moved.map(({ next }) => pick(next)));
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const assignments = assignmentClocksUpdate(clocks);
  const moving = () =>
    executePrepared(
      tx.db,
      sql`${assignments ? sql`WITH moved_assignments AS (${assignments}) ` : sql``}
      UPDATE conversations c SET
        last_activity_at = i.last_at, last_message_text = i.text, last_message_author = i.author,
        unread_count = i.unread, last_customer_message_at = i.customer_at,
        last_operator_message_at = i.operator_at,
        ${clockSet}
      FROM unnest(${c((r) => r.id)}::uuid[], ${c((r) => r.lastActivityAt.toISOString())}::timestamptz[],
        ${c((r) => r.lastMessageText)}::text[], ${c((r) => r.lastMessageAuthor)}::text[],
        ${c((r) => r.unreadCount)}::int[], ${c((r) => iso(r.lastCustomerMessageAt))}::timestamptz[],
        ${c((r) => iso(r.lastOperatorMessageAt))}::timestamptz[])
        AS i(id, last_at, text, author, unread, customer_at, operator_at)
        LEFT JOIN ${clockSource(clocks)} ON k.id = i.id
      WHERE c.id = i.id`,
    );
  // 4. One statement numbers and writes the events (the workspace row stays locked from here to the
  // commit, which follows it without waiting for this process) and the messages with their events'
  // sequences: a message's place in history is its place live.
  const publishing = () =>
    publishMany(
      tx,
      rows.map((row) => ({
        workspaceId: row.workspaceId,
        name: 'message.created' as const,
        payload: {
          message: presentMessage(opts.secret, row),
          conversation: presented.get(row.conversationId)!,
        },
        conversationId: row.conversationId,
        messageId: row.id,
      })),
      {
        trusted: true,
        along: sql`written_messages AS (
      INSERT INTO messages (id, workspace_id, conversation_id, client_id, author_kind, author_id,
        author_name, impersonator_id, impersonator_name, text, private, seq, created_at)
      SELECT v.id, v.workspace_id, v.conversation_id, v.client_id, v.author_kind, v.author_id, v.author_name,
        v.impersonator_id, v.impersonator_name, v.text, v.private, n.s, v.created_at
      FROM unnest(${m('id')}::uuid[], ${m('workspaceId')}::uuid[], ${m('conversationId')}::uuid[],
        ${m('clientId')}::text[], ${m('authorKind')}::text[], ${m('authorId')}::uuid[], ${m('authorName')}::text[],
        ${m('impersonatorId')}::uuid[], ${m('impersonatorName')}::text[], ${m('text')}::text[],
        ${m('private')}::bool[], ${sql.param(rows.map((r) => r.createdAt.toISOString()))}::timestamptz[])
        AS v(id, workspace_id, conversation_id, client_id, author_kind, author_id, author_name,
          impersonator_id, impersonator_name, text, private, created_at)
        JOIN numbered n ON n.m = v.id
    )`,
      },
    );
  const [, events] = await tx.commitWith(moving, publishing);
  // Presented once: the event's message (its sequence set by `publishMany`) is the one returned.
  const written = rows.map((row, i) => {
    row.seq = events[i]!.seq;
    return { row, message: (events[i]!.payload as { message: Message }).message };
  });
  return { written, diverted, missing };
}
