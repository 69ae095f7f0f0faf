import { type EventName, type EventPayload, eventPayloads } from '@parley/contracts';
import { eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { workspaces } from '../platform/db/schema.ts';
import type { Tx } from '../platform/db/tx.ts';
import { type EventBus, rememberPayloadText, type StoredEvent } from './bus.ts';
import { wakeSubscribers } from './cursors.ts';

let bus: EventBus | null = null;

/** Tests check even the trusted payloads against their schema. */
const checkTrusted = process.env.NODE_ENV === 'test' || process.env.VITEST !== undefined;

/** Set once at start: where committed events go for the realtime fast path. */
export function useEventBus(next: EventBus | null): void {
  bus = next;
}

export interface PublishInput<N extends EventName> {
  workspaceId: string;
  name: N;
  /** Or made from the event's sequence, for payloads that carry it (a message's order). */
  payload: EventPayload<N> | ((seq: number) => EventPayload<N>);
  /**
   * Lets a visitor's resume find its conversation's events without reading the whole workspace;
   * taken from the payload (`conversation.id` or `conversationId`) when not given.
   */
  conversationId?: string | null;
}

/**
 * Writes the event into the outbox in the caller's transaction and gives it the workspace's next
 * sequence number. The UPDATE holds the workspace row lock until commit, so sequence order is commit
 * order and a later sequence is never visible before an earlier one. Durable subscribers read it
 * through their cursors; the realtime bus and the subscriber pools hear of it once it has committed.
 */
export async function publish<N extends EventName>(tx: Tx, input: PublishInput<N>): Promise<StoredEvent> {
  const [stored] = await publishMany(tx, [input as AnyPublishInput]);
  return stored!;
}

type AnyPublishInput = { [N in EventName]: PublishInput<N> }[EventName];

/** Events of a transaction waiting to be published (`publishLater`), by the transaction. */
const later = new WeakMap<object, AnyPublishInput[]>();

/**
 * Publishes the event as late as possible: with the transaction's next `publish`/`publishMany`
 * (before that event, so the order is kept) or else just before it commits. The workspace row lock
 * that numbering takes is then held only at the end of the transaction, not during the rest of its
 * work (a first message: contact, conversation, message, clocks).
 */
export function publishLater<N extends EventName>(tx: Tx, input: PublishInput<N>): void {
  const waiting = later.get(tx.db);
  if (waiting) {
    waiting.push(input as AnyPublishInput);
    return;
  }
  later.set(tx.db, [input as AnyPublishInput]);
  tx.beforeCommit(async () => {
    if (later.get(tx.db)?.length) await publishMany(tx, []);
  });
}

/** The conversation an event is about, when it is about one: a visitor's resume reads by it. */
function conversationOf(payload: unknown): string | null {
  const p = payload as { conversation?: { id?: unknown }; conversationId?: unknown };
  const id = p.conversation?.id ?? p.conversationId;
  return typeof id === 'string' ? id : null;
}

/**
 * Publishes several events with one statement per step, whatever their number: the batched message
 * path relies on this. Sequence numbers follow the order of `inputs` within each workspace.
 */
export async function publishMany(
  tx: Tx,
  inputs: readonly AnyPublishInput[],
  opts: {
    /**
     * The payloads were built by the server from its own rows: their schema is checked by the tests,
     * not again on every event in production.
     */
    trusted?: boolean;
    /**
     * The stored message each input announces (by index; null for none): it takes its event's
     * sequence in the same statement that writes the events — its place in history is its place live.
     */
    messages?: readonly (string | null)[];
  } = {},
): Promise<StoredEvent[]> {
  const { stored, insert } = await numberEvents(tx, inputs, opts);
  if (!insert) return stored;
  const numbered = (opts.messages ?? []).flatMap((id, i) => (id ? [{ id, seq: stored[i]!.seq }] : []));
  if (numbered.length === 0) await tx.db.execute(insert);
  else {
    await tx.db.execute(sql`
      WITH inserted AS (${insert})
      UPDATE messages m SET seq = v.s
      FROM unnest(${sql.param(numbered.map((n) => n.id))}::uuid[], ${sql.param(numbered.map((n) => n.seq))}::bigint[])
        AS v(id, s)
      WHERE m.id = v.id`);
  }
  return stored;
}

/**
 * The first half of publishing, for a caller that writes the events in one statement together with
 * its own rows (the message writer: messages, conversations and events in one round trip). Numbers
 * the events — taking the workspace row lock until commit, as `publish` does — builds and serialises
 * their payloads, and returns the INSERT of the events, which the caller must run in this transaction
 * (alone or as a data-modifying `WITH` of its statement). Events deferred by `publishLater` go first;
 * only the caller's own are returned.
 */
export async function numberEvents(
  tx: Tx,
  inputs: readonly AnyPublishInput[],
  opts: { trusted?: boolean } = {},
): Promise<{ stored: StoredEvent[]; insert: SQL | null }> {
  const waiting = later.get(tx.db) ?? [];
  later.delete(tx.db);
  const all = waiting.length > 0 ? [...waiting, ...inputs] : inputs;
  if (all.length === 0) return { stored: [], insert: null };
  const trustedFrom = opts.trusted ? waiting.length : all.length;
  const counts = new Map<string, number>();
  for (const input of all) counts.set(input.workspaceId, (counts.get(input.workspaceId) ?? 0) + 1);
  // Workspaces in a fixed order, so two batches never wait on each other's locks crosswise.
  const ordered = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
  const next = new Map<string, number>();
  for (const [workspaceId, n] of ordered) {
    const [row] = await tx.db
      .update(workspaces)
      .set({ eventSeq: sql`${workspaces.eventSeq} + ${n}` })
      .where(eq(workspaces.id, workspaceId))
      .returning({ seq: workspaces.eventSeq });
    if (!row) throw new Error(`publish: workspace ${workspaceId} does not exist`);
    next.set(workspaceId, row.seq - n + 1);
  }
  const rows = all.map((input, i) => {
    const seq = next.get(input.workspaceId)!;
    next.set(input.workspaceId, seq + 1);
    const built = typeof input.payload === 'function' ? input.payload(seq) : input.payload;
    const trusted = i >= trustedFrom && !checkTrusted;
    const payload = trusted ? built : eventPayloads[input.name].parse(built);
    return {
      workspaceId: input.workspaceId,
      seq,
      name: input.name,
      payload,
      conversationId: input.conversationId ?? conversationOf(payload),
    };
  });
  // Each payload is serialised once: the same text goes into the outbox, onto the bus and to sockets.
  const texts = rows.map((r) => JSON.stringify(r.payload));
  const at = new Date().toISOString();
  const col = <T>(pick: (r: (typeof rows)[number], i: number) => T) => sql.param(rows.map(pick));
  // One statement of one shape whatever the number of events (arrays, not a VALUES list). The
  // workspace row stays locked from the numbering above to the commit: the fewer round trips in
  // between, the shorter other publishers wait.
  const insert = sql`
    INSERT INTO events (workspace_id, seq, name, payload, conversation_id, created_at)
    SELECT v.w, v.s, v.n, v.p::jsonb, v.c, ${at}::timestamptz
    FROM unnest(${col((r) => r.workspaceId)}::uuid[], ${col((r) => r.seq)}::bigint[],
      ${col((r) => r.name)}::text[], ${col((_r, i) => texts[i])}::text[],
      ${col((r) => r.conversationId)}::uuid[]) AS v(w, s, n, p, c)`;
  const stored: StoredEvent[] = rows.map((r, i) => {
    const event: StoredEvent = {
      workspaceId: r.workspaceId,
      seq: r.seq,
      name: r.name,
      payload: r.payload,
      at,
    };
    rememberPayloadText(event, texts[i]!);
    return event;
  });
  // Durable subscribers read the outbox through their cursors (events/cursors.ts): nothing to write
  // for them here. After commit the pools here hear of the events at once, other nodes through the bus.
  tx.afterCommit(() => {
    for (const event of stored) bus?.publish(event);
    wakeSubscribers(stored);
  });
  return { stored: waiting.length > 0 ? stored.slice(waiting.length) : stored, insert };
}

/**
 * Deletes events older than the retention period, a slice at a time so no statement holds locks for
 * long. Clients away for longer are told to reload instead of resuming (see the gateway). A durable
 * subscriber's cursor still behind pruned events records the range it missed as a dead letter and
 * moves on (events/cursors.ts): retention is days, far beyond any healthy subscriber's lag.
 */
export async function pruneEvents(db: Db, olderThan: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await db.execute<{ n: number }>(sql`
      WITH doomed AS (
        SELECT workspace_id, seq FROM events WHERE created_at < ${olderThan.toISOString()}::timestamptz LIMIT 5000)
      , deleted AS (
        DELETE FROM events e USING doomed d WHERE e.workspace_id = d.workspace_id AND e.seq = d.seq RETURNING 1)
      SELECT count(*)::int AS n FROM deleted`);
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < 5000) return total;
  }
}
