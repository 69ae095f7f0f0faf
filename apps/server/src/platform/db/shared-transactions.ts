import type { FastifyBaseLogger } from 'fastify';
import type { Db } from './client.ts';
import { isTransactionConflict } from './errors.ts';
import { groupCommit } from './group-commit.ts';
import { inProcess, savepoint, type Tx, transaction } from './tx.ts';

interface Item {
  key: string;
  fn: (tx: Tx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export interface SharedTransactions {
  /**
   * Runs `fn` in a transaction it may share with others queued meanwhile: it succeeds or fails alone
   * (a savepoint each), and settles once the shared transaction has committed. Commands of one `key`
   * run in the order they came.
   */
  run<T>(key: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Resolves when everything queued so far has run (shutdown). */
  flushed(): Promise<void>;
}

/**
 * Group commit of whole commands: under load, the commands queued while a batch runs share the next
 * transaction, one after another behind a savepoint each. They then share its commit — and the end of
 * it, where the events they deferred (`publishLater`) are published in one statement, so the
 * workspace row that numbering locks is taken once per batch instead of once per command, and
 * commands of one workspace stop queueing on it. Alone, a command runs at once (on PGlite at the end of its turn of the event loop, `gather`). Six batches may be in
 * flight (each command is many round trips, one after another on its connection), of twenty commands
 * at most.
 *
 * A command that fails is rolled back to its savepoint and fails alone, once the others have
 * committed. One that lost a deadlock, or every command of a batch whose commit failed, runs again in
 * a transaction of its own.
 */
export function sharedTransactions(opts: {
  db: Db;
  logger: Pick<FastifyBaseLogger, 'warn'>;
  maxBatch?: number;
  concurrency?: number;
}): SharedTransactions {
  const alone = async (item: Item) => {
    try {
      item.resolve(await transaction(opts.db, item.fn));
    } catch (err) {
      item.reject(err);
    }
  };

  const batches = groupCommit<Item>({
    maxBatch: opts.maxBatch ?? 20,
    concurrency: opts.concurrency ?? 6,
    key: (item) => item.key,
    gather: inProcess(opts.db),
    async run(batch) {
      if (batch.length === 1) return alone(batch[0]!);
      let settled: (() => void)[] = [];
      let again: Item[] = [];
      try {
        await transaction(opts.db, async (tx) => {
          // Run again whole if it lost a deadlock: what a run before decided is void.
          settled = [];
          again = [];
          for (const item of batch) {
            try {
              const value = await savepoint(tx, item.fn);
              settled.push(() => item.resolve(value));
            } catch (err) {
              if (isTransactionConflict(err)) again.push(item);
              else settled.push(() => item.reject(err));
            }
          }
        });
      } catch (err) {
        opts.logger.warn(
          { err, commands: batch.length },
          'shared transaction failed: each command again alone',
        );
        settled = [];
        again = batch;
      }
      for (const settle of settled) settle();
      for (const item of again) await alone(item);
    },
  });

  return {
    run<T>(key: string, fn: (tx: Tx) => Promise<T>) {
      return new Promise<T>((resolve, reject) => {
        batches.push({ key, fn, resolve: resolve as (value: unknown) => void, reject });
      });
    },
    flushed: () => batches.flushed(),
  };
}
