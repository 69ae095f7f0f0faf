import type { Db, DbTx } from './client.ts';

/** A transaction plus the work to do once it has committed (realtime fan-out, wake-ups). */
export interface Tx {
  db: DbTx;
  afterCommit(fn: () => void): void;
  /**
   * Work to do last inside the transaction, just before it commits (deferred publishing). The hook
   * is given the transaction itself (not a savepoint that registered it and has been released).
   */
  beforeCommit(fn: (tx: Tx) => Promise<void>): void;
  /**
   * A list kept for the transaction under `key` until its commit (the events to publish at its end):
   * what a savepoint adds to it is dropped again if the savepoint rolls back.
   */
  gathered<T>(key: symbol): T[];
}

/** Hooks and gathered lists of one transaction, shared by its savepoints. */
interface TxState {
  after: (() => void)[];
  before: ((tx: Tx) => Promise<void>)[];
  gathered: Map<symbol, unknown[]>;
}

/**
 * Where a transaction keeps its state: on the `Tx` itself, not in a WeakMap keyed by transactions,
 * which would keep each one (and the events its hooks publish) alive through the young generation's
 * collections (events/bus.ts `EventMemo`).
 */
const STATE = Symbol('transaction state');

function txOf(db: DbTx, state: TxState): Tx {
  return {
    db,
    afterCommit: (hook) => state.after.push(hook),
    beforeCommit: (hook) => state.before.push(hook),
    gathered: <T>(key: symbol) => {
      const list = state.gathered.get(key) ?? [];
      state.gathered.set(key, list);
      return list as T[];
    },
  };
}

let inFlight = 0;
let drained: (() => void) | null = null;

/** Runs `fn` in a transaction; after-commit hooks run only when it committed. */
export async function transaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const state: TxState = { after: [], before: [], gathered: new Map() };
  inFlight++;
  try {
    const result = await db.transaction(async (dbTx) => {
      const tx = txOf(dbTx, state);
      Object.defineProperty(tx, STATE, { value: state });
      const value = await fn(tx);
      // A hook may add another (publishing defers again): run until none is left.
      for (let i = 0; i < state.before.length; i++) await state.before[i]!(tx);
      return value;
    });
    for (const hook of state.after) hook();
    return result;
  } finally {
    inFlight--;
    if (inFlight === 0 && drained) drained();
  }
}

/**
 * Runs `fn` inside the transaction behind a savepoint: if it throws, what it wrote is rolled back, and
 * so are the hooks it registered and what it gathered, while the transaction goes on (several commands
 * sharing one transaction, each failing alone). `tx` must be the transaction itself, not a savepoint.
 */
export async function savepoint<T>(tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const state = (tx as { [STATE]?: TxState })[STATE];
  if (!state) throw new Error('savepoint: not a transaction of `transaction()`');
  const after = state.after.length;
  const before = state.before.length;
  const gathered = new Map([...state.gathered].map(([key, list]) => [key, [...list]]));
  try {
    return await tx.db.transaction((dbTx) => fn(txOf(dbTx, state)));
  } catch (err) {
    state.after.length = after;
    state.before.length = before;
    state.gathered = gathered;
    throw err;
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
