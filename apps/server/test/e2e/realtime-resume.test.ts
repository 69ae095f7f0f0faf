import type { DomainEvent } from '@parley/contracts';
import {
  createRealtimeClient,
  type RealtimeClient,
  type RealtimeStatus,
  type SocketLike,
} from '@parley/contracts/realtime-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  cuttableProxy,
  type Owner,
  openSocket,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../harness.ts';

/**
 * The shared client library against a real server, through a line the test cuts: a console in a quiet
 * workspace (no event delivered yet) must still resume from where its stream stood, not from "now".
 */
describe('realtime client library: resume after a cut in a quiet workspace', () => {
  let server: TestServer;
  let owner: Owner;
  let line: Awaited<ReturnType<typeof cuttableProxy>>;
  let client: RealtimeClient | null = null;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    line = await cuttableProxy(server.url);
  });
  afterAll(async () => {
    client?.close();
    await line?.close();
    await server?.close();
  });

  const startVisitor = async () => {
    const workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
    const res = await fetch(`${server.url}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceKey }),
    });
    const { token } = (await res.json()) as { token: string };
    return async (clientId: string, text: string) => {
      const sent = await fetch(`${server.url}/api/widget/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ clientId, text }),
      });
      expect(sent.status).toBe(200);
      return ((await sent.json()) as { id: string }).id;
    };
  };

  it('receives a visitor message written during the cut, exactly once', async () => {
    const say = await startVisitor();
    // Another tab of the same operator connects first: their presence and the queue announcement it
    // causes are over before the client under test connects, so its workspace is quiet.
    const otherTab = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      owner.client.cookie,
    );
    await waitFor(() => otherTab.messages.some((m) => m.event?.name === 'queue.updated'), 10_000);
    const events: DomainEvent[] = [];
    const statuses: RealtimeStatus[] = [];
    const base = line.url.replace('http', 'ws');
    client = createRealtimeClient({
      url: (after) => `${base}/api/realtime?workspaceId=${owner.workspaceId}&after=${after}`,
      onEvent: (event) => events.push(event),
      onStatus: (status) => statuses.push(status),
      socket: (url) =>
        new WebSocket(url, { headers: { cookie: owner.client.cookie } }) as unknown as SocketLike,
      maxBackoffMs: 200,
    });
    await waitFor(() => client!.status === 'live', 10_000);
    expect(events.map((e) => e.name)).toEqual([]);

    line.cut();
    await waitFor(() => client!.status !== 'live', 10_000);
    const missedId = await say('gap-message-0001', 'written while the console was cut off');
    line.restore();

    const messageIds = () =>
      events.flatMap((e) => (e.name === 'message.created' ? [e.payload.message.id] : []));
    await waitFor(() => messageIds().includes(missedId), 15_000);
    // A later live message proves the stream went on; by then a repeat of the first would have come.
    const liveId = await say('gap-message-0002', 'written after the reconnect');
    await waitFor(() => messageIds().includes(liveId), 15_000);
    expect(messageIds().filter((id) => id === missedId)).toHaveLength(1);
    expect(messageIds()).toEqual([missedId, liveId]);
    expect(statuses.filter((s) => s === 'live').length).toBeGreaterThanOrEqual(2);
    otherTab.ws.close();
  });
});
