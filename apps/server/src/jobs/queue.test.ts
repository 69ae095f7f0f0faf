import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, waitFor } from '../../test/harness.ts';
import { jobs } from '../platform/db/schema.ts';
import { defineJob, enqueue, pruneFailedJobs, startJobWorker } from './queue.ts';

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
    // Kept for inspection, then pruned with the others that failed before the cut-off.
    expect(await pruneFailedJobs(server.parley.ctx.db, new Date(Date.now() - 60_000))).toBe(0);
    expect(await pruneFailedJobs(server.parley.ctx.db, new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(
      1,
    );
    expect(await job()).toBeUndefined();
  });

  it('deletes a job once it has run', async () => {
    const id = await enqueue(server.parley.ctx.db, 'test.record', { n: 3 });
    await waitFor(() => runs.find((r) => (r.payload as { n: number }).n === 3));
    const left = async () => (await server.parley.ctx.db.select().from(jobs).where(eq(jobs.id, id))).length;
    for (let i = 0; i < 400 && (await left()) > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await left()).toBe(0);
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

describe('job worker: slow and long jobs', () => {
  let server: TestServer;
  const started: string[] = [];
  const finished: string[] = [];
  const gates = new Map<string, () => void>();
  const gate = (key: string) => new Promise<void>((resolve) => gates.set(key, resolve));

  defineJob<{ key: string }>({
    name: 'test.gated',
    handle: async ({ key }) => {
      started.push(key);
      if (key.startsWith('slow')) await gate(key);
      finished.push(key);
    },
  });

  beforeAll(async () => {
    server = await startTestServer();
    // Only the workers of these tests, with their own lease, take jobs.
    await server.parley.jobs.stop();
  });
  afterAll(async () => {
    for (const open of gates.values()) open();
    await server?.close();
  });

  const db = () => server.parley.ctx.db;
  const worker = (leaseMs = 60_000) =>
    startJobWorker({ db: db(), app: server.parley.ctx, pollMs: 20, leaseMs, onError: () => {} });

  it('runs other jobs while a slow one is still running', async () => {
    const w = worker();
    await enqueue(db(), 'test.gated', { key: 'slow-1' });
    await waitFor(() => started.includes('slow-1'), 10_000);
    for (let i = 0; i < 5; i++) await enqueue(db(), 'test.gated', { key: `fast-${i}` });
    await waitFor(() => [0, 1, 2, 3, 4].every((i) => finished.includes(`fast-${i}`)), 10_000);
    expect(finished).not.toContain('slow-1');
    gates.get('slow-1')!();
    await waitFor(() => finished.includes('slow-1'));
    await w.stop();
  });

  it('renews the lease of a job that runs longer than it, so no other worker runs it again', async () => {
    // Renewed every third of the lease: 2 s of slack before a lease lapses, even on a loaded machine.
    const leaseMs = 3000;
    const workers = [worker(leaseMs), worker(leaseMs)];
    const id = await enqueue(db(), 'test.gated', { key: 'slow-long' });
    await waitFor(() => started.includes('slow-long'), 10_000);
    const since = Date.now();
    // Two and a half leases go by while the job runs; both workers keep polling meanwhile.
    await waitFor(() => Date.now() - since > 2.5 * leaseMs, 20_000);
    expect(started.filter((k) => k === 'slow-long')).toHaveLength(1);
    gates.get('slow-long')!();
    await waitFor(() => finished.includes('slow-long'));
    const left = async () => (await db().select().from(jobs).where(eq(jobs.id, id))).length;
    for (let i = 0; i < 400 && (await left()) > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await left()).toBe(0);
    await Promise.all(workers.map((w) => w.stop()));
    expect(started.filter((k) => k === 'slow-long')).toHaveLength(1);
  });
});
