import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, waitFor } from '../../test/harness.ts';
import { enqueue } from '../jobs/queue.ts';
import { subscriberCursors, subscriberDeadLetters, workspaces } from '../platform/db/schema.ts';
import { transaction } from '../platform/db/tx.ts';
import type { StoredEvent } from './bus.ts';
import { pruneDeadLetters, type SubscriberWorkers, startSubscriberWorkers } from './cursors.ts';
import { pruneEvents, publishMany } from './publish.ts';
import { subscribe } from './subscribers.ts';

/** The name each test event carries (in the workspace's name, the payload of `workspace.updated`). */
const label = (e: StoredEvent) => (e.payload as { workspace: { name: string } }).workspace.name;

describe('durable subscribers on cursors', () => {
  let server: TestServer;
  const workers: SubscriberWorkers[] = [];
  const seen = new Map<string, StoredEvent[]>();
  const record = (subscriber: string, e: StoredEvent) => {
    seen.set(subscriber, [...(seen.get(subscriber) ?? []), e]);
  };
  const of = (subscriber: string, workspaceId?: string) =>
    (seen.get(subscriber) ?? []).filter((e) => !workspaceId || e.workspaceId === workspaceId);
  const gates = new Map<string, () => void>();
  const gate = (key: string) => new Promise<void>((resolve) => gates.set(key, resolve));

  // Each test has its subscriber, run only by the workers the test starts.
  subscribe({
    name: 'test-order',
    events: ['workspace.updated'],
    handle: async (e) => record('test-order', e),
  });
  subscribe({
    name: 'test-doomed',
    events: ['workspace.updated'],
    maxAttempts: 3,
    backoffMs: () => 20,
    handle: async (e, ctx) => {
      record('test-doomed', { ...e, payload: { ...(e.payload as object), attempt: ctx.attempt } });
      if (label(e).startsWith('doomed')) throw new Error(`cannot take ${label(e)}`);
    },
  });
  /** Records each event; those `held` picks only once the gate of their label opens. */
  const gated = (name: string, held: (label: string) => boolean) =>
    subscribe({
      name,
      events: ['workspace.updated'],
      handle: async (e) => {
        if (held(label(e))) await gate(label(e));
        record(name, e);
      },
    });
  gated('test-slow', (l) => l.startsWith('slow'));
  subscribe({
    name: 'test-fast',
    events: ['workspace.updated'],
    handle: async (e) => record('test-fast', e),
  });
  const inFlight = new Set<string>();
  let overlaps = 0;
  const runs = new Map<string, number>();
  /** Events labelled `<prefix>…` wait for their gate, one per run: `<label>#<run>`. */
  const held = (subscriber: string, prefix: string) => async (e: StoredEvent) => {
    const key = `${e.workspaceId}:${e.seq}`;
    if (inFlight.has(key)) overlaps++;
    inFlight.add(key);
    const run = (runs.get(`${subscriber}:${label(e)}`) ?? 0) + 1;
    runs.set(`${subscriber}:${label(e)}`, run);
    record(subscriber, e);
    try {
      if (label(e).startsWith(prefix)) await gate(`${label(e)}#${run}`);
    } finally {
      inFlight.delete(key);
    }
  };
  subscribe({ name: 'test-lease', events: ['workspace.updated'], handle: held('test-lease', 'held-long') });
  subscribe({ name: 'test-stale', events: ['workspace.updated'], handle: held('test-stale', 'held-stale') });
  const busy = new Set<string>();
  let concurrentInWorkspace = 0;
  subscribe({
    name: 'test-many',
    events: ['workspace.updated'],
    handle: async (e) => {
      if (busy.has(e.workspaceId)) concurrentInWorkspace++;
      busy.add(e.workspaceId);
      await new Promise((r) => setTimeout(r, 2));
      record('test-many', e);
      busy.delete(e.workspaceId);
    },
  });
  subscribe({
    name: 'test-when',
    events: ['workspace.updated'],
    when: (_name, payload) => (payload as { workspace: { name: string } }).workspace.name.startsWith('keep'),
    handle: async (e) => record('test-when', e),
  });
  subscribe({
    name: 'test-where',
    events: ['workspace.updated'],
    where: sql`payload->'workspace'->>'name' LIKE 'keep%'`,
    handle: async (e) => record('test-where', e),
  });
  subscribe({
    name: 'test-legacy',
    events: ['workspace.updated'],
    handle: async (e) => record('test-legacy', e),
  });
  subscribe({
    name: 'test-sparse',
    events: ['workspace.updated'],
    handle: async (e) => record('test-sparse', e),
  });
  gated('test-woken', (l) => l === 'woken-first');
  gated('test-backlog', (l) => l === 'backlog-hold');
  subscribe({
    name: 'test-pruned',
    events: ['workspace.updated'],
    handle: async (e) => record('test-pruned', e),
  });

  beforeAll(async () => {
    server = await startTestServer();
    // The server's own pools would take the test subscribers too: only the tests' workers run here.
    await server.parley.subscribers.stop();
  });
  afterAll(async () => {
    for (const open of gates.values()) open();
    await Promise.all(workers.map((w) => w.stop()));
    await server?.close();
  });

  const db = () => server.parley.ctx.db;
  const start = (
    only: string[],
    opts: { leaseMs?: number; batch?: number; concurrency?: number; pollMs?: number } = {},
  ) => {
    const w = startSubscriberWorkers({
      db: db(),
      app: server.parley.ctx,
      pollMs: 20,
      only,
      onError: () => {},
      ...opts,
    });
    workers.push(w);
    return w;
  };
  const newWorkspace = async () => {
    const [row] = await db()
      .insert(workspaces)
      .values({ name: 'Cursors', widgetKey: `wk_${randomUUID()}`, widgetSecret: 'secret' })
      .returning({ id: workspaces.id });
    return row!.id;
  };
  const deadLettersOf = (workspaceId: string) =>
    db().select().from(subscriberDeadLetters).where(eq(subscriberDeadLetters.workspaceId, workspaceId));
  const publishNames = (workspaceId: string, names: string[]) =>
    transaction(db(), (tx) =>
      publishMany(
        tx,
        names.map((name) => ({
          workspaceId,
          name: 'workspace.updated' as const,
          payload: {
            workspace: {
              id: workspaceId,
              name,
              timezone: 'UTC',
              widgetKey: 'wk',
              createdAt: new Date().toISOString(),
            },
          },
        })),
      ),
    );
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 400 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await check()).toBe(true);
  };
  const cursor = async (subscriber: string, workspaceId: string) =>
    (
      await db()
        .select()
        .from(subscriberCursors)
        .where(
          and(eq(subscriberCursors.subscriber, subscriber), eq(subscriberCursors.workspaceId, workspaceId)),
        )
    )[0];

  it('hands each event once, in sequence order per workspace, a batch at a time', async () => {
    const [a, b] = [await newWorkspace(), await newWorkspace()];
    const w = start(['test-order'], { batch: 7 });
    for (let i = 0; i < 5; i++) {
      await publishNames(
        a,
        Array.from({ length: 6 }, (_, j) => `a-${i * 6 + j}`),
      );
      await publishNames(b, [`b-${i}`]);
    }
    await w.drain();
    const seqs = (ws: string) => of('test-order', ws).map((e) => e.seq);
    expect(of('test-order', a).map(label)).toEqual(Array.from({ length: 30 }, (_, i) => `a-${i}`));
    expect(seqs(a)).toEqual([...seqs(a)].sort((x, y) => x - y));
    expect(of('test-order', b).map(label)).toEqual(['b-0', 'b-1', 'b-2', 'b-3', 'b-4']);
    expect((await cursor('test-order', a))?.seq).toBe(30);
    expect((await cursor('test-order', b))?.seq).toBe(5);
  });

  it('retries a failing event with backoff, then records it as a dead letter and moves on', async () => {
    const ws = await newWorkspace();
    start(['test-doomed']);
    const [doomed, next] = await publishNames(ws, ['doomed-1', 'after-1']);
    await waitFor(() => of('test-doomed', ws).some((e) => label(e) === 'after-1'), 10_000);
    const attempts = of('test-doomed', ws).map((e) => [label(e), (e.payload as { attempt: number }).attempt]);
    // The failing head held back this workspace's later event until it was given up.
    expect(attempts).toEqual([
      ['doomed-1', 1],
      ['doomed-1', 2],
      ['doomed-1', 3],
      ['after-1', 1],
    ]);
    const dead = await db()
      .select()
      .from(subscriberDeadLetters)
      .where(
        and(eq(subscriberDeadLetters.subscriber, 'test-doomed'), eq(subscriberDeadLetters.workspaceId, ws)),
      );
    expect(dead).toEqual([
      expect.objectContaining({
        seq: doomed!.seq,
        throughSeq: doomed!.seq,
        name: 'workspace.updated',
        attempts: 3,
        error: 'cannot take doomed-1',
        payload: expect.objectContaining({ workspace: expect.objectContaining({ name: 'doomed-1' }) }),
      }),
    ]);
    await until(async () => (await cursor('test-doomed', ws))?.seq === next!.seq);
    expect(await cursor('test-doomed', ws)).toMatchObject({ seq: next!.seq, attempts: 0, retryAt: null });
    // Kept for inspection, then pruned.
    expect(await pruneDeadLetters(db(), new Date(Date.now() - 60_000))).toBe(0);
    expect(await pruneDeadLetters(db(), new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(1);
  });

  it('a slow subscriber delays neither another subscriber nor its own other workspaces', async () => {
    const [ws, other] = [await newWorkspace(), await newWorkspace()];
    start(['test-slow', 'test-fast']);
    await publishNames(ws, ['slow-1', 'quick-1']);
    await waitFor(() => gates.has('slow-1'), 10_000);
    await publishNames(other, ['quick-2']);
    await waitFor(
      () =>
        of('test-fast', ws).map(label).join() === 'slow-1,quick-1' &&
        of('test-slow', other).map(label).join() === 'quick-2',
      10_000,
    );
    // Head of line only where it failed: this subscriber and workspace.
    expect(of('test-slow', ws)).toEqual([]);
    gates.get('slow-1')!();
    await waitFor(() => of('test-slow', ws).map(label).join() === 'slow-1,quick-1', 10_000);
  });

  it('claims a cursor woken while it ran again as soon as that run ends, not at the next poll', async () => {
    const ws = await newWorkspace();
    // No poll within the test: only the wake can bring the second event.
    const w = start(['test-woken'], { pollMs: 600_000 });
    // Registered before the events (a subscriber's cursors start after what was published before it).
    await w.drain();
    await publishNames(ws, ['woken-first']);
    await waitFor(() => gates.has('woken-first'), 10_000);
    // Published while the cursor's run (claimed up to the first event) waits in its handler.
    await publishNames(ws, ['woken-second']);
    gates.get('woken-first')!();
    await waitFor(() => of('test-woken', ws).map(label).join() === 'woken-first,woken-second', 10_000);
    await until(async () => (await cursor('test-woken', ws))?.seq === 2);
    // One claim per run: none was spent while the first run held the workspace.
    expect((await cursor('test-woken', ws))?.lease).toBe(2);
  });

  it('claims the workspaces left waiting for a free worker as soon as one is free, not at the next poll', async () => {
    const spaces = [await newWorkspace(), await newWorkspace(), await newWorkspace()];
    const w = start(['test-backlog'], { pollMs: 600_000, concurrency: 1 });
    await w.drain();
    await publishNames(spaces[0]!, ['backlog-hold']);
    await waitFor(() => gates.has('backlog-hold'), 10_000);
    // The only worker is busy: these wait for it.
    await publishNames(spaces[1]!, ['backlog-1']);
    await publishNames(spaces[2]!, ['backlog-2']);
    gates.get('backlog-hold')!();
    const handled = () => spaces.flatMap((ws) => of('test-backlog', ws).map(label));
    await waitFor(() => handled().length === 3, 10_000);
    expect(handled()).toEqual(['backlog-hold', 'backlog-1', 'backlog-2']);
  });

  it('renews the lease of a long handler, so no other worker runs its event', async () => {
    const ws = await newWorkspace();
    const leaseMs = 1500;
    start(['test-lease'], { leaseMs });
    start(['test-lease'], { leaseMs });
    const [event] = await publishNames(ws, ['held-long']);
    await waitFor(() => gates.has('held-long#1'), 10_000);
    const since = Date.now();
    // Three leases go by while the handler runs; both workers keep polling meanwhile.
    await waitFor(() => Date.now() - since > 3 * leaseMs, 20_000);
    expect(runs.get('test-lease:held-long')).toBe(1);
    gates.get('held-long#1')!();
    await until(async () => (await cursor('test-lease', ws))?.seq === event!.seq);
    expect(runs.get('test-lease:held-long')).toBe(1);
    expect(overlaps).toBe(0);
  });

  it('lets another worker take over a lease that ran out, and the stale worker cannot move the cursor', async () => {
    const ws = await newWorkspace();
    const stale = start(['test-stale']);
    const [event] = await publishNames(ws, ['held-stale']);
    await waitFor(() => gates.has('held-stale#1'), 10_000);
    // Its node stalls past the lease (renewals stop): the lease is seen as run out.
    await db()
      .update(subscriberCursors)
      .set({ lockedUntil: new Date(Date.now() - 1000) })
      .where(and(eq(subscriberCursors.subscriber, 'test-stale'), eq(subscriberCursors.workspaceId, ws)));
    start(['test-stale']);
    await waitFor(() => gates.has('held-stale#2'), 10_000);
    const taken = (await cursor('test-stale', ws))!;
    expect(taken.seq).toBe(event!.seq - 1);
    // The stale run ends: its write is fenced off and the cursor stays with its new owner.
    gates.get('held-stale#1')!();
    await stale.stop();
    expect(await cursor('test-stale', ws)).toMatchObject({ seq: event!.seq - 1, lease: taken.lease });
    gates.get('held-stale#2')!();
    await until(async () => (await cursor('test-stale', ws))?.seq === event!.seq);
    expect(runs.get('test-stale:held-stale')).toBe(2);
  });

  it('never runs one event twice, nor two events of a workspace at once, with several workers', async () => {
    const spaces = [await newWorkspace(), await newWorkspace(), await newWorkspace()];
    for (const ws of spaces)
      await publishNames(
        ws,
        Array.from({ length: 20 }, (_, i) => `many-${i}`),
      );
    const ws3 = [1, 2, 3].map(() => start(['test-many'], { batch: 5 }));
    await Promise.all(ws3.map((w) => w.drain()));
    for (const ws of spaces) {
      expect(of('test-many', ws).map(label)).toEqual(Array.from({ length: 20 }, (_, i) => `many-${i}`));
    }
    expect(concurrentInWorkspace).toBe(0);
  });

  it('hands over only the events its `when` lets through, and moves past the others', async () => {
    const ws = await newWorkspace();
    const w = start(['test-when']);
    const published = await publishNames(ws, ['keep-1', 'drop-1', 'keep-2', 'drop-2']);
    await w.drain();
    expect(of('test-when', ws).map(label)).toEqual(['keep-1', 'keep-2']);
    expect((await cursor('test-when', ws))?.seq).toBe(published.at(-1)!.seq);
  });

  it('does not read the events its `where` leaves out, and moves past them', async () => {
    const ws = await newWorkspace();
    const w = start(['test-where'], { batch: 2 });
    const published = await publishNames(ws, ['keep-1', 'drop-1', 'drop-2', 'drop-3', 'keep-2', 'drop-4']);
    await w.drain();
    // No `when`: the handler would have recorded whatever the cursor read.
    expect(of('test-where', ws).map(label)).toEqual(['keep-1', 'keep-2']);
    expect((await cursor('test-where', ws))?.seq).toBe(published.at(-1)!.seq);
    expect(await deadLettersOf(ws)).toEqual([]);
  });

  it('reads only the events it wants: others in between are neither handed over nor taken for pruned ones', async () => {
    const ws = await newWorkspace();
    const w = start(['test-sparse'], { batch: 2 });
    const others = (n: number) =>
      transaction(db(), (tx) =>
        publishMany(
          tx,
          Array.from({ length: n }, () => ({
            workspaceId: ws,
            name: 'widget.availability' as const,
            payload: { available: true },
          })),
        ),
      );
    await others(150);
    await publishNames(ws, ['a']);
    await others(40);
    await publishNames(ws, ['b', 'c']);
    await others(1);
    await publishNames(ws, ['d']);
    const last = await others(120);
    await w.drain();
    expect(of('test-sparse', ws).map(label)).toEqual(['a', 'b', 'c', 'd']);
    expect((await cursor('test-sparse', ws))?.seq).toBe(last.at(-1)!.seq);
    expect(await deadLettersOf(ws)).toEqual([]);
  });

  it('skips events pruned before it got to them, and records the range', async () => {
    const ws = await newWorkspace();
    const w = start(['test-pruned']);
    await publishNames(ws, ['first']);
    await w.drain();
    await w.stop();
    const gone = await publishNames(ws, ['gone-1', 'gone-2', 'gone-3']);
    expect(await pruneEvents(db(), new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(3);
    const [kept] = await publishNames(ws, ['kept']);
    await start(['test-pruned']).drain();
    expect(of('test-pruned', ws).map(label)).toEqual(['first', 'kept']);
    const dead = await db()
      .select()
      .from(subscriberDeadLetters)
      .where(
        and(eq(subscriberDeadLetters.subscriber, 'test-pruned'), eq(subscriberDeadLetters.workspaceId, ws)),
      );
    expect(dead).toEqual([
      expect.objectContaining({ seq: gone[0]!.seq, throughSeq: gone[2]!.seq, name: null, attempts: 0 }),
    ]);
    expect((await cursor('test-pruned', ws))?.seq).toBe(kept!.seq);
  });

  it('still runs a job enqueued per event by the version before the cursors', async () => {
    const ws = await newWorkspace();
    const [event] = await publishNames(ws, ['legacy-1']);
    // The cursor (no worker here) never saw it; the old job kind delivers it through the job worker.
    await enqueue(db(), 'event:test-legacy', { workspaceId: ws, seq: event!.seq });
    await server.parley.jobs.drain();
    expect(of('test-legacy', ws).map(label)).toEqual(['legacy-1']);
  });

  it('a subscriber first started on a workspace with events begins after them', async () => {
    const ws = await newWorkspace();
    await publishNames(ws, ['before-1', 'before-2']);
    subscribe({
      name: 'test-late',
      events: ['workspace.updated'],
      handle: async (e) => record('test-late', e),
    });
    const w = start(['test-late']);
    await w.drain();
    await publishNames(ws, ['after-1']);
    await w.drain();
    expect(of('test-late', ws).map(label)).toEqual(['after-1']);
  });
});
