import type { Db, DbTx } from './client.ts';

/** A transaction plus the work to do once it has committed (realtime fan-out, wake-ups). */
export interface Tx {
  db: DbTx;
  afterCommit(fn: () => void): void;
  /** Work to do last inside the transaction, just before it commits (deferred publishing). */
  beforeCommit(fn: () => Promise<void>): void;
}

let inFlight = 0;
let drained: (() => void) | null = null;

/** Runs `fn` in a transaction; after-commit hooks run only when it committed. */
export async function transaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const hooks: (() => void)[] = [];
  inFlight++;
  try {
    const result = await db.transaction(async (dbTx) => {
      const last: (() => Promise<void>)[] = [];
      const value = await fn({
        db: dbTx,
        afterCommit: (hook) => hooks.push(hook),
        beforeCommit: (hook) => last.push(hook),
      });
      for (const hook of last) await hook();
      return value;
    });
    for (const hook of hooks) hook();
    return result;
  } finally {
    inFlight--;
    if (inFlight === 0 && drained) drained();
  }
}

/** Resolves once no transaction is running: graceful shutdown waits for this before closing the pool. */
export function transactionsDrained(): Promise<void> {
  if (inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    drained = () => {
      drained = null;
      resolve();
    };
  });
}
