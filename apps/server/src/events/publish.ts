import { type EventName, type EventPayload, eventPayloads } from '@parley/contracts';
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { executePrepared } from '../platform/db/prepared.ts';
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
  payload: EventPayload<N>;
  /**
   * Lets a visitor's resume find its conversation's events without reading the whole workspace;
   * taken from the payload (`conversation.id` or `conversationId`) when not given.
   */
  conversationId?: string | null;
  /**
   * The stored message the event announces (`message.created`): the message takes the event's
   * sequence — its place in history is its place live — in the statement that writes the event, and
   * the payload's `message.seq` carries it (whatever the caller put there).
   */
  messageId?: string;
  /** Told the stored event once it is numbered (a deferred message learns its sequence). */
  numbered?: (event: StoredEvent) => void;
}

/**
 * Writes the event into the outbox in the caller's transaction and gives it the workspace's next
 * sequence number. Numbering holds the workspace row lock until commit, so sequence order is commit
 * order and a later sequence is never visible before an earlier one. Durable subscribers read it
 * through their cursors; the realtime bus and the subscriber pools hear of it once it has committed.
 */
export async function publish<N extends EventName>(tx: Tx, input: PublishInput<N>): Promise<StoredEvent> {
  const [stored] = await publishMany(tx, [input as AnyPublishInput]);
  return stored!;
}

type AnyPublishInput = { [N in EventName]: PublishInput<N> }[EventName];

/** The events of a transaction waiting to be published (`publishLater`). */
const LATER = Symbol('publish later');

/**
 * Publishes the event as late as possible: with the transaction's next `publish`/`publishMany`
 * (before that event, so the order is kept) or else just before it commits. The workspace row lock
 * that numbering takes is then held only at the end of the transaction, not during the rest of its
 * work (a first message: contact, conversation, message, clocks). An event deferred inside a savepoint
 * that rolls back is dropped with it; `numbered` tells the caller its sequence.
 */
export function publishLater<N extends EventName>(tx: Tx, input: PublishInput<N>): void {
  const waiting = tx.gathered<AnyPublishInput>(LATER);
  if (waiting.length === 0) {
    tx.beforeCommit(async (root) => {
      if (root.gathered(LATER).length > 0) await publishMany(root, []);
    });
  }
  waiting.push(input as AnyPublishInput);
}

/** The conversation an event is about, when it is about one: a visitor's resume reads by it. */
function conversationOf(payload: unknown): string | null {
  const p = payload as { conversation?: { id?: unknown }; conversationId?: unknown };
  const id = p.conversation?.id ?? p.conversationId;
  return typeof id === 'string' ? id : null;
}

/** A value no real sequence has, marking where a message's sequence goes in its event's text. */
const SEQ_MARK = -314159265;
const SEQ_MARK_TEXT = `"seq":${SEQ_MARK}`;

/**
 * The JSON text of a `message.created`-like payload in two parts, before and after the value of
 * `message.seq` (joined around the sequence once it is known): serialised once, not again with the
 * sequence. The mark cannot occur elsewhere: inside a JSON string, its quotes would be escaped.
 */
function seqParts(payload: unknown): [string, string] {
  const p = payload as { message: object };
  const text = JSON.stringify({ ...p, message: { ...p.message, seq: SEQ_MARK } });
  const at = text.indexOf(SEQ_MARK_TEXT);
  const cut = at + SEQ_MARK_TEXT.length - String(SEQ_MARK).length;
  return [text.slice(0, cut), text.slice(cut + String(SEQ_MARK).length)];
}

/**
 * Publishes several events in one statement, whatever their number (the batched message path relies
 * on this). Sequence numbers follow the order of `inputs` within each workspace.
 *
 * Everything that can be done before taking the workspace row lock is: payloads are checked and
 * serialised first, then one statement locks and numbers the workspaces, writes the events, gives
 * the announced messages their sequences and runs the caller's `along` writes — so the lock is held
 * from that statement to the commit, with no other round trip or work of this process in between
 * (which, under load, is what other publishers of the workspace wait for).
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
     * More of the caller's writes for the same statement, as data-modifying WITH queries (`name AS
     * (…)`, comma-separated). They may read `numbered` — one row per event: `w` workspace, `s`
     * sequence, `m` announced message id — to give the messages they insert their sequences; the
     * announced messages are then taken to be inserted by them, not updated.
     */
    along?: SQL;
  } = {},
): Promise<StoredEvent[]> {
  // Events deferred by `publishLater` go first, in their order; only the callers' own are returned.
  const waiting = tx.gathered<AnyPublishInput>(LATER).splice(0);
  const all = waiting.length > 0 ? [...waiting, ...inputs] : inputs;
  if (all.length === 0) return [];
  const trustedFrom = opts.trusted ? waiting.length : all.length;
  // Each event's place among its workspace's events here (1, 2, …): its sequence is the
  // workspace's counter before the statement plus that.
  const counts = new Map<string, number>();
  const rows = all.map((input, i) => {
    const offset = (counts.get(input.workspaceId) ?? 0) + 1;
    counts.set(input.workspaceId, offset);
    const payload =
      i >= trustedFrom && !checkTrusted ? input.payload : eventPayloads[input.name].parse(input.payload);
    const messageId = input.messageId ?? null;
    return {
      workspaceId: input.workspaceId,
      offset,
      name: input.name,
      payload,
      conversationId: input.conversationId ?? conversationOf(payload),
      messageId,
      // Serialised once: the same text goes into the outbox, onto the bus and to sockets. A message's
      // sequence is not known yet: its text is kept in two parts around it (`seqParts`).
      text: messageId ? seqParts(payload) : JSON.stringify(payload),
    };
  });
  const at = new Date().toISOString();
  const ids = [...counts.keys()].sort();
  const col = <T>(pick: (r: (typeof rows)[number]) => T) => sql.param(rows.map(pick));
  const announced = rows.some((r) => r.messageId);
  /** A row's payload text with its message's sequence (the mark for the database, which sets it). */
  const textOf = (r: (typeof rows)[number], seq: number) =>
    typeof r.text === 'string' ? r.text : r.text.join(String(seq));
  // The payloads as one JSON array, made of their texts as they are: no text escaped again into an
  // array literal (the driver's escaping of kilobytes of JSON was a measurable share of each batch).
  const payloads = sql.param(`[${rows.map((r) => textOf(r, SEQ_MARK)).join(',')}]`);
  // The workspaces are locked in id order (two statements never wait on each other crosswise), then
  // counted; an announced message's sequence is set in its payload by the database, as it is here:
  // the mark replaced in the text, which is stored as it is (a `json` column: checked, not parsed
  // into a tree and written out again).
  const { rows: counted } = await executePrepared<{ id: string; base: string | number }>(
    tx.db,
    sql`
    WITH locked AS (
      SELECT id FROM workspaces WHERE id = ANY(${sql.param(ids)}::uuid[]) ORDER BY id FOR NO KEY UPDATE
    ), counted AS (
      UPDATE workspaces w SET event_seq = w.event_seq + c.n
      FROM unnest(${sql.param(ids)}::uuid[], ${sql.param(ids.map((id) => counts.get(id)!))}::bigint[]) AS c(id, n)
        JOIN locked l ON l.id = c.id
      WHERE w.id = c.id
      RETURNING w.id, w.event_seq - c.n AS base
    ), numbered AS (
      SELECT v.w, counted.base + v.o AS s, v.n, p.p, v.c, v.m
      FROM unnest(${col((r) => r.workspaceId)}::uuid[], ${col((r) => r.offset)}::bigint[],
        ${col((r) => r.name)}::text[], ${col((r) => r.conversationId)}::uuid[],
        ${col((r) => r.messageId)}::uuid[]) WITH ORDINALITY AS v(w, o, n, c, m, i)
        JOIN json_array_elements(${payloads}::json) WITH ORDINALITY AS p(p, i) ON p.i = v.i
        JOIN counted ON counted.id = v.w
    ), written_events AS (
      INSERT INTO events (workspace_id, seq, name, payload, conversation_id, created_at)
      SELECT n.w, n.s, n.n,
        CASE WHEN n.m IS NULL THEN n.p ELSE replace(n.p::text, ${SEQ_MARK_TEXT}, '"seq":' || n.s)::json END,
        n.c, ${at}::timestamptz
      FROM numbered n
    )${
      opts.along
        ? sql`, ${opts.along}`
        : announced
          ? sql`, numbered_messages AS (
      UPDATE messages m SET seq = n.s FROM numbered n WHERE m.id = n.m)`
          : sql``
    }
    SELECT id, base FROM counted`,
  );
  const bases = new Map(counted.map((c) => [c.id, Number(c.base)]));
  for (const id of ids) if (!bases.has(id)) throw new Error(`publish: workspace ${id} does not exist`);
  const stored: StoredEvent[] = rows.map((r) => {
    const seq = bases.get(r.workspaceId)! + r.offset;
    let payload: unknown = r.payload;
    if (r.messageId) {
      const announcing = payload as { message: { seq: number } };
      payload = { ...announcing, message: { ...announcing.message, seq } };
    }
    const event: StoredEvent = { workspaceId: r.workspaceId, seq, name: r.name, payload, at };
    rememberPayloadText(event, textOf(r, seq));
    return event;
  });
  for (const [i, input] of all.entries()) input.numbered?.(stored[i]!);
  // Durable subscribers read the outbox through their cursors (events/cursors.ts): nothing to write
  // for them here. After commit the pools here hear of the events at once, other nodes through the bus.
  tx.afterCommit(() => {
    for (const event of stored) bus?.publish(event);
    wakeSubscribers(stored);
  });
  return waiting.length > 0 ? stored.slice(waiting.length) : stored;
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
