import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db, Queryable } from '../platform/db/client.ts';
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
  stop(): Promise<void>;
}

/**
 * Polls the jobs table with FOR UPDATE SKIP LOCKED, so several nodes share one queue without taking the
 * same job; a claimed job is leased for `leaseMs` and becomes claimable again if its node dies.
 */
export function startJobWorker(opts: {
  db: Db;
  app: AppContext;
  pollMs?: number;
  batch?: number;
  leaseMs?: number;
  onError: (err: unknown, job: { id: number; name: string }) => void;
}): JobWorker {
  const pollMs = opts.pollMs ?? 1000;
  const batch = opts.batch ?? 10;
  const leaseSeconds = Math.ceil((opts.leaseMs ?? 60_000) / 1000);
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const claim = async (): Promise<ClaimedJob[]> => {
    const result = await opts.db.execute(sql`
      UPDATE jobs SET attempts = attempts + 1, locked_until = now() + make_interval(secs => ${leaseSeconds})
      WHERE id IN (
        SELECT id FROM jobs
        WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= now()
          AND (locked_until IS NULL OR locked_until < now())
        ORDER BY run_at, id LIMIT ${batch}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, name, payload, attempts, max_attempts`);
    return (result.rows as unknown as ClaimedJob[]).map((r) => ({ ...r, id: Number(r.id) }));
  };

  const runOne = async (job: ClaimedJob) => {
    const definition = definitions.get(job.name);
    try {
      if (!definition) throw new Error(`no handler for job ${job.name}`);
      await definition.handle(job.payload as never, { db: opts.db, attempt: job.attempts, app: opts.app });
      await opts.db.execute(sql`UPDATE jobs SET done_at = now(), locked_until = NULL WHERE id = ${job.id}`);
    } catch (err) {
      opts.onError(err, job);
      const message = err instanceof Error ? err.message : String(err);
      if (job.attempts >= job.max_attempts) {
        await opts.db.execute(
          sql`UPDATE jobs SET failed_at = now(), locked_until = NULL, last_error = ${message} WHERE id = ${job.id}`,
        );
      } else {
        const delay = (definition?.backoffMs ?? defaultBackoff)(job.attempts);
        await opts.db.execute(sql`
          UPDATE jobs SET locked_until = NULL, last_error = ${message},
            run_at = now() + make_interval(secs => ${delay / 1000}) WHERE id = ${job.id}`);
      }
    }
  };

  const tick = async (): Promise<number> => {
    const claimed = await claim();
    await Promise.all(claimed.map(runOne));
    return claimed.length;
  };

  const loop = () => {
    if (stopped || running) return;
    clearTimeout(timer);
    running = (async () => {
      try {
        while (!stopped && (await tick()) > 0) {}
      } catch (err) {
        opts.onError(err, { id: 0, name: 'poll' });
      } finally {
        running = null;
        if (!stopped) timer = setTimeout(loop, pollMs);
      }
    })();
  };
  loop();

  const worker: JobWorker = {
    poke: () => {
      if (!running) loop();
    },
    async drain() {
      while (running) await running;
      while ((await tick()) > 0) {}
    },
    async stop() {
      stopped = true;
      workers.delete(worker);
      clearTimeout(timer);
      while (running) await running;
    },
  };
  workers.add(worker);
  return worker;
}
