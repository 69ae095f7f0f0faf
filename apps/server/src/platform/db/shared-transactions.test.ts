import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';
import { publishLater } from '../../events/publish.ts';
import { AppError } from '../errors.ts';
import { sharedTransactions } from './shared-transactions.ts';
import type { Tx } from './tx.ts';

/** Commands sharing a transaction, against a real database (PGlite, or PostgreSQL with DATABASE_URL). */
describe('shared transactions', () => {
  let server: TestServer;
  let owner: Owner;
  const db = () => server.parley.ctx.db;
  const logger = { warn: () => {} };

  /** A command that writes a row and defers an event naming it; `gate` holds it until opened. */
  const command =
    (name: string, opts: { gate?: Promise<void>; fail?: unknown; seqs?: Map<string, number> } = {}) =>
    async (tx: Tx) => {
      await opts.gate;
      const [row] = (
        await tx.db.execute<{ txid: string }>(
          sql`INSERT INTO shared_tx_probe (name) VALUES (${name}) RETURNING txid_current()::text AS txid`,
        )
      ).rows;
      const inviteId = randomUUID();
      publishLater(tx, {
        workspaceId: owner.workspaceId,
        name: 'invite.revoked',
        payload: { inviteId },
        numbered: (event) => opts.seqs?.set(name, event.seq),
      });
      if (opts.fail) throw opts.fail;
      return { txid: row!.txid, inviteId };
    };
  const stored = async () =>
    (await db().execute<{ name: string }>(sql`SELECT name FROM shared_tx_probe ORDER BY name`)).rows.map(
      (r) => r.name,
    );

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    await db().execute(sql`CREATE TABLE shared_tx_probe (name text PRIMARY KEY)`);
  });
  afterAll(() => server?.close());

  it('runs the commands queued meanwhile in one transaction; one that fails is rolled back alone', async () => {
    const shared = sharedTransactions({ db: db(), logger, concurrency: 1 });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const seqs = new Map<string, number>();
    const first = shared.run('a', command('s1-first', { gate, seqs }));
    // A command starts at the end of its turn of the event loop, with the others of that turn.
    await new Promise((resolve) => setImmediate(resolve));
    const rest = ['b', 'c', 'd', 'e'].map((key) =>
      shared.run(
        key,
        command(`s1-${key}`, { seqs, fail: key === 'c' ? new AppError('conflict', 'no') : undefined }),
      ),
    );
    open();
    const [alone, b, c, d, e] = await Promise.allSettled([first, ...rest]);
    expect(c).toMatchObject({ status: 'rejected', reason: { message: 'no' } });
    const values = [b, d, e].map((r) => (r as PromiseFulfilledResult<{ txid: string }>).value);
    // The three that succeeded shared a transaction; the first ran alone, before they came.
    expect(new Set(values.map((v) => v.txid)).size).toBe(1);
    expect((alone as PromiseFulfilledResult<{ txid: string }>).value.txid).not.toBe(values[0]!.txid);
    expect(await stored()).toEqual(['s1-b', 's1-d', 's1-e', 's1-first']);
    // The failed command's event was dropped with it; the others were numbered at the end, in order.
    expect([...seqs.keys()]).toEqual(['s1-first', 's1-b', 's1-d', 's1-e']);
    const [sb, sd, se] = ['s1-b', 's1-d', 's1-e'].map((k) => seqs.get(k)!);
    expect([sd! - sb!, se! - sd!]).toEqual([1, 1]);
    const events = await db().execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM events WHERE workspace_id = ${owner.workspaceId} AND seq = ANY(${sql.param([...seqs.values()])}::bigint[]) AND name = 'invite.revoked'`,
    );
    expect(events.rows[0]!.n).toBe(4);
    await shared.flushed();
  });

  it('settles a command only once its transaction committed', async () => {
    const shared = sharedTransactions({ db: db(), logger, concurrency: 1 });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const seen: string[][] = [];
    const first = shared.run('a', command('s2-first', { gate }));
    await new Promise((resolve) => setImmediate(resolve));
    const later = ['b', 'c'].map((key) =>
      shared.run(key, command(`s2-${key}`)).then(async () => {
        seen.push((await stored()).filter((n) => n.startsWith('s2-')));
      }),
    );
    open();
    await Promise.all([first, ...later]);
    for (const names of seen) expect(names).toEqual(['s2-b', 's2-c', 's2-first']);
  });

  it('runs a command that lost a deadlock again, alone', async () => {
    const shared = sharedTransactions({ db: db(), logger, concurrency: 1 });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let tries = 0;
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const first = shared.run('a', command('s3-first', { gate }));
    await new Promise((resolve) => setImmediate(resolve));
    const loser = shared.run('b', async (tx) => {
      tries++;
      return command('s3-loser', { fail: tries === 1 ? deadlock : undefined })(tx);
    });
    const other = shared.run('c', command('s3-other'));
    open();
    const [, lost, won] = await Promise.all([first, loser, other]);
    expect(tries).toBe(2);
    expect(lost.txid).not.toBe(won.txid);
    expect((await stored()).filter((n) => n.startsWith('s3-'))).toEqual(['s3-first', 's3-loser', 's3-other']);
  });

  it('keeps the commands of one key in their order', async () => {
    const shared = sharedTransactions({ db: db(), logger, concurrency: 2, maxBatch: 2 });
    const order: string[] = [];
    const runs = Array.from({ length: 8 }, (_, i) =>
      shared.run(i % 2 === 0 ? 'same' : `other-${i}`, async (tx) => {
        const result = await command(`s4-${i}`)(tx);
        if (i % 2 === 0) order.push(`s4-${i}`);
        return result;
      }),
    );
    await Promise.all(runs);
    expect(order).toEqual(['s4-0', 's4-2', 's4-4', 's4-6']);
    expect((await stored()).filter((n) => n.startsWith('s4-'))).toHaveLength(8);
  });
});
