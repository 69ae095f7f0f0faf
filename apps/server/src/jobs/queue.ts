import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db, Queryable } from '../platform/db/client.ts';
import { type Run, releaseGoneLeases, soleRun } from '../platform/db/run.ts';
import { jobs } from '../platform/db/schema.ts';

export interface JobContext {
  db: Db;
  attempt: number;
  /** The running server's context (mailer, writer, …) for handlers that need more than the database. */
  app: AppContext;
}

export interface JobDefinition<P> {
  name: string;
  maxAttempts?: number;
  /** Delay before retry number `attempt` (1-based); exponential with a cap by default. */
  backoffMs?: (attempt: number) => number;
  handle(payload: P, ctx: JobContext): Promise<void>;
}

const definitions = new Map<string, JobDefinition<never>>();

export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  definitions.set(definition.name, definition as JobDefinition<never>);
  return definition;
}

/** Enqueues a job in the caller's transaction (or directly on the database). */
export async function enqueue(
  db: Queryable,
  name: string,
  payload: unknown,
  opts: { delayMs?: number; runAt?: Date; maxAttempts?: number } = {},
): Promise<number> {
  const definition = definitions.get(name);
  if (!definition) throw new Error(`enqueue: unknown job ${name}`);
  // Due times are the database's clock, the one the poller compares them with (not this node's).
  const runAt = opts.runAt ?? sql`now() + make_interval(secs => ${(opts.delayMs ?? 0) / 1000})`;
  const [row] = await db
    .insert(jobs)
    .values({ name, payload, runAt, maxAttempts: opts.maxAttempts ?? definition.maxAttempts ?? 5 })
    .returning({ id: jobs.id });
  return row!.id;
}

/**
 * Gives back every job lease: for a process that is the only one on its database (the embedded one,
 * whose data directory it has locked), at start, before its worker runs. A lease left then is from a
 * process that was killed: no one else can hold it, and its job should run now, not when the lease
 * runs out (up to a minute after the restart). Its attempt still counts.
 */
export async function releaseJobLeases(db: Queryable): Promise<void> {
  await db.execute(sql`UPDATE jobs SET locked_until = NULL
    WHERE locked_until IS NOT NULL AND done_at IS NULL AND failed_at IS NULL`);
}

const defaultBackoff = (attempt: number) => Math.min(60_000 * 30, 1000 * 2 ** attempt);

interface ClaimedJob {
  id: number;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

const workers = new Set<JobWorker>();

/** Wakes this process's workers after a commit that enqueued work, instead of waiting for the next poll. */
export function wakeWorkers(): void {
  for (const worker of workers) worker.poke();
}

export interface JobWorker {
  /** Runs due jobs now instead of waiting for the next poll. */
  poke(): void;
  /** Processes every due job and resolves when none is left (tests). */
  drain(): Promise<void>;
  /** Whether some job is due and unclaimed. */
  pending(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Polls the jobs table with FOR UPDATE SKIP LOCKED, so several nodes share one queue without taking the
 * same job. Up to `concurrency` jobs run at once and a free slot is filled as soon as a job ends, so a
 * slow job never holds back the others. A claimed job is leased for `leaseMs` and the lease is renewed
 * while it runs; it becomes claimable again only if its node dies (or stalls longer than the lease).
 * A finished job is deleted; a job that used up its attempts is kept `keepFailedMs` for inspection.
 */
export function startJobWorker(opts: {
  db: Db;
  app: AppContext;
  pollMs?: number;
  concurrency?: number;
  leaseMs?: number;
  /** This process's run, which its leases name (default: the only process on the database). */
  run?: Run;
  /** How often leases of gone runs are looked for, on a shared database (and at start). */
  goneEveryMs?: number;
  keepFailedMs?: number;
  onError: (err: unknown, job: { id: number; name: string }) => void;
}): JobWorker {
  const pollMs = opts.pollMs ?? 1000;
  const concurrency = opts.concurrency ?? 10;
  const leaseSeconds = (opts.leaseMs ?? 60_000) / 1000;
  const keepFailedMs = opts.keepFailedMs ?? 14 * 86_400_000;
  const running = new Set<Promise<void>>();
  let stopped = false;
  let filling: Promise<void> | null = null;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let prunedAt = 0;
  const run = opts.run ?? soleRun();
  const goneEveryMs = opts.goneEveryMs ?? 5000;
  let goneAt = 0;

  const claim = async (limit: number): Promise<ClaimedJob[]> => {
    const result = await opts.db.execute(sql`
      UPDATE jobs SET attempts = attempts + 1, locked_until = now() + make_interval(secs => ${leaseSeconds}),
        holder = ${run.key}::int
      WHERE id IN (
        SELECT id FROM jobs
        WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= now()
          AND (locked_until IS NULL OR locked_until < now())
        ORDER BY run_at, id LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, name, payload, attempts, max_attempts`);
    return (result.rows as unknown as ClaimedJob[]).map((r) => ({ ...r, id: Number(r.id) }));
  };

  // `attempts` fences every write: a worker whose lease ran out (and whose job another worker took
  // over) neither extends nor finishes the newer run.
  const runOne = async (job: ClaimedJob) => {
    const definition = definitions.get(job.name);
    const renew = setInterval(
      () => {
        opts.db
          .execute(sql`
          UPDATE jobs SET locked_until = now() + make_interval(secs => ${leaseSeconds})
          WHERE id = ${job.id} AND attempts = ${job.attempts}`)
          .catch((err) => opts.onError(err, job));
      },
      (leaseSeconds * 1000) / 3,
    );
    try {
      if (!definition) throw new Error(`no handler for job ${job.name}`);
      await definition.handle(job.payload as never, { db: opts.db, attempt: job.attempts, app: opts.app });
      clearInterval(renew);
      await opts.db.execute(sql`DELETE FROM jobs WHERE id = ${job.id} AND attempts = ${job.attempts}`);
    } catch (err) {
      clearInterval(renew);
      opts.onError(err, job);
      const message = err instanceof Error ? err.message : String(err);
      if (job.attempts >= job.max_attempts) {
        await opts.db.execute(sql`
          UPDATE jobs SET failed_at = now(), locked_until = NULL, last_error = ${message}
          WHERE id = ${job.id} AND attempts = ${job.attempts}`);
      } else {
        const delay = (definition?.backoffMs ?? defaultBackoff)(job.attempts);
        await opts.db.execute(sql`
          UPDATE jobs SET locked_until = NULL, last_error = ${message},
            run_at = now() + make_interval(secs => ${delay / 1000})
          WHERE id = ${job.id} AND attempts = ${job.attempts}`);
      }
    }
  };

  const start = (job: ClaimedJob) => {
    const done: Promise<void> = runOne(job)
      .catch((err) => opts.onError(err, job))
      .finally(() => {
        running.delete(done);
        worker.poke();
      });
    running.add(done);
  };

  /** Claims into the free slots until they are full or nothing is due. */
  const fill = async () => {
    if (run.shared && Date.now() - goneAt > goneEveryMs) {
      goneAt = Date.now();
      await releaseGoneLeases(opts.db, 'jobs', run);
    }
    do {
      again = false;
      while (!stopped && running.size < concurrency) {
        const free = concurrency - running.size;
        const claimed = await claim(free);
        for (const job of claimed) start(job);
        if (claimed.length < free) break;
      }
    } while (again && !stopped);
    if (Date.now() - prunedAt > 3_600_000) {
      prunedAt = Date.now();
      await pruneFailedJobs(opts.db, new Date(Date.now() - keepFailedMs));
    }
  };

  const poll = () => {
    clearTimeout(timer);
    if (stopped) return;
    if (filling) {
      again = true;
      return;
    }
    filling = fill()
      .catch((err) => opts.onError(err, { id: 0, name: 'poll' }))
      .finally(() => {
        filling = null;
        if (!stopped) timer = setTimeout(poll, pollMs);
      });
  };

  const worker: JobWorker = {
    poke: poll,
    async drain() {
      for (;;) {
        poll();
        while (filling) await filling;
        if (running.size === 0) {
          const [due] = (await claimPeek(opts.db)) as unknown[];
          if (!due) return;
          continue;
        }
        await Promise.race(running);
      }
    },
    pending: async () => (await claimPeek(opts.db)).length > 0,
    async stop() {
      stopped = true;
      workers.delete(worker);
      clearTimeout(timer);
      while (filling) await filling;
      await Promise.all(running);
    },
  };
  workers.add(worker);
  poll();
  return worker;
}

/** Whether some job is due and unclaimed (for `drain`). */
async function claimPeek(db: Db): Promise<unknown[]> {
  const { rows } = await db.execute(sql`
    SELECT 1 FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= now()
      AND (locked_until IS NULL OR locked_until < now()) LIMIT 1`);
  return rows;
}

/**
 * Deletes jobs that used up their attempts before `olderThan`, a slice at a time, and rows finished
 * before finished jobs were deleted at once (older installations).
 */
export async function pruneFailedJobs(db: Db, olderThan: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await db.execute<{ n: number }>(sql`
      WITH doomed AS (
        SELECT id FROM jobs
        WHERE failed_at < ${olderThan.toISOString()}::timestamptz OR done_at IS NOT NULL LIMIT 5000)
      , deleted AS (DELETE FROM jobs j USING doomed d WHERE j.id = d.id RETURNING 1)
      SELECT count(*)::int AS n FROM deleted`);
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < 5000) return total;
  }
}
