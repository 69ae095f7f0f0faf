import type { AuthorKind, Message } from '@parley/contracts';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { publishMany } from '../../events/publish.ts';
import type { Db } from '../../platform/db/client.ts';
import { contacts, conversations, messages } from '../../platform/db/schema.ts';
import { type Tx, transaction } from '../../platform/db/tx.ts';
import { presentConversation } from '../conversations/presenter.ts';
import { recordMessages } from '../metrics/facts.ts';
import { DuplicateMessage, setSeqs } from './commands.ts';
import { presentMessage, sanitizeText } from './presenter.ts';

/** A text message to a conversation that already exists: the common case, and the hot path. */
export interface PlainMessage {
  workspaceId: string;
  conversationId: string;
  clientId: string;
  author: {
    kind: AuthorKind;
    id: string | null;
    name: string | null;
    /** OPS-4: the colleague who really sent it while impersonating the author. */
    impersonator?: { id: string; name: string } | null;
  };
  text: string;
  private: boolean;
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
  /** Resolves when everything queued so far is written (shutdown). */
  flushed(): Promise<void>;
}

let lastStamp = 0;
/** Strictly increasing on this node, so messages of one conversation keep their order in history. */
function stamp(): Date {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return new Date(lastStamp);
}

const MAX_BATCH = 500;

/**
 * Group commit for messages: while one batch is being written, new messages queue up, and the next
 * transaction writes all of them with a fixed number of statements (insert messages, move the
 * conversations' clocks, read them back, number and insert the events). Under load that is a
 * fraction of a round trip per message; alone, a message is written at once.
 */
export function createMessageWriter(opts: {
  db: Db;
  secret: string;
  logger: FastifyBaseLogger;
}): MessageWriter {
  let queue: Pending[] = [];
  let running: Promise<void> | null = null;

  const flush = async (batch: Pending[]) => {
    let diverted = new Set<Pending>();
    const inserted = await transaction(opts.db, async (tx) => {
      diverted = await notOpenAnyMore(tx, batch);
      const writing = batch.filter((pending) => !diverted.has(pending));
      if (writing.length === 0) return [];
      const rows = await tx.db
        .insert(messages)
        .values(
          writing.map(({ input, createdAt }) => ({
            workspaceId: input.workspaceId,
            conversationId: input.conversationId,
            clientId: input.clientId,
            authorKind: input.author.kind,
            authorId: input.author.id,
            authorName: input.author.name,
            impersonatorId: input.author.impersonator?.id ?? null,
            impersonatorName: input.author.impersonator?.name ?? null,
            text: input.text,
            private: input.private,
            createdAt,
          })),
        )
        .onConflictDoNothing()
        .returning();
      if (rows.length === 0) return rows;
      await tx.db.execute(sql`
        UPDATE conversations c SET
          last_activity_at = greatest(c.last_activity_at, i.last_at),
          last_message_text = coalesce(i.text, c.last_message_text),
          last_message_author = coalesce(i.author, c.last_message_author),
          unread_count = c.unread_count + i.customer,
          last_customer_message_at = coalesce(i.customer_at, c.last_customer_message_at),
          last_operator_message_at = coalesce(i.operator_at, c.last_operator_message_at),
          first_operator_reply_at = coalesce(c.first_operator_reply_at, i.operator_first_at)
        FROM jsonb_to_recordset(${JSON.stringify(conversationChanges(rows))}::jsonb) AS i(
          id uuid, last_at timestamptz, text text, author text, customer int,
          customer_at timestamptz, operator_at timestamptz, operator_first_at timestamptz)
        WHERE c.id = i.id`);
      await recordMessages(tx.db, rows);
      const ids = [...new Set(rows.map((r) => r.conversationId))];
      const after = await tx.db
        .select({
          conversation: conversations,
          contact: { id: contacts.id, name: contacts.name, email: contacts.email },
        })
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(inArray(conversations.id, ids));
      const presented = new Map(
        after.map((r) => [r.conversation.id, presentConversation(r.conversation, r.contact)]),
      );
      const published = await publishMany(
        tx,
        rows.map((row) => ({
          workspaceId: row.workspaceId,
          name: 'message.created' as const,
          payload: (seq: number) => ({
            message: presentMessage(opts.secret, { ...row, seq }),
            conversation: presented.get(row.conversationId)!,
          }),
          conversationId: row.conversationId,
        })),
      );
      // Each message takes the sequence of its event: its place in history is its place live.
      const ordered = rows.map((row, i) => ({ ...row, seq: published[i]!.seq }));
      await setSeqs(tx, ordered);
      return ordered;
    });
    const key = (workspaceId: string, clientId: string | null) => `${workspaceId}:${clientId}`;
    const byClientId = new Map(inserted.map((row) => [key(row.workspaceId, row.clientId), row]));
    for (const pending of batch) {
      if (diverted.has(pending) && pending.fallback) {
        pending.fallback().then(pending.resolve, pending.reject);
        continue;
      }
      const k = key(pending.input.workspaceId, pending.input.clientId);
      const row = byClientId.get(k);
      byClientId.delete(k);
      if (row) pending.resolve(presentMessage(opts.secret, row));
      else pending.reject(new DuplicateMessage(pending.input.clientId));
    }
  };

  const drain = () => {
    if (running || queue.length === 0) return;
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(MAX_BATCH);
    // Two nodes' batches can lock the same conversations in opposite orders; PostgreSQL then aborts
    // one of them (deadlock, 40P01) and it is simply written again.
    running = flush(batch)
      .catch((err) => ((err as { code?: string }).code === '40P01' ? flush(batch) : Promise.reject(err)))
      .catch((err) => {
        opts.logger.error({ err, size: batch.length }, 'message batch failed');
        for (const pending of batch) pending.reject(err);
      })
      .finally(() => {
        running = null;
        drain();
      });
  };

  return {
    write(input, whenNotOpen) {
      return new Promise<Message>((resolve, reject) => {
        queue.push({
          input: { ...input, text: sanitizeText(input.text) },
          fallback: whenNotOpen,
          createdAt: stamp(),
          resolve,
          reject,
        });
        drain();
      });
    },
    async flushed() {
      while (running || queue.length > 0) await (running ?? Promise.resolve());
    },
  };
}

/**
 * Messages whose conversation was closed or snoozed after the caller checked it: the check is repeated
 * here under a row lock, so a concurrent close either committed before (seen here) or waits for this
 * batch to commit.
 */
async function notOpenAnyMore(tx: Tx, batch: Pending[]): Promise<Set<Pending>> {
  const checked = batch.filter((pending) => pending.fallback);
  if (checked.length === 0) return new Set();
  const ids = [...new Set(checked.map((pending) => pending.input.conversationId))].sort();
  const open = await tx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(inArray(conversations.id, ids), eq(conversations.status, 'open')))
    .orderBy(asc(conversations.id))
    .for('no key update');
  const stillOpen = new Set(open.map((row) => row.id));
  return new Set(checked.filter((pending) => !stillOpen.has(pending.input.conversationId)));
}

/** What a batch does to each conversation: its newest public message, clocks and unread count. */
function conversationChanges(rows: (typeof messages.$inferSelect)[]) {
  const changes = new Map<
    string,
    {
      id: string;
      last_at: string;
      text: string | null;
      author: string | null;
      customer: number;
      customer_at: string | null;
      operator_at: string | null;
      operator_first_at: string | null;
    }
  >();
  for (const row of [...rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const at = row.createdAt.toISOString();
    const change = changes.get(row.conversationId) ?? {
      id: row.conversationId,
      last_at: at,
      text: null,
      author: null,
      customer: 0,
      customer_at: null,
      operator_at: null,
      operator_first_at: null,
    };
    change.last_at = at;
    if (!row.private) {
      change.text = row.text.slice(0, 200);
      change.author = row.authorKind;
      if (row.authorKind === 'contact') {
        change.customer += 1;
        change.customer_at = at;
      } else if (row.authorKind === 'operator') {
        change.operator_at = at;
        change.operator_first_at ??= at;
      }
    }
    changes.set(row.conversationId, change);
  }
  return [...changes.values()];
}
