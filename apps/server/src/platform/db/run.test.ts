import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/harness.ts';
import { holdRun, type Run } from './run.ts';

const url = process.env.DATABASE_URL;

/** The backend holding a run's lock, if one does. */
async function holderOf(client: pg.Client, run: Run): Promise<number | null> {
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 7412002 AND objid = $1 AND granted`,
    [run.key],
  );
  return rows[0]?.pid ?? null;
}

describe.runIf(url)('a run on PostgreSQL', () => {
  const admin = new pg.Client({ connectionString: url });
  const runs: Run[] = [];
  afterAll(async () => {
    for (const run of runs) await run.close();
    await admin.end();
  });

  it('holds its lock while it runs, takes it again when its connection is cut, gives it up when closed', async () => {
    await admin.connect();
    const warnings: string[] = [];
    const run = await holdRun(url!, { retryMs: 50, warn: (message) => warnings.push(message) });
    runs.push(run);
    const other = await holdRun(url!, { retryMs: 50, warn: () => {} });
    runs.push(other);
    expect(run.key).not.toBe(other.key);
    const first = await holderOf(admin, run);
    expect(first).not.toBeNull();

    // The database ends the connection (a restart, a failover, an administrator): the run is gone
    // until its process takes its lock again, on a new connection.
    await admin.query('SELECT pg_terminate_backend($1)', [first]);
    const again = await waitFor(async () => {
      const pid = await holderOf(admin, run);
      return pid !== null && pid !== first && pid;
    });
    expect(again).not.toBe(first);
    expect(warnings).toEqual([
      'the connection holding the run lock was lost; taking it again',
      'the run lock is held again',
    ]);
    expect(await holderOf(admin, other)).not.toBeNull();

    await run.close();
    await waitFor(async () => (await holderOf(admin, run)) === null);
  });
});
