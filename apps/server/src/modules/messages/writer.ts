import type { AuthorKind, Message } from '@parley/contracts';
import { asc, eq, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { publishMany } from '../../events/publish.ts';
import type { Db } from '../../platform/db/client.ts';
import { isTransactionConflict, sqlState } from '../../platform/db/errors.ts';
import { groupCommit } from '../../platform/db/group-commit.ts';
import { contacts, conversations, type messages } from '../../platform/db/schema.ts';
import { type Tx, transaction } from '../../platform/db/tx.ts';
import { presentConversation } from '../conversations/presenter.ts';
import {
  type ClockState,
  clockColumns,
  clockSet,
  clockSource,
  messageClocks,
  writeAssignmentClocks,
} from '../metrics/message-clocks.ts';
import { DuplicateMessage } from './commands.ts';
import { presentMessage, sanitizeText } from './presenter.ts';

/** A text message to a conversation that already exists: the common case, and the hot path. */
export interface PlainMessage {
  workspaceId: string;
  conversationId: string;
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

type MessageRow = typeof messages.$inferSelect;

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
/** Strictly increasing on this node, so messages of one conversation keep their order in history. */
function stamp(): Date {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
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
 * transaction writes all of them with a fixed number of statements of a fixed shape (arrays passed
 * to `unnest`, whatever the batch size): lock and check the conversations, insert the messages, move
 * the conversations' clocks and the metrics facts (one UPDATE), read the conversations back, number
 * the events, then insert them and give each message its sequence (one statement). Under load that
 * is a fraction of a round trip per message; alone, a message is written at once.
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
    const ids = [...new Set(batch.map((p) => p.input.conversationId))].sort();
    // Locked in id order (two batches never wait on each other crosswise) and re-checked here: a
    // close either committed before (seen) or waits for this batch.
    // With the metrics clocks (`clockColumns`), so recording them needs no second read.
    const { rows: state } = await tx.db.execute<
      ClockState & { status: string; contact_id: string; contact_name: string | null }
    >(sql`
      SELECT c.id, c.status, c.contact_id, ct.name AS contact_name, ${clockColumns}
      FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
      WHERE c.id = ANY(${sql.param(ids)}::uuid[])
      ORDER BY c.id FOR NO KEY UPDATE OF c`);
    const byId = new Map(state.map((row) => [row.id, row]));
    const diverted = new Set<Pending>();
    const writing: Pending[] = [];
    for (const pending of batch) {
      const conversation = byId.get(pending.input.conversationId);
      if (pending.fallback && conversation?.status !== 'open') diverted.add(pending);
      else writing.push(pending);
    }
    if (writing.length === 0) return { rows: [] as MessageRow[], diverted };
    const values = writing.map(({ input, createdAt }) => {
      const contact = input.author.kind === 'contact' ? byId.get(input.conversationId) : undefined;
      return {
        workspaceId: input.workspaceId,
        conversationId: input.conversationId,
        clientId: input.clientId,
        authorKind: input.author.kind,
        authorId: contact ? contact.contact_id : input.author.id,
        authorName: contact ? contact.contact_name : input.author.name,
        impersonatorId: input.author.impersonator?.id ?? null,
        impersonatorName: input.author.impersonator?.name ?? null,
        text: input.text,
        private: input.private,
        createdAt,
      };
    });
    const col = <K extends keyof (typeof values)[number]>(key: K) => sql.param(values.map((v) => v[key]));
    const { rows: ins } = await tx.db.execute<{ id: string; i: number }>(sql`
      INSERT INTO messages AS m (workspace_id, conversation_id, client_id, author_kind, author_id,
        author_name, impersonator_id, impersonator_name, text, private, created_at)
      SELECT v.workspace_id, v.conversation_id, v.client_id, v.author_kind, v.author_id, v.author_name,
        v.impersonator_id, v.impersonator_name, v.text, v.private, v.created_at
      FROM unnest(${col('workspaceId')}::uuid[], ${col('conversationId')}::uuid[], ${col('clientId')}::text[],
        ${col('authorKind')}::text[], ${col('authorId')}::uuid[], ${col('authorName')}::text[],
        ${col('impersonatorId')}::uuid[], ${col('impersonatorName')}::text[],
        ${col('text')}::text[], ${col('private')}::bool[],
        ${sql.param(values.map((v) => v.createdAt.toISOString()))}::timestamptz[])
        WITH ORDINALITY AS v(workspace_id, conversation_id, client_id, author_kind, author_id, author_name,
          impersonator_id, impersonator_name, text, private, created_at, i)
      ORDER BY v.i
      ON CONFLICT DO NOTHING
      RETURNING m.id, m.client_id, m.workspace_id`);
    // RETURNING gives no ordinality: rows are matched back by (workspace, client id), which is unique.
    // A client id twice in one batch: the first (in insertion order) is stored, the other is a duplicate.
    const index = new Map<string, number>();
    values.forEach((v, i) => {
      const key = `${v.workspaceId}:${v.clientId}`;
      if (!index.has(key)) index.set(key, i);
    });
    const rows: MessageRow[] = (ins as unknown as { id: string; client_id: string; workspace_id: string }[])
      .map((r) => ({ r, i: index.get(`${r.workspace_id}:${r.client_id}`)! }))
      .sort((a, b) => a.i - b.i)
      .map(({ r, i }) => ({
        ...values[i]!,
        id: r.id,
        attachments: [],
        seq: 0,
        readAt: null,
        whisper: false,
      }));
    if (rows.length === 0) return { rows, diverted };
    const changes = conversationChanges(rows);
    const ch = <K extends keyof (typeof changes)[number]>(key: K) => sql.param(changes.map((c) => c[key]));
    // The metrics clocks (metrics/message-clocks.ts) move in the same UPDATE: one new row version per
    // conversation and batch.
    const clocks = await messageClocks(tx.db, rows, state);
    await tx.db.execute(sql`
      UPDATE conversations c SET
        last_activity_at = greatest(c.last_activity_at, i.last_at),
        last_message_text = coalesce(i.text, c.last_message_text),
        last_message_author = coalesce(i.author, c.last_message_author),
        unread_count = c.unread_count + i.customer,
        last_customer_message_at = coalesce(i.customer_at, c.last_customer_message_at),
        last_operator_message_at = coalesce(i.operator_at, c.last_operator_message_at),
        ${clockSet}
      FROM unnest(${ch('id')}::uuid[], ${ch('last_at')}::timestamptz[], ${ch('text')}::text[],
        ${ch('author')}::text[], ${ch('customer')}::int[], ${ch('customer_at')}::timestamptz[],
        ${ch('operator_at')}::timestamptz[])
        AS i(id, last_at, text, author, customer, customer_at, operator_at)
        LEFT JOIN ${clockSource(clocks)} ON k.id = i.id
      WHERE c.id = i.id`);
    await writeAssignmentClocks(tx.db, clocks);
    const touched = [...new Set(rows.map((r) => r.conversationId))];
    const after = await tx.db
      .select({
        conversation: conversations,
        contact: { id: contacts.id, name: contacts.name, email: contacts.email },
      })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(sql`${conversations.id} = ANY(${sql.param(touched)}::uuid[])`)
      .orderBy(asc(conversations.id));
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
      // Each message takes the sequence of its event (its place in history is its place live), in
      // the statement that writes the events.
      { trusted: true, messages: rows.map((row) => row.id) },
    );
    const ordered = rows.map((row, i) => ({ ...row, seq: published[i]!.seq }));
    return { rows: ordered, diverted };
  };

  const settle = (batch: Pending[], rows: MessageRow[], diverted: Set<Pending>) => {
    const key = (workspaceId: string, clientId: string | null) => `${workspaceId}:${clientId}`;
    const byClientId = new Map(rows.map((row) => [key(row.workspaceId, row.clientId), row]));
    for (const pending of batch) {
      if (diverted.has(pending)) {
        if (pending.input.visitorId) open.delete(pending.input.visitorId);
        pending.fallback!().then(pending.resolve, pending.reject);
        continue;
      }
      const k = key(pending.input.workspaceId, pending.input.clientId);
      const row = byClientId.get(k);
      byClientId.delete(k);
      if (row) {
        if (pending.input.visitorId) remember(pending.input.visitorId, row.conversationId);
        pending.resolve(presentMessage(opts.secret, row));
      } else pending.reject(new DuplicateMessage(pending.input.clientId));
    }
  };

  /**
   * Writes a batch; a deadlock is retried, and a row the database refuses is singled out: the batch
   * is split in halves until the failing message fails alone and the others are written.
   */
  const flush = async (batch: Pending[], attempt = 0): Promise<void> => {
    try {
      const { rows, diverted } = await transaction(opts.db, (tx) => write(tx, batch));
      settle(batch, rows, diverted);
    } catch (err) {
      if (isTransactionConflict(err) && attempt < 5) return flush(batch, attempt + 1);
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

  const commits = groupCommit<Pending>({ maxBatch: MAX_BATCH, run: (batch) => flush(batch) });

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

/** What a batch does to each conversation: its newest public message, clocks and unread count. */
function conversationChanges(rows: MessageRow[]) {
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
      }
    }
    changes.set(row.conversationId, change);
  }
  return [...changes.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}
