import { NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db, DbTx } from './client.ts';
import { isTransactionConflict } from './errors.ts';

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
  /**
   * Runs the transaction's last statements in order, then commits (the `beforeCommit` hooks left run
   * first). On PostgreSQL they go out together, each without waiting for the answer to the one
   * before, and the COMMIT right behind the last: a row lock one of them takes (the workspace's event
   * counter) is held for the database's own work only, not while answers travel back through this
   * process's event loop. The database still runs them one after the other, in this order (the
   * order of their locks). Each must send its one query when called, before it awaits anything (as
   * `executePrepared` does). If one fails, the first in order that failed is the error (those after
   * it fail only because the transaction is aborted). Nothing may be written in the transaction
   * after them; only the root transaction has it, not a savepoint.
   */
  commitWith<T extends unknown[]>(...statements: { [K in keyof T]: () => Promise<T[K]> }): Promise<T>;
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

type Statements = (() => Promise<unknown>)[];

/**
 * The `Tx` over `db`. `finish` runs `commitWith`'s statements (the root transaction's; a savepoint
 * has none); the hooks left before the commit run first.
 */
function txOf(db: DbTx, state: TxState, finish: ((statements: Statements) => Promise<unknown[]>) | null): Tx {
  const tx: Tx = {
    db,
    afterCommit: (hook) => state.after.push(hook),
    beforeCommit: (hook) => state.before.push(hook),
    gathered: <T>(key: symbol) => {
      const list = state.gathered.get(key) ?? [];
      state.gathered.set(key, list);
      return list as T[];
    },
    commitWith: (async (...statements: Statements) => {
      if (!finish) throw new Error('commitWith: only the transaction itself commits, not a savepoint');
      await beforeCommitHooks(state, tx);
      return finish(statements);
    }) as Tx['commitWith'],
  };
  if (finish) Object.defineProperty(tx, STATE, { value: state });
  return tx;
}

/** Runs the hooks registered to run just before the commit; a hook may add another (publishing defers again). */
async function beforeCommitHooks(state: TxState, tx: Tx) {
  for (let i = 0; i < state.before.length; i++) await state.before[i]!(tx);
  state.before.length = 0;
}

async function oneByOne(statements: Statements): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const statement of statements) results.push(await statement());
  return results;
}

/** The PostgreSQL pool under `db`, or null for the embedded database. */
const poolOf = (db: Db): pg.Pool | null => {
  const client = (db as { $client?: unknown }).$client;
  return client instanceof pg.Pool ? client : null;
};

/**
 * Whether `db` runs in this process (PGlite): its statements do not yield to I/O, so a transaction
 * started at once runs to its end before the other sockets' data of the same turn is read
 * (`groupCommit`'s `gather` is for it).
 */
export const inProcess = (db: Db): boolean => poolOf(db) === null;

let inFlight = 0;
let drained: (() => void) | null = null;

export interface TransactionOptions {
  /**
   * PostgreSQL plans the transaction's prepared statements once and reuses the plan
   * (`plan_cache_mode = force_generic_plan`, for this transaction only). For transactions made of
   * the fixed-shape statements of `prepared.ts` only (lists passed whole as arrays, found by primary
   * key): left to itself, PostgreSQL plans such a statement again at every execution, because the
   * reusable plan, which cannot know an array's length, looks costlier than one planned for the
   * values at hand — a sixth of its time under the message bench went to planning the message
   * writer's statements again and again. The setting gives the transaction's unnamed statements (the
   * rest of what drizzle sends) a plan made without their values too: only for transactions whose
   * other statements are lookups by key, never one whose best plan depends on its values (a filter,
   * a search).
   */
  genericPlans?: boolean;
  /**
   * How many times the transaction runs again after losing a deadlock or a serialization failure
   * (default 4): the database rolled it back whole so that the other one could go on, and it may
   * simply run again. `fn` must then change nothing outside the transaction but through its hooks
   * (`afterCommit`, `beforeCommit`, `gathered`), which start empty at each run.
   */
  conflictRetries?: number;
}

/**
 * Runs `fn` in a transaction; after-commit hooks run only when it committed. A transaction that lost
 * a deadlock runs again (`conflictRetries`): two commands that lock the same rows in different
 * orders cost the loser a moment, not an error. On PostgreSQL the transaction's BEGIN goes out with
 * its first statement, and `commitWith` sends its COMMIT with its last ones (`pipelined`); PGlite
 * runs in this process, where there is no round trip to save.
 */
export async function transaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  inFlight++;
  try {
    const pool = poolOf(db);
    for (let attempt = 0; ; attempt++) {
      const state: TxState = { after: [], before: [], gathered: new Map() };
      try {
        const result = pool
          ? await pipelined(db, pool, state, fn, options)
          : await db.transaction(async (dbTx) => {
              const tx = txOf(dbTx, state, oneByOne);
              const value = await fn(tx);
              await beforeCommitHooks(state, tx);
              return value;
            });
        for (const hook of state.after) hook();
        return result;
      } catch (err) {
        if (attempt < (options.conflictRetries ?? 4) && isTransactionConflict(err)) continue;
        throw err;
      }
    }
  } finally {
    inFlight--;
    if (inFlight === 0 && drained) drained();
  }
}

/**
 * One pooled connection as a transaction's statements see it: BEGIN sent with the first query, each
 * query counted, COMMIT sent right behind the query after `commitNext` is set, and a query after the
 * COMMIT refused (it would run outside the transaction). The pool's connections are in pipeline mode
 * (client.ts): a query is written out at once, without waiting for the answers to those before it,
 * which come back in order. Queries sent together leave in one write (the socket corked around
 * them): each write to the database's socket wakes its backend, which costs this process more CPU
 * than the query's own bytes.
 */
class Lane {
  begun: Promise<pg.QueryResult> | null = null;
  sent = 0;
  commitNext = false;
  commit: Promise<pg.QueryResult> | null = null;
  private readonly socket: { cork(): void; uncork(): void } | undefined;
  constructor(
    readonly client: pg.PoolClient,
    private readonly options: TransactionOptions,
  ) {
    this.socket = (
      client as unknown as { connection?: { stream?: { cork(): void; uncork(): void } } }
    ).connection?.stream;
  }

  /** Runs `send` with the socket corked: what it writes leaves in one write, when it returns. */
  together<T>(send: () => T): T {
    this.socket?.cork();
    try {
      return send();
    } finally {
      this.socket?.uncork();
    }
  }

  query(...args: unknown[]): unknown {
    if (this.commit) return Promise.reject(new Error('a statement after the transaction has committed'));
    return this.together(() => {
      this.begin();
      const result = (this.client.query as (...a: unknown[]) => unknown)(...args);
      this.sent++;
      if (this.commitNext) {
        this.commitNext = false;
        this.commit = this.client.query('COMMIT');
        // Awaited by the runner (after a failed statement it is a ROLLBACK, without an error).
        this.commit.catch(() => {});
      }
      return result;
    });
  }

  /** Sends BEGIN (and the transaction's settings) with the transaction's first query. */
  private begin() {
    if (this.begun) return;
    const begin = this.client.query('BEGIN');
    this.begun = this.options.genericPlans
      ? Promise.all([begin, this.client.query('SET LOCAL plan_cache_mode = force_generic_plan')]).then(
          ([began]) => began,
        )
      : begin;
    // Awaited by the runner; a failed BEGIN fails the query behind it too.
    this.begun.catch(() => {});
  }

  /** `commitWith` on PostgreSQL: the statements and the COMMIT sent together. */
  async finish(statements: Statements): Promise<unknown[]> {
    const running: Promise<unknown>[] = [];
    this.together(() => {
      for (const [i, statement] of statements.entries()) {
        this.commitNext = i === statements.length - 1;
        const before = this.sent;
        running.push(statement());
        if (this.sent !== before + 1) {
          this.commitNext = false;
          for (const result of running) result.catch(() => {});
          throw new Error('commitWith: a statement must send exactly one query when called');
        }
      }
    });
    const settled = await Promise.allSettled(running);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
  }
}

/** The drizzle dialect and session settings of `db`, to build a transaction on one connection of its pool. */
function drizzleParts(db: Db) {
  const session = db._.session as unknown as { schema: never; options: never };
  const dialect = (db as unknown as { dialect: never }).dialect;
  return { dialect, schema: session.schema, options: session.options };
}

/**
 * A transaction on PostgreSQL, its BEGIN sent with its first statement (one round trip fewer than
 * waiting for BEGIN's answer); `commitWith` sends its COMMIT with its last statements.
 */
async function pipelined<T>(
  db: Db,
  pool: pg.Pool,
  state: TxState,
  fn: (tx: Tx) => Promise<T>,
  settings: TransactionOptions,
): Promise<T> {
  const client = await pool.connect();
  const lane = new Lane(client, settings);
  const { dialect, schema, options } = drizzleParts(db);
  const session = new NodePgSession(lane as unknown as pg.PoolClient, dialect, schema, options);
  const tx = txOf(new NodePgTransaction(dialect, session, schema) as unknown as DbTx, state, (s) =>
    lane.finish(s),
  );
  let broken: Error | undefined;
  try {
    const value = await fn(tx);
    await beforeCommitHooks(state, tx);
    // A transaction that sent nothing has nothing to commit.
    if (lane.begun) {
      await lane.begun;
      if (lane.commit) {
        const done = await lane.commit;
        if (done.command !== 'COMMIT')
          throw new Error(`the transaction ended by ${done.command}, not COMMIT`);
      } else await client.query('COMMIT');
    }
    return value;
  } catch (err) {
    // After a COMMIT there is no transaction left, and ROLLBACK only warns.
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e;
    });
    throw err;
  } finally {
    client.release(broken);
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
    return await tx.db.transaction((dbTx) => fn(txOf(dbTx, state, null)));
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
