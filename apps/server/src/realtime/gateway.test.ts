import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  Client,
  type Owner,
  openSocket,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../test/harness.ts';
import { pruneEvents, useEventBus } from '../events/publish.ts';

describe('realtime gateway', () => {
  let server: TestServer;
  let owner: Owner;
  let operator: { client: Client; userId: string };

  beforeAll(async () => {
    server = await startTestServer({}, { heartbeatMs: 300 });
    owner = await setupOwner(server.url);
    operator = await addMember(owner, { email: 'otto@example.com', role: 'operator' });
  });
  afterAll(() => server?.close());

  const rename = (name: string) => owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { name });
  const socketPath = (after?: number) =>
    `/api/realtime?workspaceId=${owner.workspaceId}${after === undefined ? '' : `&after=${after}`}`;

  it('refuses a socket without a session, and one for a workspace the user is not in', async () => {
    const anonymous = await openSocket(server.url, socketPath());
    expect((await anonymous.closed).code).toBe(4401);
    const other = await openSocket(
      server.url,
      '/api/realtime?workspaceId=00000000-0000-4000-8000-000000000000',
      operator.client.cookie,
    );
    expect((await other.closed).code).toBe(4404);
  });

  it('streams live events after ready', async () => {
    const s = await openSocket(server.url, socketPath(), operator.client.cookie);
    await waitFor(() => s.messages.find((m) => m.type === 'ready'));
    await rename('Live one');
    const event = await waitFor(() => s.messages.find((m) => m.event?.name === 'workspace.updated'));
    expect(event.event).toMatchObject({
      name: 'workspace.updated',
      payload: { workspace: { name: 'Live one' } },
    });
    s.ws.close();
  });

  it('gives a reconnecting client exactly the events it missed, once and in order, then the live stream', async () => {
    const first = await openSocket(server.url, socketPath(), operator.client.cookie);
    const ready = await waitFor(() => first.messages.find((m) => m.type === 'ready'));
    await rename('Before drop');
    const seen = await waitFor(
      () => first.messages.find((m) => m.event?.name === 'workspace.updated')?.event,
    );
    first.ws.terminate();

    for (const name of ['Missed 1', 'Missed 2', 'Missed 3']) await rename(name);

    const second = await openSocket(server.url, socketPath(seen.seq), operator.client.cookie);
    await waitFor(() => second.messages.find((m) => m.type === 'ready'));
    await rename('After reconnect');
    await waitFor(() => second.messages.some((m) => m.event?.payload.workspace?.name === 'After reconnect'));
    await new Promise((r) => setTimeout(r, 100));
    // Everything after the last sequence seen, each once and in order (other events may interleave,
    // and some are not for operators at all, such as the widgets' availability: gaps are allowed).
    const all = second.messages.filter((m) => m.type === 'event').map((m) => m.event);
    const seqs = all.map((e) => e.seq as number);
    expect(seqs[0]).toBeGreaterThan(seen.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
    const events = all.filter((e) => e.name === 'workspace.updated');
    expect(events.map((e) => e.payload.workspace.name)).toEqual([
      'Missed 1',
      'Missed 2',
      'Missed 3',
      'After reconnect',
    ]);
    expect(ready.head).toBeLessThan(seen.seq);
    second.ws.close();
  });

  it('filters each event through the same permission as the route', async () => {
    const ops = await openSocket(server.url, socketPath(), operator.client.cookie);
    const own = await openSocket(server.url, socketPath(), owner.client.cookie);
    await waitFor(
      () => ops.messages.find((m) => m.type === 'ready') && own.messages.find((m) => m.type === 'ready'),
    );
    await owner.client.post(`/api/workspaces/${owner.workspaceId}/invites`, {
      email: 'new@example.com',
      role: 'operator',
    });
    await rename('Marker');
    await waitFor(() => ops.messages.some((m) => m.event?.name === 'workspace.updated'));
    await waitFor(() => own.messages.some((m) => m.event?.name === 'workspace.updated'));
    expect(own.messages.some((m) => m.event?.name === 'invite.created')).toBe(true);
    expect(ops.messages.some((m) => m.event?.name === 'invite.created')).toBe(false);
    ops.ws.close();
    own.ws.close();
  });

  it('tells a client away for longer than the retention period to reload, then streams from now', async () => {
    const first = await openSocket(server.url, socketPath(), operator.client.cookie);
    await waitFor(() => first.messages.find((m) => m.type === 'ready'));
    await rename('Before the pruning');
    const seen = await waitFor(
      () => first.messages.find((m) => m.event?.payload.workspace?.name === 'Before the pruning')?.event,
    );
    first.ws.terminate();
    await rename('Pruned away');
    expect(await pruneEvents(server.parley.ctx.db, new Date(Date.now() + 1000))).toBeGreaterThan(0);
    const second = await openSocket(server.url, socketPath(seen.seq), operator.client.cookie);
    await waitFor(() => second.messages.find((m) => m.type === 'ready'));
    // Heartbeats may come at any time; the first thing said is that the client must reload.
    const said = second.messages.filter((m) => m.type !== 'heartbeat');
    expect(said[0]).toMatchObject({ type: 'error', code: 'resync_required' });
    expect(second.messages.some((m) => m.event?.payload.workspace?.name === 'Pruned away')).toBe(false);
    await rename('After the pruning');
    await waitFor(() =>
      second.messages.find((m) => m.event?.payload.workspace?.name === 'After the pruning'),
    );
    second.ws.close();
  });

  it('closes the sockets of a session that logged out', async () => {
    const client = new Client(server.url);
    await client.post('/api/auth/login', { email: 'otto@example.com', password: 'correct horse' });
    const s = await openSocket(server.url, socketPath(), client.cookie);
    await waitFor(() => s.messages.find((m) => m.type === 'ready'));
    await client.post('/api/auth/logout');
    expect((await s.closed).code).toBe(4401);
  });

  it('closes the sockets of a member who is removed', async () => {
    const temp = await addMember(owner, { email: 'temp@example.com', role: 'operator' });
    const s = await openSocket(server.url, socketPath(), temp.client.cookie);
    await waitFor(() => s.messages.find((m) => m.type === 'ready'));
    await owner.client.delete(`/api/workspaces/${owner.workspaceId}/members/${temp.userId}`);
    expect((await s.closed).code).toBe(4404);
  });

  it('delivers an event the bus never brought, read from the outbox (the gap before the next event, or the periodic check)', async () => {
    const s = await openSocket(server.url, socketPath(), operator.client.cookie);
    try {
      // Committed, but not announced on the bus (a node that died between its commit and its publish).
      useEventBus(null);
      try {
        expect((await rename('Never on the bus')).status).toBe(200);
      } finally {
        useEventBus(server.parley.bus);
      }
      const event = await waitFor(() =>
        s.messages.find((m) => m.event?.payload?.workspace?.name === 'Never on the bus'),
      );
      expect(event.event.seq).toBeGreaterThan(s.messages.find((m) => m.type === 'ready').head);
    } finally {
      s.ws.close();
    }
  });

  it('drops a client that cannot keep up with a resumable close code, without stalling the others', async () => {
    // A server of its own with a slow heartbeat: a paused client also misses its pings, and the
    // 300 ms heartbeat of the others would end it (1006) before its buffer decides (4008) under load.
    const own = await startTestServer({}, { heartbeatMs: 30_000 });
    const ownOwner = await setupOwner(own.url);
    const ownOperator = await addMember(ownOwner, { email: 'otto@example.com', role: 'operator' });
    const ownPath = `/api/realtime?workspaceId=${ownOwner.workspaceId}`;
    const slow = await openSocket(own.url, ownPath, ownOperator.client.cookie);
    const fast = await openSocket(own.url, ownPath, ownOwner.client.cookie);
    await waitFor(
      () => slow.messages.find((m) => m.type === 'ready') && fast.messages.find((m) => m.type === 'ready'),
    );
    // The slow client stops reading; its kernel buffers fill and the server's send queue grows.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    // Connecting publishes presence events of its own: let them land, so the numbers made up below
    // follow the workspace's real last one instead of colliding with it.
    const lastSeen = () =>
      Math.max(
        fast.messages.find((m) => m.type === 'ready').head as number,
        ...fast.messages.filter((m) => m.type === 'event').map((m) => m.event.seq as number),
      );
    const stored = async () =>
      Number(
        (
          await own.parley.ctx.db.execute<{ seq: number }>(
            sql`SELECT event_seq AS seq FROM workspaces WHERE id = ${ownOwner.workspaceId}`,
          )
        ).rows[0]!.seq,
      );
    let settled = 0;
    for (const deadline = Date.now() + 10_000; settled < 5 && Date.now() < deadline; ) {
      settled = (await stored()) === lastSeen() ? settled + 1 : 0;
      await new Promise((r) => setTimeout(r, 50));
    }
    const head = lastSeen();
    const blob = 'x'.repeat(200_000);
    for (let i = 1; i <= 60; i++) {
      own.parley.bus.publish({
        workspaceId: ownOwner.workspaceId,
        seq: head + i,
        name: 'workspace.updated',
        payload: {
          workspace: {
            id: ownOwner.workspaceId,
            name: blob,
            timezone: 'UTC',
            widgetKey: 'wk_test',
            createdAt: '',
          },
        },
        at: new Date().toISOString(),
      });
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(
      () => fast.messages.filter((m) => m.event?.name === 'workspace.updated').length === 60,
      10_000,
    );
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await slow.closed).code).toBe(4008);
    fast.ws.close();
    await own.close();
  });
});
