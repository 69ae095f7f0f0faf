import net from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { sqlState } from './errors.ts';
import { executePrepared } from './prepared.ts';
import { type Tx, transaction } from './tx.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);

/** `transaction()` and `commitWith` against a real database (PGlite, or PostgreSQL with DATABASE_URL). */
describe('transactions', () => {
  let server: TestServer;
  const db = () => server.parley.ctx.db;
  const insert =
    (tx: Tx, n: number, v = 0) =>
    () =>
      executePrepared<{ n: number }>(tx.db, sql`INSERT INTO tx_probe (n, v) VALUES (${n}, ${v}) RETURNING n`);
  const stored = async () =>
    (await db().execute<{ n: number }>(sql`SELECT n FROM tx_probe ORDER BY n`)).rows.map((r) => r.n);

  beforeAll(async () => {
    server = await startTestServer();
    await db().execute(sql`CREATE TABLE tx_probe (n int PRIMARY KEY, v int NOT NULL CHECK (v >= 0))`);
  });
  afterAll(() => server?.close());

  it('commitWith runs its statements in order and commits; the after-commit hooks run once it has', async () => {
    const seen: string[] = [];
    const results = await transaction(db(), async (tx) => {
      await insert(tx, 1)();
      tx.beforeCommit(async (root) => {
        seen.push('before');
        await insert(root, 2)();
      });
      tx.afterCommit(() => seen.push('after'));
      const [a, b] = await tx.commitWith(insert(tx, 3), insert(tx, 4));
      seen.push('statements');
      return [a.rows[0]!.n, b.rows[0]!.n];
    });
    expect(results).toEqual([3, 4]);
    expect(seen).toEqual(['before', 'statements', 'after']);
    expect(await stored()).toEqual([1, 2, 3, 4]);
  });

  it('throws the first statement that failed, not those aborted after it, and keeps nothing', async () => {
    const failing = (statements: (tx: Tx) => (() => Promise<unknown>)[]) =>
      transaction(db(), async (tx) => {
        await insert(tx, 10)();
        await tx.commitWith(...statements(tx));
      }).then(
        () => null,
        (err: unknown) => sqlState(err),
      );
    // The second of three breaks a check; the third only finds the transaction aborted.
    expect(await failing((tx) => [insert(tx, 11), insert(tx, 12, -1), insert(tx, 13)])).toBe('23514');
    // The first repeats a key; the second is fine in itself.
    expect(await failing((tx) => [insert(tx, 1), insert(tx, 14)])).toBe('23505');
    expect(await stored()).toEqual([1, 2, 3, 4]);
  });

  it.skipIf(!onPostgres)('refuses a statement after the commit, and one that sends no query', async () => {
    // drizzle reports a failed query with the driver's error as its cause.
    const refusal = (err: Error) => (err.cause instanceof Error ? err.cause : err).message;
    const after = await transaction(db(), async (tx) => {
      await tx.commitWith(insert(tx, 20));
      await insert(tx, 21)();
    }).catch(refusal);
    expect(after).toMatch(/after the transaction has committed/);
    await expect(
      transaction(db(), async (tx) => {
        await tx.commitWith(insert(tx, 22), async () => null);
      }),
    ).rejects.toThrow(/exactly one query/);
    // The first was committed with its statement; the second transaction rolled back.
    expect(await stored()).toEqual([1, 2, 3, 4, 20]);
  });

  it.skipIf(!onPostgres)(
    'sends BEGIN with the first statement, and the last statements with COMMIT, in one write each',
    async () => {
      // Every write to a socket in this process while the transaction runs: the server's background
      // work (the job poller…) may write to its own connections meanwhile, so only the writes to the
      // transaction's socket (the one BEGIN went to) are counted.
      const writes: { socket: net.Socket; chunks: number; text: string }[] = [];
      const proto = net.Socket.prototype as unknown as Record<
        '_write' | '_writev',
        (...a: unknown[]) => unknown
      >;
      const original = { _write: proto._write, _writev: proto._writev };
      const text = (chunk: unknown) => (Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk));
      for (const name of ['_write', '_writev'] as const)
        proto[name] = function (this: net.Socket, ...args: unknown[]) {
          const chunks =
            name === '_writev' ? (args[0] as { chunk: unknown }[]).map((c) => c.chunk) : [args[0]];
          writes.push({ socket: this, chunks: chunks.length, text: chunks.map(text).join('') });
          return original[name].apply(this, args);
        };
      try {
        await transaction(db(), async (tx) => {
          await insert(tx, 40)();
          await tx.commitWith(insert(tx, 41), insert(tx, 42));
        });
      } finally {
        Object.assign(proto, original);
      }
      const socket = writes.find((w) => w.text.includes('BEGIN\0'))?.socket;
      const own = writes.filter((w) => w.socket === socket);
      // BEGIN and the first insert; the last two inserts and COMMIT (each query several messages).
      expect(own.map((w) => w.chunks)).toHaveLength(2);
      expect(own.every((w) => w.chunks > 1)).toBe(true);
      expect(own[1]?.text).toContain('COMMIT\0');
      expect(await stored()).toEqual([1, 2, 3, 4, 20, 40, 41, 42]);
    },
  );

  it.skipIf(!onPostgres)(
    'releases the locks of its last statements with the database’s work, not when this process is free again',
    async () => {
      await db().execute(sql`INSERT INTO tx_probe (n, v) VALUES (30, 0)`);
      let waiter: Promise<{ at: string }[]> | null = null;
      const busyMs = 1000;
      const committedAt = await transaction(db(), async (tx) => {
        await tx.db.execute(sql`SELECT n FROM tx_probe WHERE n = 30 FOR UPDATE`);
        // Another connection waits for the row.
        waiter = db()
          .execute<{ at: string }>(
            // The time is read once the row is locked (a plain select list is computed before).
            sql`WITH locked AS MATERIALIZED (SELECT n FROM tx_probe WHERE n = 30 FOR UPDATE)
              SELECT clock_timestamp()::text AS at FROM locked`,
          )
          .then((r) => r.rows);
        const waiting = sql`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`;
        while ((await db().execute<{ n: number }>(waiting)).rows[0]!.n === 0);
        const [updated] = await tx.commitWith(() => {
          const sent = executePrepared<{ at: string }>(
            tx.db,
            sql`UPDATE tx_probe SET v = v + 1 WHERE n = 30 RETURNING clock_timestamp()::text AS at`,
          );
          // This process is busy once the statement is out: a COMMIT that waited for its answer to be
          // read here would wait for that too.
          const until = Date.now() + busyMs;
          while (Date.now() < until) {}
          return sent;
        });
        return updated.rows[0]!.at;
      });
      const [got] = await waiter!;
      const waitedMs = Date.parse(got!.at) - Date.parse(committedAt);
      expect(waitedMs).toBeGreaterThanOrEqual(0);
      expect(waitedMs).toBeLessThan(busyMs / 2);
    },
  );
  it.skipIf(!onPostgres)(
    'runs a transaction that lost a deadlock again, its hooks once; with conflictRetries 0 it fails',
    async () => {
      await db().execute(sql`INSERT INTO tx_probe (n, v) VALUES (50, 0), (51, 0)`);
      /** Two transactions locking rows 50 and 51 in opposite orders, each waiting until the other holds its first. */
      const crossed = async (options: { conflictRetries?: number }) => {
        const runs = { a: 0, b: 0 };
        const after = { a: 0, b: 0 };
        const signal = () => {
          let resolve!: () => void;
          return { promise: new Promise<void>((r) => (resolve = r)), resolve: () => resolve() };
        };
        const holds = { a: signal(), b: signal() };
        const committed = { a: signal(), b: signal() };
        const run = (me: 'a' | 'b', other: 'a' | 'b', first: number, second: number) =>
          transaction(
            db(),
            async (tx) => {
              // The loser's second run starts once the winner has committed: started earlier on a loaded
              // machine, it could take its first row back before the winner and lose a second deadlock.
              if (++runs[me] > 1) await committed[other].promise;
              await tx.db.execute(sql`SELECT n FROM tx_probe WHERE n = ${first} FOR UPDATE`);
              holds[me].resolve();
              await holds[other].promise;
              await tx.db.execute(sql`SELECT n FROM tx_probe WHERE n = ${second} FOR UPDATE`);
              await tx.db.execute(sql`UPDATE tx_probe SET v = v + 1 WHERE n IN (50, 51)`);
              tx.afterCommit(() => {
                after[me]++;
                committed[me].resolve();
              });
            },
            options,
          );
        const settled = await Promise.allSettled([run('a', 'b', 50, 51), run('b', 'a', 51, 50)]);
        return {
          runs,
          after,
          errors: settled.flatMap((s) => (s.status === 'rejected' ? [sqlState(s.reason)] : [])),
        };
      };
      const v = async () =>
        (
          await db().execute<{ v: number }>(sql`SELECT v FROM tx_probe WHERE n IN (50, 51) ORDER BY n`)
        ).rows.map((r) => r.v);
      // The database picks one to roll back; it runs again once the other has committed.
      const retried = await crossed({});
      expect(retried.errors).toEqual([]);
      expect(retried.runs.a + retried.runs.b).toBe(3);
      expect(retried.after).toEqual({ a: 1, b: 1 });
      expect(await v()).toEqual([2, 2]);
      const refused = await crossed({ conflictRetries: 0 });
      expect(refused.errors).toEqual(['40P01']);
      expect(refused.after.a + refused.after.b).toBe(1);
      expect(await v()).toEqual([3, 3]);
    },
  );

  it.skipIf(!onPostgres)(
    'genericPlans: the transaction’s prepared statements are planned once, and the setting ends with it',
    async () => {
      // The same prepared statement (a list passed whole, as the message writer's) run several times in
      // one transaction, with the plans PostgreSQL made for it in this session.
      const plansOf = (options: { genericPlans?: boolean }, marker: string) =>
        transaction(
          db(),
          async (tx) => {
            for (const ns of [[1], [1, 2], [1, 2, 3], [2, 3], [3], [1, 3], [2]])
              await executePrepared(
                tx.db,
                sql`SELECT n FROM tx_probe WHERE n = ANY(${sql.param(ns)}::int[]) AND ${marker}::text IS NOT NULL`,
              );
            const [row] = (
              await tx.db.execute<{ generic: number; custom: number; mode: string }>(
                sql`SELECT generic_plans::int AS generic, custom_plans::int AS custom,
                  current_setting('plan_cache_mode') AS mode
                FROM pg_prepared_statements WHERE statement LIKE '%tx_probe WHERE n = ANY%'`,
              )
            ).rows;
            return row;
          },
          options,
        );
      // Left to itself, PostgreSQL plans it again for every execution: the reusable plan, which cannot
      // know the list's length, looks costlier than one made for the values at hand.
      expect(await plansOf({}, 'auto')).toMatchObject({ mode: 'auto', custom: 7, generic: 0 });
      const generic = await plansOf({ genericPlans: true }, 'generic');
      expect(generic?.mode).toBe('force_generic_plan');
      expect(generic?.generic).toBeGreaterThanOrEqual(7);
      // Only for that transaction: the next one on the pool is back to the default.
      const after = await transaction(
        db(),
        async (tx) =>
          (await tx.db.execute<{ mode: string }>(sql`SELECT current_setting('plan_cache_mode') AS mode`))
            .rows[0]!.mode,
      );
      expect(after).toBe('auto');
    },
  );
});
