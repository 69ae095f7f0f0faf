import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { StartupError } from '../startup.ts';
import { openDatabase } from './client.ts';

/** The PostgreSQL pool's session settings (PGlite runs one query at a time: no workers to start). */
describe.runIf(Boolean(process.env.DATABASE_URL))('PostgreSQL connections', () => {
  let server: TestServer;
  const setting = async (db: TestServer['parley']['ctx']['db']) =>
    (await db.execute<{ v: string }>(sql`SELECT current_setting('max_parallel_workers_per_gather') AS v`))
      .rows[0]!.v;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());
  afterEach(() => {
    delete process.env.PG_PARALLEL_WORKERS;
  });

  it('start no parallel workers for a query unless PG_PARALLEL_WORKERS says so, on every connection', async () => {
    const db = server.parley.ctx.db;
    // Several at once, so they come from different connections of the pool.
    expect(await Promise.all(Array.from({ length: 6 }, () => setting(db)))).toEqual(Array(6).fill('0'));

    process.env.PG_PARALLEL_WORKERS = '2';
    const other = await openDatabase({ url: server.databaseUrl!, dataDir: '' });
    try {
      expect(await setting(other.db)).toBe('2');
    } finally {
      await other.close();
    }
  });

  it('refuses a PG_PARALLEL_WORKERS that is not a whole number, naming it', async () => {
    for (const bad of ['two', '-1', '1.5']) {
      process.env.PG_PARALLEL_WORKERS = bad;
      const opening = openDatabase({ url: server.databaseUrl!, dataDir: '' });
      await expect(opening, bad).rejects.toBeInstanceOf(StartupError);
      await expect(opening, bad).rejects.toThrow(/PG_PARALLEL_WORKERS/);
    }
  });
});
