import { randomUUID } from 'node:crypto';
import type { AuthorKind, Message } from '@parley/contracts';
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { publishMany } from '../../events/publish.ts';
import type { Db } from '../../platform/db/client.ts';
import { constraintOf, sqlState } from '../../platform/db/errors.ts';
import { groupCommit } from '../../platform/db/group-commit.ts';
import { executePrepared } from '../../platform/db/prepared.ts';
import type { conversations } from '../../platform/db/schema.ts';
import { inProcess, type Tx, transaction } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { presentConversation } from '../conversations/presenter.ts';
import { assignmentClocksUpdate, clockSet, clockSource, messageClocks } from '../metrics/message-clocks.ts';
import { DuplicateMessage } from './commands.ts';
import { presentMessage, sanitizeText } from './presenter.ts';
import { visitorConversations } from './visitor-conversations.ts';
import { conversationChanges, lockConversations, type MessageRow } from './writer-batch.ts';

/** A text message to a conversation that already exists: the common case, and the hot path. */
export interface PlainMessage {
  workspaceId: string;
  /**
   * Null for a visitor's message whose conversation is not known (`visitorId` is then required): it
   * goes to their open conversation, or starts one, inside the batch (`visitorConversations`).
   */
  conversationId: string | null;
  clientId: string;
  /**
   * For a customer (`contact`), id and name are taken from the conversation's contact inside the
   * batch, so a cached conversation never writes a stale name.
   */
  author: {
    kind: AuthorKind;
    id: string | null;
    name: string | null;
    /** OPS-4: the colleague who really sent it while impersonating the author. */
    impersonator?: { id: string; name: string } | null;
  };
  text: string;
  private: boolean;
  /** The visitor who wrote it: remembered as the visitor's open conversation once it is written. */
  visitorId?: string;
}

type ConversationRow = typeof conversations.$inferSelect;

/** A message the batch stored: its row, and the message as announced (with its sequence). */
interface Written {
  row: MessageRow;
  message: Message;
}

interface Pending {
  input: PlainMessage;
  /** Taken instead when the conversation is no longer open at write time. */
  fallback?: () => Promise<Message>;
  createdAt: Date;
  resolve(message: Message): void;
  reject(err: unknown): void;
}

export interface MessageWriter {
  /**
   * Writes into an open conversation. With `whenNotOpen`, the conversation's state is checked again
   * inside the batch (it may have been closed or snoozed since the caller looked): if it is no longer
   * open, the message takes that path instead (the full transaction that reopens and routes).
   */
  write(input: PlainMessage, whenNotOpen?: () => Promise<Message>): Promise<Message>;
  /**
   * The conversation this visitor last wrote to through the writer, while it was open then. Only a
   * hint: a message written to it still has `whenNotOpen` checked in the batch.
   */
  openConversationOf(visitorId: string): string | null;
  /** Forgets a visitor's cached conversation (it closed, or it was not theirs to use). */
  forget(visitorId: string): void;
  /** Resolves when everything queued so far is written (shutdown). */
  flushed(): Promise<void>;
}

let lastStamp = 0;
/**
 * The wall clock, never going back on this node. Several messages of the same millisecond share it
 * (their order is their sequence): a clock moved one millisecond per message ran ahead of real time
 * as soon as a node took more than 1,000 messages a second (4 s per second at 5,000), and every
 * message after a burst carried a time in the future (shown, and counted by the metrics).
 */
function stamp(): Date {
  lastStamp = Math.max(Date.now(), lastStamp);
  return new Date(lastStamp);
}

const MAX_BATCH = 500;
/** A cached open conversation is used for this long, then looked up again. */
const CACHE_MS = 60_000;
const CACHE_MAX = 100_000;

/** A row PostgreSQL refused (a foreign key, a check, bad data): the batch is retried without it. */
const rowError = (err: unknown) => {
  const code = sqlState(err);
  return code !== null && (code.startsWith('23') || code.startsWith('22'));
};

/**
 * Group commit for messages: while one batch is being written, new messages queue up, and the next
 * transaction writes all of them in two round trips on PostgreSQL whatever the batch size, every
 * statement of a fixed shape (arrays passed to `unnest`): BEGIN with the statement that locks and
 * reads the conversations (with their customer, clocks, open assignment, and which client ids are
 * stored already); then, sent together (`tx.commitWith`, pipelined), the statement that moves the
 * conversations and their metrics clocks (one row version per conversation) and the assignments'
 * clocks, the one that numbers and inserts the events (`publishMany`) and inserts the messages with
 * their sequences, and COMMIT. What the messages do to their conversations is computed here from the
 * locked rows, so the values written and the values announced are the same and nothing is read back.
 * Under load that is a fraction of a round trip per message; alone, a message is written at once (on PGlite at the end of the event loop's turn it came in,
 * with the messages read from the other sockets in that turn: `gather`).
 */
export function createMessageWriter(opts: {
  db: Db;
  secret: string;
  logger: FastifyBaseLogger;
  /** Tests: runs inside each batch's transaction before anything is written. */
  beforeBatch?: (tx: Tx, inputs: readonly PlainMessage[]) => Promise<void>;
}): MessageWriter {
  const open = new Map<string, { conversationId: string; at: number }>();

  const remember = (visitorId: string, conversationId: string) => {
    if (open.size >= CACHE_MAX) open.clear();
    open.set(visitorId, { conversationId, at: Date.now() });
  };

  const write = async (tx: Tx, batch: Pending[]) => {
    await opts.beforeBatch?.(
      tx,
      batch.map((p) => p.input),
    );
    const diverted = new Set<Pending>();
    const missing = new Map<Pending, Error>();
    // 0. A visitor's message without a known conversation: the visitor's open one, or one started now.
    const targets = new Map<Pending, string>();
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
    const writing: { pending: Pending; conversationId: string }[] = [];
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
    const moved = conversationChanges(rows).map((change) => {
      const { conversation: c, contact } = byId.get(change.id)!;
      const firstReply = replies.get(change.id);
      const next: ConversationRow = {
        ...c,
        lastActivityAt: new Date(Math.max(c.lastActivityAt.getTime(), change.lastAt.getTime())),
        lastMessageText: change.text ?? c.lastMessageText,
        lastMessageAuthor: change.author ?? c.lastMessageAuthor,
        unreadCount: c.unreadCount + change.customer,
        lastCustomerMessageAt: change.customerAt ?? c.lastCustomerMessageAt,
        lastOperatorMessageAt: change.operatorAt ?? c.lastOperatorMessageAt,
        firstOperatorReplyAt: c.firstOperatorReplyAt ?? (firstReply ? new Date(firstReply) : null),
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
  };

  const settle = (
    batch: Pending[],
    written: Written[],
    diverted: Set<Pending>,
    missing: Map<Pending, Error>,
  ) => {
    const key = (workspaceId: string, clientId: string | null) => `${workspaceId}:${clientId}`;
    const byClientId = new Map(written.map((w) => [key(w.row.workspaceId, w.row.clientId), w]));
    for (const pending of batch) {
      const refused = missing.get(pending);
      if (refused) {
        if (pending.input.visitorId) open.delete(pending.input.visitorId);
        pending.reject(refused);
        continue;
      }
      if (diverted.has(pending)) {
        if (pending.input.visitorId) open.delete(pending.input.visitorId);
        pending.fallback!().then(pending.resolve, pending.reject);
        continue;
      }
      const k = key(pending.input.workspaceId, pending.input.clientId);
      const stored = byClientId.get(k);
      byClientId.delete(k);
      if (stored) {
        if (pending.input.visitorId) remember(pending.input.visitorId, stored.row.conversationId);
        pending.resolve(stored.message);
      } else pending.reject(new DuplicateMessage(pending.input.clientId));
    }
  };

  /**
   * Writes a batch (one that lost a deadlock runs again, as every transaction does); a row the
   * database refuses is singled out: the batch is split in halves until the failing message fails
   * alone and the others are written.
   */
  const flush = async (batch: Pending[], attempt = 0): Promise<void> => {
    try {
      const { written, diverted, missing } = await transaction(opts.db, (tx) => write(tx, batch), {
        genericPlans: true,
      });
      settle(batch, written, diverted, missing);
    } catch (err) {
      // A client id stored by another node between this batch's check and its insert: written
      // again, the check sees it now.
      const raced = sqlState(err) === '23505' && constraintOf(err) === 'messages_client_id_key';
      if (raced && attempt < 5) return flush(batch, attempt + 1);
      if (batch.length > 1 && rowError(err)) {
        const half = Math.ceil(batch.length / 2);
        await flush(batch.slice(0, half));
        await flush(batch.slice(half));
        return;
      }
      opts.logger.error({ err, size: batch.length }, 'message batch failed');
      for (const pending of batch) pending.reject(err);
    }
  };

  // Two batches in flight: one locks and reads while the other numbers, writes and commits. Never two
  // with the same conversation, so a conversation's messages are numbered in the order they came.
  const commits = groupCommit<Pending>({
    maxBatch: MAX_BATCH,
    concurrency: 2,
    key: (pending) => pending.input.conversationId ?? `visitor:${pending.input.visitorId}`,
    // On PGlite, the messages read in the same turn of the event loop go together (see groupCommit).
    gather: inProcess(opts.db),
    run: (batch) => flush(batch),
  });

  return {
    write(input, whenNotOpen) {
      return new Promise<Message>((resolve, reject) => {
        commits.push({
          input: { ...input, text: sanitizeText(input.text) },
          fallback: whenNotOpen,
          createdAt: stamp(),
          resolve,
          reject,
        });
      });
    },
    openConversationOf(visitorId) {
      const hit = open.get(visitorId);
      if (!hit) return null;
      if (Date.now() - hit.at > CACHE_MS) {
        open.delete(visitorId);
        return null;
      }
      return hit.conversationId;
    },
    forget(visitorId) {
      open.delete(visitorId);
    },
    flushed: commits.flushed,
  };
}
