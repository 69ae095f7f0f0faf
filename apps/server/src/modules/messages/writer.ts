import type { AuthorKind, Message } from '@parley/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../platform/db/client.ts';
import { constraintOf, reportBatchFailure, sqlState } from '../../platform/db/errors.ts';
import { groupCommit } from '../../platform/db/group-commit.ts';
import { inProcess, transaction } from '../../platform/db/tx.ts';
import { DuplicateMessage } from './commands.ts';
import { sanitizeText } from './presenter.ts';
import { type BatchItem, type BatchOptions, type Written, writeBatch } from './writer-transaction.ts';

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

interface Pending extends BatchItem {
  fallback?: () => Promise<Message>;
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
 * their sequences, and COMMIT (`writeBatch`, writer-transaction.ts). What the messages do to their
 * conversations is computed from the locked rows, so the values written and the values announced are
 * the same and nothing is read back.
 * Under load that is a fraction of a round trip per message; alone, a message is written at once (on PGlite at the end of the event loop's turn it came in,
 * with the messages read from the other sockets in that turn: `gather`).
 */
export function createMessageWriter(
  opts: BatchOptions & { db: Db; logger: FastifyBaseLogger },
): MessageWriter {
  const open = new Map<string, { conversationId: string; at: number }>();

  const remember = (visitorId: string, conversationId: string) => {
    if (open.size >= CACHE_MAX) open.clear();
    open.set(visitorId, { conversationId, at: Date.now() });
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
      const { written, diverted, missing } = await transaction(opts.db, (tx) => writeBatch(tx, batch, opts), {
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
      reportBatchFailure(opts.logger, err, 'message batch', batch.length);
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
