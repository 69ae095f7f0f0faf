import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  addMember,
  type Client,
  type Owner,
  openSocket,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../test/harness.ts';

/** A visitor of the workspace's widget: its token and a way to write. */
async function startVisitor(server: TestServer, workspaceKey: string) {
  const res = await fetch(`${server.url}/api/widget/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      workspaceKey,
      page: { url: 'https://shop.example/', title: 'Shop', referrer: '' },
    }),
  });
  const session = (await res.json()) as { token: string };
  let n = 0;
  return {
    token: session.token,
    async say(text: string) {
      const r = await fetch(`${server.url}/api/widget/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: `c-${session.token.slice(-12)}-${n++}`, text }),
      });
      if (r.status !== 200) throw new Error(`send failed: ${r.status} ${await r.text()}`);
      return (await r.json()) as { id: string };
    },
    socketPath: (after: number) => `/api/realtime?visitorToken=${session.token}&after=${after}`,
  };
}

describe('realtime gateway lifecycle', () => {
  let server: TestServer;
  let owner: Owner;
  let operator: { client: Client; userId: string };
  let workspaceKey: string;
  const MAX_REPLAY = 20;

  beforeAll(async () => {
    server = await startTestServer({}, { maxReplay: MAX_REPLAY });
    owner = await setupOwner(server.url);
    operator = await addMember(owner, { email: 'otto@example.com', role: 'operator' });
    workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
  });
  afterAll(() => server?.close());

  const socketPath = (after?: number) =>
    `/api/realtime?workspaceId=${owner.workspaceId}${after === undefined ? '' : `&after=${after}`}`;
  const gateway = () => server.parley.gateway;
  const idle = () => {
    const stats = gateway().stats();
    return stats.clients === 0 && stats.feeds === 0 && stats.listeners === 0;
  };

  it('does not keep a workspace feed whose head could not be read: the next socket works', async () => {
    await waitFor(idle);
    const source = gateway().source;
    const head = source.head;
    let failures = 1;
    source.head = async (workspaceId) => {
      if (failures-- > 0) {
        throw Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
      }
      return head(workspaceId);
    };
    try {
      const first = await openSocket(server.url, socketPath(), operator.client.cookie);
      // 1013: try again later; the client library reconnects with backoff.
      expect((await first.closed).code).toBe(1013);
      const second = await openSocket(server.url, socketPath(), operator.client.cookie);
      await waitFor(() => second.messages.find((m) => m.type === 'ready'));
      await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { name: 'After the failure' });
      await waitFor(() =>
        second.messages.find((m) => m.event?.payload?.workspace?.name === 'After the failure'),
      );
      second.ws.close();
    } finally {
      source.head = head;
    }
    await waitFor(idle);
  });

  it('leaves no listener behind for sockets that close during authentication or attach', async () => {
    await waitFor(idle);
    // The feed's first read waits until every socket is gone, as a slow database would make it.
    const source = gateway().source;
    const head = source.head;
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    source.head = async (workspaceId) => {
      await gate;
      return head(workspaceId);
    };
    try {
      const url = `${server.url.replace('http', 'ws')}${socketPath()}`;
      const sockets = Array.from({ length: 60 }, (_, i) => {
        const ws = new WebSocket(url, { headers: { cookie: operator.client.cookie } });
        ws.on('error', () => {});
        // Some vanish right after the upgrade, some close politely.
        ws.on('open', () => (i % 2 ? ws.terminate() : ws.close()));
        return new Promise<void>((resolve) => ws.on('close', () => resolve()));
      });
      await Promise.all(sockets);
      await waitFor(() => gateway().stats().clients === 0, 10_000);
    } finally {
      source.head = head;
      release();
    }
    await waitFor(idle, 10_000);
    expect(gateway().stats()).toMatchObject({ clients: 0, feeds: 0, listeners: 0 });
    // And the workspace still streams.
    const s = await openSocket(server.url, socketPath(), operator.client.cookie);
    await waitFor(() => s.messages.find((m) => m.type === 'ready'));
    s.ws.close();
    await waitFor(idle);
  });

  it("replays to a resuming visitor only its own conversation's events, read through the index", async () => {
    const alice = await startVisitor(server, workspaceKey);
    await alice.say('Hello, I need help');
    const watch = await openSocket(server.url, alice.socketPath(0));
    const ready = await waitFor(() => watch.messages.find((m) => m.type === 'ready'));
    watch.ws.terminate();

    // A busy range: other visitors' conversations, with Alice's messages in between.
    const others = await Promise.all(Array.from({ length: 4 }, () => startVisitor(server, workspaceKey)));
    for (let round = 0; round < 6; round++) {
      await Promise.all(others.map((v, i) => v.say(`other ${i} round ${round}`)));
      if (round % 2 === 1) await alice.say(`Alice round ${round}`);
    }
    const before = gateway().stats().replayedRows;
    const resumed = await openSocket(server.url, alice.socketPath(ready.head));
    await waitFor(() => resumed.messages.find((m) => m.type === 'ready'));
    const replayed = resumed.messages.filter((m) => m.type === 'event').map((m) => m.event);
    const texts = replayed.filter((e) => e.name === 'message.created').map((e) => e.payload.message.text);
    expect(texts).toEqual(['Alice round 1', 'Alice round 3', 'Alice round 5']);
    const conversations = new Set(
      replayed.map((e) => e.payload.conversation?.id ?? e.payload.conversationId),
    );
    expect(conversations.size).toBe(1);
    expect(replayed.map((e) => e.seq)).toEqual([...replayed.map((e) => e.seq)].sort((a, b) => a - b));
    // Only Alice's conversation's rows were read, not the 24 other messages and their conversations.
    expect(gateway().stats().replayedRows - before).toBe(replayed.length);
    expect(resumed.messages.some((m) => m.type === 'error')).toBe(false);
    resumed.ws.close();
  });

  it('tells a client too far behind to reload instead of replaying without bound', async () => {
    const s = await openSocket(server.url, socketPath(), owner.client.cookie);
    const ready = await waitFor(() => s.messages.find((m) => m.type === 'ready'));
    s.ws.terminate();
    for (let i = 0; i < MAX_REPLAY + 5; i++) {
      await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { name: `Busy ${i}` });
    }
    const resumed = await openSocket(server.url, socketPath(ready.head), owner.client.cookie);
    const back = await waitFor(() => resumed.messages.find((m) => m.type === 'ready'));
    expect(resumed.messages.filter((m) => m.type !== 'heartbeat')[0]).toMatchObject({
      type: 'error',
      code: 'resync_required',
    });
    expect(resumed.messages.filter((m) => m.type === 'event')).toEqual([]);
    // It follows from now.
    await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { name: 'Now' });
    const now = await waitFor(() =>
      resumed.messages.find((m) => m.event?.payload?.workspace?.name === 'Now'),
    );
    expect(now.event.seq).toBeGreaterThan(back.head);
    resumed.ws.close();
  });
});
