import { randomInt } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import type { Queryable } from './client.ts';

/**
 * This process's run on the database: a number it holds an advisory lock on, on a connection of its
 * own, for as long as it runs. Leases (a job, a durable subscriber's cursor) name the run that took
 * them; a lease whose run's lock is free is from a process that is gone — killed, or cut off from the
 * database — and is given back at once instead of when it runs out (a minute: routing in that
 * workspace stood still meanwhile, after a node was killed or a single node restarted). PostgreSQL
 * drops a session's locks when its connection closes, which a killed process's does at once; a
 * machine that vanishes without closing it is noticed by the connection's keep-alive, and its leases
 * still run out. Every lease write is fenced, so a run wrongly thought gone (its lock connection was
 * lost a moment) only loses its leases: the work runs again, at least once as always.
 *
 * The embedded database has one process, this one: its run holds no lock and there is no one to look
 * for (leases left by a killed process are given back at start, app.ts).
 */
export interface Run {
  /** What this process's leases are taken under (its lock's number). */
  readonly key: number;
  /** Other processes may share the database (PostgreSQL): leases of gone runs are looked for. */
  readonly shared: boolean;
  close(): Promise<void>;
}

/** The first half of every run lock's key (advisory locks with two numbers: this, the run's). */
const RUN_LOCK_CLASS = 7_412_002;

/** A run's number: positive, fits PostgreSQL's integer. */
const newKey = () => randomInt(1, 2 ** 31 - 1);

/**
 * Whether the run `holder` names is gone (its lock is free), in a statement. The lock is taken until
 * the statement's transaction ends: a run cannot come back under that number meanwhile.
 */
const runIsGone = (holder: SQL): SQL => sql`pg_try_advisory_xact_lock(${RUN_LOCK_CLASS}::int, ${holder})`;

/**
 * Gives back the leases in `table` (its `locked_until` and `holder` columns) held by runs that are gone,
 * for the next claim, instead of when they run out; returns how many. A job's attempt still counts.
 */
export async function releaseGoneLeases(
  db: Queryable,
  table: 'jobs' | 'subscriber_cursors',
  run: Pick<Run, 'key'>,
): Promise<number> {
  const leases = sql.identifier(table);
  const { rows } = await db.execute(sql`
    UPDATE ${leases} SET locked_until = NULL
    WHERE locked_until > now() AND holder IN (
      SELECT h FROM (SELECT DISTINCT holder AS h FROM ${leases}
        WHERE locked_until > now() AND holder <> ${run.key}) held
      WHERE ${runIsGone(sql`h`)})
    RETURNING 1`);
  return rows.length;
}

/** The embedded database's run: one process, nothing to hold. */
export function soleRun(): Run {
  return { key: newKey(), shared: false, close: async () => {} };
}

/**
 * Takes a run on PostgreSQL at `url`: a number no live run holds, locked on a connection of its own,
 * taken again whenever that connection is lost (retried every `retryMs`).
 */
export async function holdRun(
  url: string,
  opts: { retryMs?: number; warn?: (message: string) => void } = {},
): Promise<Run> {
  const retryMs = opts.retryMs ?? 1000;
  const warn = opts.warn ?? ((message: string) => console.warn(`parley: ${message}`));
  let key = newKey();
  let client: pg.Client | null = null;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let away = false;

  /** Connects and locks `key` (another free number if a live run holds it); throws if it cannot. */
  const take = async () => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000, keepAlive: true });
    // A lost connection must not take the process down: it is taken again.
    next.on('error', () => {});
    await next.connect();
    try {
      for (let tries = 0; ; tries++) {
        const { rows } = await next.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1::int, $2::int) AS locked',
          [RUN_LOCK_CLASS, key],
        );
        if (rows[0]?.locked) break;
        // Held: by a live run that drew the same number, or for a moment by a node looking whether
        // this run is gone (it then finds it is not, or takes its leases: fenced).
        if (tries >= 3) key = newKey();
      }
    } catch (err) {
      await next.end().catch(() => {});
      throw err;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    next.once('end', lost);
    client = next;
    if (away) warn('the run lock is held again');
    away = false;
  };

  function lost() {
    client = null;
    if (closed) return;
    if (!away) warn('the connection holding the run lock was lost; taking it again');
    away = true;
    retry();
  }

  function retry() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!closed) take().catch(retry);
    }, retryMs);
    timer.unref();
  }

  await take();
  return {
    get key() {
      return key;
    },
    shared: true,
    async close() {
      closed = true;
      clearTimeout(timer);
      const last = client;
      client = null;
      if (last) {
        last.removeListener('end', lost);
        await last.end().catch(() => {});
      }
    },
  };
}
