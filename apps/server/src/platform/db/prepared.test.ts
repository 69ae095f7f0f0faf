import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { sqlState } from './errors.ts';
import { executePrepared } from './prepared.ts';
import { transaction } from './tx.ts';

/** Named prepared statements, against a real database (PGlite, or PostgreSQL with DATABASE_URL). */
describe('prepared statements', () => {
  let server: TestServer;
  const db = () => server.parley.ctx.db;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('run as db.execute does, prepared once per connection and reused with other values', async () => {
    const square = (n: number) => sql`SELECT v * v AS n FROM unnest(${sql.param([n, n + 1])}::int[]) AS v`;
    await transaction(db(), async (tx) => {
      expect((await executePrepared<{ n: number }>(tx.db, square(3))).rows.map((r) => Number(r.n))).toEqual([
        9, 16,
      ]);
      // The same text with other values: the statement prepared by the first call, on this connection.
      expect((await executePrepared<{ n: number }>(tx.db, square(5))).rows.map((r) => Number(r.n))).toEqual([
        25, 36,
      ]);
      if (server.parley.database.kind !== 'postgres') return;
      const { rows } = await tx.db.execute<{ name: string; statement: string }>(
        sql`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'parley_%'`,
      );
      const mine = rows.filter((r) => r.statement.includes('v * v'));
      expect(mine).toHaveLength(1);
    });
    // A failing statement leaves the connection usable, for it and for the others.
    const failed = await executePrepared(db(), sql`SELECT 1 / ${0}::int AS n`).catch((err: unknown) => err);
    expect(sqlState(failed)).toBe('22012');
    expect((await executePrepared<{ n: number }>(db(), sql`SELECT 1 / ${1}::int AS n`)).rows[0]!.n).toBe(1);
  });
});
