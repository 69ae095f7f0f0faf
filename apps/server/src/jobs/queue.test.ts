import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, waitFor } from '../../test/harness.ts';
import { jobs } from '../platform/db/schema.ts';
import { defineJob, enqueue, startJobWorker } from './queue.ts';

describe('durable jobs', () => {
  let server: TestServer;
  const runs: { name: string; payload: unknown; at: number; attempt: number }[] = [];
  let failuresLeft = 2;

  defineJob<{ n: number }>({
    name: 'test.record',
    handle: async (payload, ctx) => {
      runs.push({ name: 'test.record', payload, at: Date.now(), attempt: ctx.attempt });
    },
  });
  defineJob<{ n: number }>({
    name: 'test.flaky',
    maxAttempts: 3,
    backoffMs: () => 50,
    handle: async (payload, ctx) => {
      runs.push({ name: 'test.flaky', payload, at: Date.now(), attempt: ctx.attempt });
      if (failuresLeft-- > 0) throw new Error('transient');
    },
  });
  defineJob({
    name: 'test.doomed',
    maxAttempts: 2,
    backoffMs: () => 10,
    handle: async () => {
      throw new Error('always fails');
    },
  });

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('runs a delayed job no earlier than asked', async () => {
    const enqueuedAt = Date.now();
    await enqueue(server.parley.ctx.db, 'test.record', { n: 1 }, { delayMs: 300 });
    const run = await waitFor(() => runs.find((r) => (r.payload as { n: number }).n === 1));
    expect(run.at - enqueuedAt).toBeGreaterThanOrEqual(290);
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    await enqueue(server.parley.ctx.db, 'test.flaky', { n: 2 });
    await waitFor(() => runs.filter((r) => r.name === 'test.flaky').length === 3, 5000);
    expect(runs.filter((r) => r.name === 'test.flaky').map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('gives up after the last attempt and keeps the error', async () => {
    const id = await enqueue(server.parley.ctx.db, 'test.doomed', {});
    const job = async () => (await server.parley.ctx.db.select().from(jobs).where(eq(jobs.id, id)))[0];
    for (let i = 0; i < 200 && !(await job())?.failedAt; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await job()).toMatchObject({ lastError: 'always fails', attempts: 2, failedAt: expect.any(Date) });
  });

  it('never runs one job twice when several workers poll the same table', async () => {
    const before = runs.length;
    const ids = [];
    for (let n = 100; n < 140; n++) ids.push(await enqueue(server.parley.ctx.db, 'test.record', { n }));
    const workers = [1, 2, 3].map(() =>
      startJobWorker({ db: server.parley.ctx.db, app: server.parley.ctx, pollMs: 5, onError: () => {} }),
    );
    await waitFor(() => runs.length - before >= 40, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all(workers.map((w) => w.stop()));
    const ns = runs.slice(before).map((r) => (r.payload as { n: number }).n);
    expect(ns).toHaveLength(40);
    expect(new Set(ns).size).toBe(40);
  });
});
