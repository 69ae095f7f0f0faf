import type { Conversation } from '@parley/contracts';
import { asc, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { publishMany } from '../../events/publish.ts';
import type { Db, DbTx } from '../../platform/db/client.ts';
import { reportBatchFailure } from '../../platform/db/errors.ts';
import { groupCommit } from '../../platform/db/group-commit.ts';
import { contacts, conversations } from '../../platform/db/schema.ts';
import { inProcess, type Tx, transaction } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { assertCanView } from '../conversations/policy.ts';
import { presentConversation } from '../conversations/presenter.ts';
import type { Principal } from '../workspaces/policy.ts';

/** "I have read up to this message": an operator in the console or a visitor in the widget. */
export interface ReadRequest {
  reader: Principal;
  /** The newest message the reader has seen. */
  upTo: string;
  /** The operator's route names the conversation; the message must belong to it. */
  conversationId?: string;
}

export interface ReadReceipts {
  /** Resolves once the receipt is stored and published; rejects with a 4xx for a bad request. */
  mark(request: ReadRequest): Promise<void>;
  /** Resolves when everything queued so far is written (shutdown). */
  flushed(): Promise<void>;
}

interface Pending {
  request: ReadRequest;
  resolve(): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 500;

/** A conversation as events carry it, with the workspace it belongs to. */
type Located = Conversation & { workspaceId: string };

/** The message each receipt names, with its conversation as the reader may see it. */
async function resolveTargets(db: DbTx, batch: Pending[]) {
  const ids = [...new Set(batch.map((p) => p.request.upTo))];
  const { rows } = await db.execute<{
    id: string;
    conversation_id: string;
    workspace_id: string;
    created_at: string;
  }>(
    sql`SELECT id, conversation_id, workspace_id, created_at::text AS created_at
      FROM messages WHERE id = ANY(${sql.param(ids)}::uuid[])`,
  );
  const messages = new Map(rows.map((r) => [r.id, r]));
  const conversationIds = [...new Set(rows.map((r) => r.conversation_id))].sort();
  // Locked in id order, as the message writer does, so a batch of each never waits crosswise; the
  // unread count is then counted after every message committed before the lock.
  const locked = conversationIds.length
    ? await db
        .select({
          conversation: conversations,
          contact: { id: contacts.id, name: contacts.name, email: contacts.email },
        })
        .from(conversations)
        .innerJoin(contacts, sql`${contacts.id} = ${conversations.contactId}`)
        .where(sql`${conversations.id} = ANY(${sql.param(conversationIds)}::uuid[])`)
        .orderBy(asc(conversations.id))
        .for('no key update', { of: conversations })
    : [];
  const byId = new Map<string, Located>(
    locked.map((r) => [
      r.conversation.id,
      { workspaceId: r.conversation.workspaceId, ...presentConversation(r.conversation, r.contact) },
    ]),
  );
  return { messages, byId };
}

/** The conversation as the event carries it: without the workspace, with the recounted unread. */
function present({ workspaceId: _, ...conversation }: Located, unreadCount?: number): Conversation {
  return unreadCount === undefined ? conversation : { ...conversation, unreadCount };
}

/** Checks one receipt against what the reader may see; throws the 4xx the reader gets. */
function target(
  request: ReadRequest,
  messages: Map<string, { conversation_id: string; workspace_id: string; created_at: string }>,
  byId: Map<string, Located>,
): { conversation: Located; upToAt: string } {
  const message = messages.get(request.upTo);
  const inWorkspace = message && message.workspace_id === request.reader.workspaceId;
  if (request.conversationId !== undefined) {
    // The operator's route: the conversation must be visible, and the message one of its own.
    const conversation = byId.get(request.conversationId);
    if (!conversation || conversation.workspaceId !== request.reader.workspaceId) {
      if (!inWorkspace || message.conversation_id !== request.conversationId)
        throw new AppError('validation_failed', 'upTo: no such message in this conversation', 'upTo');
      throw notFound('conversation');
    }
    assertCanView(request.reader, conversation);
    if (!inWorkspace || message.conversation_id !== request.conversationId)
      throw new AppError('validation_failed', 'upTo: no such message in this conversation', 'upTo');
    return { conversation, upToAt: message.created_at };
  }
  if (!inWorkspace) throw notFound('message');
  const conversation = byId.get(message.conversation_id);
  if (!conversation) throw notFound('message');
  assertCanView(request.reader, conversation);
  return { conversation, upToAt: message.created_at };
}

/**
 * Read receipts by group commit (issue 11): while one batch is written, receipts queue up, and the
 * next transaction stores all of them with a fixed number of statements — the messages marked read,
 * the operators' unread counts, one `message.read` event per conversation and reader — instead of a
 * publishing transaction per receipt. Alone, a receipt is written at once (on PGlite at the end of its turn of the event loop, `gather`).
 */
export function createReadReceipts(opts: { db: Db; logger: FastifyBaseLogger }): ReadReceipts {
  const write = async (tx: Tx, batch: Pending[]) => {
    const { messages, byId } = await resolveTargets(tx.db, batch);
    // The newest point each reader reached in each conversation; refused receipts settle now.
    const reads = new Map<
      string,
      { conversation: Located; reader: 'operator' | 'contact'; upToAt: string }
    >();
    const accepted: Pending[] = [];
    for (const pending of batch) {
      try {
        const { conversation, upToAt } = target(pending.request, messages, byId);
        const { reader: principal } = pending.request;
        // The operator who has the conversation reads it (anyone, while no one has it): a supervisor
        // or a teammate looking in neither clears that operator's unread count nor tells the customer
        // their messages were seen.
        if (
          principal.kind === 'operator' &&
          conversation.assigneeId &&
          conversation.assigneeId !== principal.userId
        ) {
          accepted.push(pending);
          continue;
        }
        const reader = principal.kind === 'visitor' ? 'contact' : 'operator';
        const key = `${conversation.id}:${reader}`;
        const seen = reads.get(key);
        if (!seen || seen.upToAt < upToAt) reads.set(key, { conversation, reader, upToAt });
        accepted.push(pending);
      } catch (err) {
        pending.reject(err);
      }
    }
    if (reads.size === 0) return accepted;
    const list = [...reads.values()];
    const { rows: marked } = await tx.db.execute<{
      conversation_id: string;
      reader: 'operator' | 'contact';
    }>(sql`
      UPDATE messages m SET read_at = now()
      FROM unnest(${sql.param(list.map((r) => r.conversation.id))}::uuid[],
        ${sql.param(list.map((r) => r.reader))}::text[],
        ${sql.param(list.map((r) => r.upToAt))}::timestamptz[]) AS r(conversation_id, reader, up_to)
      WHERE m.conversation_id = r.conversation_id AND m.read_at IS NULL AND NOT m.private
        AND m.created_at <= r.up_to
        AND (CASE WHEN r.reader = 'operator' THEN m.author_kind = 'contact'
          ELSE m.author_kind IN ('operator', 'bot', 'system') END)
      RETURNING m.conversation_id, r.reader`);
    const changed = new Set(marked.map((m) => `${m.conversation_id}:${m.reader}`));
    const done = list.filter((r) => changed.has(`${r.conversation.id}:${r.reader}`));
    if (done.length === 0) return accepted;
    // Operators reading clears the conversation's unread count (what is left unread, recounted).
    const readByOperator = [
      ...new Set(done.filter((r) => r.reader === 'operator').map((r) => r.conversation.id)),
    ];
    const counts = new Map<string, number>();
    if (readByOperator.length) {
      const { rows } = await tx.db.execute<{ id: string; unread_count: number }>(sql`
        UPDATE conversations c SET unread_count = (SELECT count(*) FROM messages m
          WHERE m.conversation_id = c.id AND m.author_kind = 'contact' AND m.read_at IS NULL)
        WHERE c.id = ANY(${sql.param(readByOperator)}::uuid[])
        RETURNING c.id, c.unread_count`);
      for (const row of rows) counts.set(row.id, Number(row.unread_count));
    }
    // The events, with the COMMIT right behind them: the workspace row is not held while their answer
    // waits for this process.
    await tx.commitWith(() =>
      publishMany(
        tx,
        done.map((r) => ({
          workspaceId: r.conversation.workspaceId,
          name: 'message.read' as const,
          payload: {
            conversationId: r.conversation.id,
            reader: r.reader,
            upTo: new Date(r.upToAt).toISOString(),
            conversation: present(r.conversation, counts.get(r.conversation.id)),
          },
          conversationId: r.conversation.id,
        })),
        { trusted: true },
      ),
    );
    return accepted;
  };

  // A batch that lost a deadlock with another node's runs again, whole (`transaction`).
  const flush = async (batch: Pending[]): Promise<void> => {
    try {
      const accepted = await transaction(opts.db, (tx) => write(tx, batch));
      for (const pending of accepted) pending.resolve();
    } catch (err) {
      reportBatchFailure(opts.logger, err, 'read receipt batch', batch.length);
      for (const pending of batch) pending.reject(err);
    }
  };

  const commits = groupCommit<Pending>({
    maxBatch: MAX_BATCH,
    gather: inProcess(opts.db),
    run: (batch) => flush(batch),
  });

  return {
    mark(request) {
      return new Promise<void>((resolve, reject) => {
        commits.push({ request, resolve, reject });
      });
    },
    flushed: commits.flushed,
  };
}
