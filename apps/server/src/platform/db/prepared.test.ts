import { sql } from 'drizzle-orm';
import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { sqlState } from './errors.ts';
import { allColumns, compiled, executePrepared, rowOf } from './prepared.ts';
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

  it('reads rows as drizzle does, and keeps working when another node adds a column', async () => {
    const probe = pgTable('prepared_probe', {
      id: integer('id').notNull(),
      label: text('label'),
      seenAt: timestamp('seen_at', { withTimezone: true }),
    });
    const read = compiled(
      sql`SELECT ${allColumns(probe, 'p')} FROM prepared_probe p WHERE p.id = ANY(${sql.placeholder('ids')}::int[]) ORDER BY p.id`,
    );
    await db().execute(sql`DROP TABLE IF EXISTS prepared_probe`);
    await db().execute(sql`CREATE TABLE prepared_probe (id int NOT NULL, label text, seen_at timestamptz)`);
    await db().execute(
      sql`INSERT INTO prepared_probe VALUES (1, 'one', '2026-12-03T05:00:00.123Z'), (2, NULL, NULL)`,
    );
    await transaction(db(), async (tx) => {
      const first = (await read(tx.db, { ids: [1, 2] })).rows.map((r) => rowOf(probe, r));
      expect(first).toEqual([
        { id: 1, label: 'one', seenAt: new Date('2026-12-03T05:00:00.123Z') },
        { id: 2, label: null, seenAt: null },
      ]);
      // A migration of a newer node, while this connection holds the prepared statement: with `*`
      // PostgreSQL would refuse it from now on ("cached plan must not change result type").
      await tx.db.execute(sql`ALTER TABLE prepared_probe ADD COLUMN extra int`);
      const again = (await read(tx.db, { ids: [1] })).rows.map((r) => rowOf(probe, r));
      expect(again).toEqual([first[0]]);
    });
    await db().execute(sql`DROP TABLE prepared_probe`);
  });
});
