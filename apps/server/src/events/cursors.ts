import { type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db, Queryable } from '../platform/db/client.ts';
import { executePrepared } from '../platform/db/prepared.ts';
import { type Run, releaseGoneLeases, soleRun } from '../platform/db/run.ts';
import type { StoredEvent } from './bus.ts';
import { type DurableSubscriber, durableSubscribers, onSubscribe, wants } from './subscribers.ts';

/**
 * Durable subscribers read the outbox through cursors (issue 11): one row per subscriber and
 * workspace in `subscriber_cursors` says "every event up to seq N is done". Sequence numbers are
 * given under the workspace row lock held until commit (events/publish.ts), so within a workspace
 * sequence order is commit order and no event below a committed one can appear later: "up to N" is
 * exact, and the workspace's committed `event_seq` says whether a cursor has work.
 *
 * Each subscriber has a pool of its own (a slow webhook never delays routing); a pool leases a few
 * cursors at once (FOR UPDATE SKIP LOCKED, `locked_until` renewed while it runs, every write fenced on
 * the `lease` number bumped at each claim) and hands the events after each, a batch at a time, to the
 * handler in order. The cursor moves after each handled event, so a node dying mid-batch runs again
 * only the event it was running (at-least-once). A handler that throws holds that cursor back
 * (`retry_at`, with backoff) — that workspace and subscriber only — until its last attempt, then the
 * event becomes a dead letter and the cursor moves on.
 */
export interface SubscriberWorkers {
  /** Events committed (here or, through the bus, on another node): the pools that want them run now. */
  wake(events: readonly { workspaceId: string; name: string; payload?: unknown }[]): void;
  /** Every pool looks for work now. */
  poke(): void;
  /** Processes every cursor with due work and resolves when none is left (tests). */
  drain(): Promise<void>;
  /** Whether some cursor has events to process that no worker holds (for `drain`). */
  pending(): Promise<boolean>;
  stop(): Promise<void>;
}

interface Claimed {
  workspaceId: string;
  seq: number;
  lease: number;
  attempts: number;
  head: number;
}

type EventRow = {
  seq: number | string | null;
  name: string;
  payload: unknown;
  created_at: string | Date;
};

const workersRunning = new Set<SubscriberWorkers>();

/** Wakes this process's subscriber pools after a commit that published events. */
export function wakeSubscribers(events: readonly { workspaceId: string; name: string; payload?: unknown }[]) {
  for (const workers of workersRunning) workers.wake(events);
}

class LostLease extends Error {}

/**
 * Gives back every subscriber's lease on its cursors: for a process that is the only one on its
 * database (the embedded one, whose data directory it has locked), at start, before its pools run. A
 * lease left then is from a process that was killed while it ran those events; until it ran out (a
 * minute) the subscriber (routing, the inbox, the widget's availability) would not go on in that
 * workspace. `lease` is not moved: the next claim moves it.
 */
export async function releaseCursorLeases(db: Queryable): Promise<void> {
  await db.execute(sql`UPDATE subscriber_cursors SET locked_until = NULL WHERE locked_until IS NOT NULL`);
}

export function startSubscriberWorkers(opts: {
  db: Db;
  app: AppContext;
  pollMs?: number;
  /** Workspaces one subscriber processes at once. */
  concurrency?: number;
  leaseMs?: number;
  /** This process's run, which its leases name (default: the only process on the database). */
  run?: Run;
  /** How often leases of gone runs are looked for, on a shared database (and at start). */
  goneEveryMs?: number;
  /** Events read per query. */
  batch?: number;
  keepDeadLettersMs?: number;
  /** How often workspaces with events but no cursor yet are looked for (a safety net for `wake`). */
  ensureEveryMs?: number;
  /** Only these subscribers (tests); all registered ones by default. */
  only?: readonly string[];
  onError: (err: unknown, at: { subscriber: string; workspaceId?: string; seq?: number }) => void;
}): SubscriberWorkers {
  const { db } = opts;
  const pollMs = opts.pollMs ?? 1000;
  const concurrency = opts.concurrency ?? 4;
  const leaseSeconds = (opts.leaseMs ?? 60_000) / 1000;
  const batch = opts.batch ?? 100;
  const keepDeadLettersMs = opts.keepDeadLettersMs ?? 14 * 86_400_000;
  const ensureEveryMs = opts.ensureEveryMs ?? 10_000;
  const run = opts.run ?? soleRun();
  const goneEveryMs = opts.goneEveryMs ?? 5000;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let prunedAt = Date.now();
  let goneAt = 0;

  const pools = new Map<string, Pool>();
  /**
   * Marks the events this instance was woken for already, on the events themselves: a WeakSet of
   * every event would keep each alive through the young generation's collections (events/bus.ts
   * `EventMemo`).
   */
  const heard = Symbol('heard');

  interface Pool {
    subscriber: DurableSubscriber;
    running: Map<string, Promise<void>>;
    filling: Promise<void> | null;
    again: boolean;
    registered: boolean;
    ensuredAt: number;
    /** Workspaces known to have this subscriber's cursor. */
    known: Set<string>;
    /** Workspaces heard of (wake) whose cursor may not exist yet. */
    hinted: Set<string>;
    /** Leases whose release failed (the database was away), retried by the next fill. */
    unreleased: SQL[];
    /**
     * Workspaces woken for while this pool's cursor of them ran: claimed again when that run ends
     * (its head was read before those events). A claim meanwhile would skip them (running here) and
     * cost a statement for nothing: on PGlite, which runs one statement at a time, a burst of
     * arrivals spent half its time in such claims.
     */
    wokenWhileRunning: Set<string>;
    /** The last fill stopped with every worker busy: a run that ends claims again. */
    more: boolean;
    poll(): void;
  }

  const ensureCursors = async (pool: Pool, only: string[] | null) => {
    const name = pool.subscriber.name;
    if (!pool.registered) {
      await db.execute(sql`INSERT INTO subscribers (name) VALUES (${name}) ON CONFLICT DO NOTHING`);
      pool.registered = true;
    }
    // A new cursor starts after the workspace's events published before the subscriber was first
    // started (none for a workspace made since), so neither a subscriber added to a running
    // installation nor the upgrade from per-event jobs replays the outbox.
    const scope = only ? sql`AND w.id = ANY(${sql.param(only)}::uuid[])` : sql``;
    await db.execute(sql`
      INSERT INTO subscriber_cursors (subscriber, workspace_id, seq)
      SELECT s.name, w.id, coalesce(
        (SELECT e.seq FROM events e WHERE e.workspace_id = w.id AND e.created_at < s.registered_at
          ORDER BY e.seq DESC LIMIT 1),
        (SELECT min(e.seq) - 1 FROM events e WHERE e.workspace_id = w.id),
        w.event_seq)
      FROM subscribers s CROSS JOIN workspaces w
      WHERE s.name = ${name} AND w.event_seq > 0 ${scope}
        AND NOT EXISTS (
          SELECT 1 FROM subscriber_cursors c WHERE c.subscriber = s.name AND c.workspace_id = w.id)
      ON CONFLICT DO NOTHING`);
    if (only) for (const id of only) pool.known.add(id);
  };

  const claim = async (pool: Pool, limit: number): Promise<Claimed[]> => {
    const name = pool.subscriber.name;
    const { rows } = await executePrepared<Record<string, string | number>>(
      db,
      sql`
      UPDATE subscriber_cursors c
      SET lease = c.lease + 1, locked_until = now() + make_interval(secs => ${leaseSeconds}),
        holder = ${run.key}::int, served_at = now()
      FROM (
        SELECT c2.workspace_id, w.event_seq AS head
        FROM subscriber_cursors c2 JOIN workspaces w ON w.id = c2.workspace_id
        WHERE c2.subscriber = ${name} AND w.event_seq > c2.seq
          AND (c2.locked_until IS NULL OR c2.locked_until < now())
          AND (c2.retry_at IS NULL OR c2.retry_at <= now())
          AND c2.workspace_id <> ALL(${sql.param([...pool.running.keys()])}::uuid[])
        ORDER BY c2.served_at NULLS FIRST
        LIMIT ${limit}
        FOR UPDATE OF c2 SKIP LOCKED) t
      WHERE c.subscriber = ${name} AND c.workspace_id = t.workspace_id
      RETURNING c.workspace_id, c.seq, c.lease, c.attempts, t.head`,
    );
    return rows.map((r) => ({
      workspaceId: String(r.workspace_id),
      seq: Number(r.seq),
      lease: Number(r.lease),
      attempts: Number(r.attempts),
      head: Number(r.head),
    }));
  };

  const release = (fence: SQL) =>
    db.execute(sql`UPDATE subscriber_cursors SET locked_until = NULL WHERE ${fence}`);

  /** Runs one leased cursor up to the head it was claimed with. */
  const runCursor = async (pool: Pool, claimed: Claimed) => {
    const sub = pool.subscriber;
    const { workspaceId, lease } = claimed;
    const fence = sql`subscriber = ${sub.name} AND workspace_id = ${workspaceId} AND lease = ${lease}`;
    /** One fenced write of the cursor; a worker that lost its lease learns it here and stops. */
    const save = async (set: SQL, deadLetter?: SQL) => {
      const update = sql`UPDATE subscriber_cursors SET ${set} WHERE ${fence} RETURNING workspace_id`;
      const { rows } = deadLetter
        ? await db.execute(sql`WITH moved AS (${update})
            INSERT INTO subscriber_dead_letters
              (subscriber, workspace_id, seq, through_seq, name, payload, attempts, error)
            SELECT ${sub.name}::text, moved.workspace_id, d.* FROM moved, (${deadLetter}) d
            RETURNING 1`)
        : await executePrepared(db, update);
      if (rows.length === 0) throw new LostLease();
    };
    const gap = (from: number, through: number) =>
      sql`SELECT ${from}::bigint, ${through}::bigint, NULL::text, NULL::jsonb, 0,
        'pruned from the outbox before this subscriber reached it'::text`;
    const renew = setInterval(
      () => {
        db.execute(sql`
          UPDATE subscriber_cursors SET locked_until = now() + make_interval(secs => ${leaseSeconds})
          WHERE ${fence}`).catch((err) => opts.onError(err, { subscriber: sub.name, workspaceId }));
      },
      (leaseSeconds * 1000) / 3,
    );
    let done = claimed.seq;
    let savedAt = performance.now();
    /** An event was handled since the last failure: the next write clears the cursor's error. */
    let cleared = false;
    let attempts = claimed.attempts;
    let released = false;
    /**
     * Moves the cursor to `to` (events handled or skipped up to there), clearing its error if an event
     * was handled since the last failure; `release` gives up the lease, `deadLetter` records a range.
     */
    const advance = async (to: number, opts: { release?: boolean; deadLetter?: SQL } = {}) => {
      await save(
        sql`seq = ${to}, attempts = 0, retry_at = NULL${cleared ? sql`, last_error = NULL` : sql``}${
          opts.release ? sql`, locked_until = NULL` : sql``
        }`,
        opts.deadLetter,
      );
      done = to;
      attempts = 0;
      cleared = false;
      savedAt = performance.now();
      if (opts.release) released = true;
    };
    try {
      while (!stopped && done < claimed.head) {
        // Only the events this subscriber wants are read (a cursor of routing does not fetch every
        // message of a busy workspace to skip it), with the first event still stored after the
        // cursor, whatever its name: retention prunes the oldest events first, so a gap (events
        // pruned before the cursor got there) can only be there, right after the cursor.
        const { rows } = await executePrepared<EventRow & { first: number | string | null }>(
          db,
          sql`
          SELECT f.first, e.seq, e.name, e.created_at, e.payload
          FROM (SELECT (SELECT seq FROM events WHERE workspace_id = ${workspaceId} AND seq > ${done}
            ORDER BY seq LIMIT 1) AS first) f
          LEFT JOIN LATERAL (
            SELECT seq, name, created_at, payload FROM events
            WHERE workspace_id = ${workspaceId} AND seq > ${done} AND seq <= ${claimed.head}
              AND name = ANY(${sql.param([...sub.events])}::text[])${sub.where ? sql` AND (${sub.where})` : sql``}
            ORDER BY seq LIMIT ${batch}) e ON true`,
        );
        const first = rows[0]?.first == null ? null : Number(rows[0].first);
        // `done` is below the head: some event after it was published. None stored after it, or a
        // first one further on, means those in between were pruned by retention before the cursor
        // got there: the range is recorded, then skipped.
        if (first === null || first > done + 1) {
          const through = Math.min(first === null ? claimed.head : first - 1, claimed.head);
          await advance(through, { deadLetter: gap(done + 1, through) });
        }
        const wanted = rows.filter((row) => row.seq !== null);
        // The last event read that is done (handled, or passed over by `when`).
        let passed = done;
        for (const row of wanted) {
          if (stopped) break;
          const seq = Number(row.seq);
          passed = seq;
          if (!wants(sub, row.name, row.payload)) continue;
          const event: StoredEvent = {
            workspaceId,
            seq,
            name: row.name,
            payload: row.payload,
            at: new Date(row.created_at).toISOString(),
          };
          try {
            await sub.handle(event, { db, attempt: attempts + 1, app: opts.app });
          } catch (err) {
            if (err instanceof LostLease) throw err;
            attempts++;
            opts.onError(err, { subscriber: sub.name, workspaceId, seq });
            const message = err instanceof Error ? err.message : String(err);
            if (attempts < sub.maxAttempts) {
              // Held back until the retry; the events skipped before it are done.
              const delay = sub.backoffMs(attempts);
              await save(sql`seq = ${seq - 1}, attempts = ${attempts}, last_error = ${message},
                retry_at = now() + make_interval(secs => ${delay / 1000}), locked_until = NULL`);
              released = true;
              return;
            }
            await save(
              sql`seq = ${seq}, attempts = 0, retry_at = NULL, last_error = ${message}`,
              sql`SELECT ${seq}::bigint, ${seq}::bigint, ${row.name}::text, ${JSON.stringify(row.payload)}::jsonb,
                ${attempts}::int, ${message}::text`,
            );
            done = seq;
            attempts = 0;
            cleared = false;
            continue;
          }
          // Handled: the cursor is written at the end of the batch read (or after a second of work),
          // not after every event — a burst of arrivals is hundreds of events, and each write a
          // commit. Delivery is at least once either way: a worker that dies before writing hands
          // the same events to the next one.
          attempts = 0;
          cleared = true;
          if (performance.now() - savedAt > 1000) await advance(seq);
        }
        if (stopped) {
          if (passed > done) await advance(passed);
          break;
        }
        if (wanted.length === batch) {
          if (passed > done) await advance(passed);
          continue;
        }
        // A short read: every event up to the head this cursor wants has been handled.
        if (claimed.head > done) await advance(claimed.head, { release: true });
        break;
      }
    } catch (err) {
      if (err instanceof LostLease) {
        released = true;
        return;
      }
      throw err;
    } finally {
      clearInterval(renew);
      if (!released) {
        // If the database is away, retried by the next fill: the cursor must not wait for its lease.
        await release(fence).catch((err) => {
          pool.unreleased.push(fence);
          opts.onError(err, { subscriber: sub.name, workspaceId });
        });
      }
    }
  };

  const makePool = (subscriber: DurableSubscriber): Pool => {
    const pool: Pool = {
      subscriber,
      running: new Map(),
      filling: null,
      again: false,
      registered: false,
      ensuredAt: 0,
      known: new Set(),
      hinted: new Set(),
      unreleased: [],
      wokenWhileRunning: new Set(),
      more: false,
      poll() {
        if (stopped) return;
        if (pool.filling) {
          pool.again = true;
          return;
        }
        pool.filling = fill(pool)
          .catch((err) => opts.onError(err, { subscriber: subscriber.name }))
          .finally(() => {
            pool.filling = null;
          });
      },
    };
    return pool;
  };

  const start = (pool: Pool, claimed: Claimed) => {
    const done: Promise<void> = runCursor(pool, claimed)
      .catch((err) =>
        opts.onError(err, { subscriber: pool.subscriber.name, workspaceId: claimed.workspaceId }),
      )
      .finally(() => {
        pool.running.delete(claimed.workspaceId);
        // Events came in meanwhile (the cursor is claimable again), or others wait for a free worker:
        // claimed now. (Events of other nodes whose wake did not come are found by the periodic poll.)
        if (pool.wokenWhileRunning.delete(claimed.workspaceId) || pool.more) pool.poll();
      });
    pool.running.set(claimed.workspaceId, done);
  };

  const fill = async (pool: Pool) => {
    while (pool.unreleased.length > 0) {
      await release(pool.unreleased[0]!);
      pool.unreleased.shift();
    }
    do {
      pool.again = false;
      if (!pool.registered || Date.now() - pool.ensuredAt > ensureEveryMs) {
        pool.ensuredAt = Date.now();
        await ensureCursors(pool, null);
      }
      const hinted = [...pool.hinted].filter((id) => !pool.known.has(id));
      pool.hinted.clear();
      if (hinted.length > 0) await ensureCursors(pool, hinted);
      while (!stopped) {
        // Every worker busy: cursors may be left to claim, when one of the runs ends.
        if (pool.running.size >= concurrency) {
          pool.more = true;
          break;
        }
        const free = concurrency - pool.running.size;
        const claimed = await claim(pool, free);
        for (const cursor of claimed) start(pool, cursor);
        if (claimed.length < free) {
          pool.more = false;
          break;
        }
      }
    } while (pool.again && !stopped);
  };

  const refreshPools = () => {
    for (const subscriber of durableSubscribers()) {
      if (opts.only && !opts.only.includes(subscriber.name)) continue;
      if (!pools.has(subscriber.name)) pools.set(subscriber.name, makePool(subscriber));
    }
  };

  const tick = () => {
    clearTimeout(timer);
    if (stopped) return;
    for (const pool of pools.values()) pool.poll();
    if (run.shared && Date.now() - goneAt > goneEveryMs) {
      goneAt = Date.now();
      releaseGoneLeases(db, 'subscriber_cursors', run)
        .then((released) => {
          if (released > 0) workers.poke();
        })
        .catch((err) => opts.onError(err, { subscriber: 'gone runs' }));
    }
    if (Date.now() - prunedAt > 3_600_000) {
      prunedAt = Date.now();
      pruneDeadLetters(db, new Date(Date.now() - keepDeadLettersMs)).catch((err) =>
        opts.onError(err, { subscriber: 'prune' }),
      );
    }
    timer = setTimeout(tick, pollMs);
  };

  /** The pools filling or running a cursor. */
  const busyPools = () => [...pools.values()].filter((p) => p.filling || p.running.size > 0);

  const settled = async () => {
    for (;;) {
      const busy = busyPools();
      if (busy.length === 0) return;
      await Promise.race(busy.flatMap((p) => [...(p.filling ? [p.filling] : []), ...p.running.values()]));
    }
  };

  const stopListening = onSubscribe(() => {
    refreshPools();
    workers.poke();
  });

  const workers: SubscriberWorkers = {
    wake(all) {
      // This node's events come twice (after commit, then from the bus): looked at once.
      const events = all.filter((e) => !(heard in e));
      for (const e of events) Object.defineProperty(e, heard, { value: true });
      for (const pool of pools.values()) {
        let woke = false;
        for (const e of events) {
          if (!wants(pool.subscriber, e.name, e.payload)) continue;
          if (!pool.known.has(e.workspaceId)) pool.hinted.add(e.workspaceId);
          else if (pool.running.has(e.workspaceId)) {
            pool.wokenWhileRunning.add(e.workspaceId);
            continue;
          }
          woke = true;
        }
        if (woke) pool.poll();
      }
    },
    poke() {
      for (const pool of pools.values()) pool.poll();
    },
    async pending() {
      const names = [...pools.keys()];
      if (stopped || names.length === 0) return false;
      for (const pool of pools.values()) await ensureCursors(pool, null);
      const { rows } = await db.execute(sql`
        SELECT 1 FROM subscriber_cursors c JOIN workspaces w ON w.id = c.workspace_id
        WHERE c.subscriber = ANY(${sql.param(names)}::text[]) AND w.event_seq > c.seq
          AND (c.locked_until IS NULL OR c.locked_until < now())
          AND (c.retry_at IS NULL OR c.retry_at <= now())
        LIMIT 1`);
      return rows.length > 0;
    },
    async drain() {
      while (!stopped) {
        workers.poke();
        await settled();
        if (await workers.pending()) continue;
        // A poll may have claimed a cursor while `pending` looked (locked, it was not counted).
        if (busyPools().length === 0) return;
      }
    },
    async stop() {
      stopped = true;
      stopListening();
      workersRunning.delete(workers);
      clearTimeout(timer);
      await settled();
    },
  };
  refreshPools();
  workersRunning.add(workers);
  tick();
  return workers;
}

/** Deletes dead letters recorded before `olderThan`, a slice at a time. */
export async function pruneDeadLetters(db: Db, olderThan: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await db.execute<{ n: number }>(sql`
      WITH doomed AS (
        SELECT id FROM subscriber_dead_letters WHERE failed_at < ${olderThan.toISOString()}::timestamptz LIMIT 5000)
      , deleted AS (DELETE FROM subscriber_dead_letters d USING doomed x WHERE d.id = x.id RETURNING 1)
      SELECT count(*)::int AS n FROM deleted`);
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < 5000) return total;
  }
}
