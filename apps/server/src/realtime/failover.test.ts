import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, openSocket, setupOwner, startNodePair, waitFor } from '../../test/harness.ts';

const enabled = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

/**
 * OI-10: a node dies (SIGKILL: no shutdown, messages in its writer's queue, sockets cut) while a
 * visitor writes and an operator reads; both carry on on the other node, and nothing is lost or doubled.
 */
describe.runIf(enabled)('a node killed mid-conversation', () => {
  let pair: Awaited<ReturnType<typeof startNodePair>>;
  beforeAll(async () => {
    pair = await startNodePair();
  }, 120_000);
  afterAll(() => pair?.stop());

  it('lets the visitor resend and the operator resume on the other node: every message once', async () => {
    const [a, b] = [pair.nodes[0]!, pair.nodes[1]!];
    const owner = await setupOwner(a.url);
    const workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
    const { token } = (await (
      await fetch(`${a.url}/api/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceKey }),
      })
    ).json()) as { token: string };
    const operatorPath = (after?: number) =>
      `/api/realtime?workspaceId=${owner.workspaceId}${after === undefined ? '' : `&after=${after}`}`;
    const visitorAt = async (url: string) => {
      const socket = await openSocket(url, `/api/realtime?visitorToken=${token}&after=0`);
      await waitFor(() => socket.messages.some((m) => m.type === 'ready'));
      return socket;
    };
    type Socket = Awaited<ReturnType<typeof visitorAt>>;
    const acked = (socket: Socket) =>
      new Map<string, string>(
        socket.messages.filter((m) => m.type === 'ack').map((m) => [m.clientId, m.message.id]),
      );
    const created = (socket: Socket) =>
      socket.messages
        .filter((m) => m.type === 'event' && m.event.name === 'message.created')
        .map((m) => m.event as { seq: number; payload: { message: { id: string; clientId: string } } });

    const operatorOnA = await openSocket(a.url, operatorPath(), owner.client.cookie);
    await waitFor(() => operatorOnA.messages.some((m) => m.type === 'ready'));
    const visitorOnA = await visitorAt(a.url);
    const texts = Array.from({ length: 100 }, (_, i) => ({
      clientId: `failover-${String(i).padStart(3, '0')}`,
      text: `message ${i}`,
    }));
    // The first opens the conversation; the rest go out at once, and the node dies under them.
    visitorOnA.ws.send(JSON.stringify({ type: 'send', ...texts[0] }));
    await waitFor(() => acked(visitorOnA).has(texts[0]!.clientId), 20_000);
    // The visitor keeps typing (a message every few milliseconds); the node is killed the moment the
    // fifth acknowledgement arrives, with messages on their way and more being typed.
    visitorOnA.ws.on('message', () => {
      if (acked(visitorOnA).size >= 5 && a.child.exitCode === null) a.child.kill('SIGKILL');
    });
    for (const t of texts.slice(1)) {
      if (visitorOnA.ws.readyState !== visitorOnA.ws.OPEN) break;
      visitorOnA.ws.send(JSON.stringify({ type: 'send', ...t }));
      await new Promise((r) => setTimeout(r, 3));
    }
    await Promise.all([visitorOnA.closed, operatorOnA.closed]);
    const ackedOnA = acked(visitorOnA);
    expect(ackedOnA.size).toBeLessThan(texts.length);
    const seenOnA = created(operatorOnA);
    const lastSeq = Math.max(
      0,
      ...operatorOnA.messages.filter((m) => m.type === 'event').map((m) => m.event.seq as number),
    );

    // The operator's console resumes on B after what it had; the widget sends again what was not acknowledged.
    const operatorOnB = await openSocket(b.url, operatorPath(lastSeq), owner.client.cookie);
    await waitFor(() => operatorOnB.messages.some((m) => m.type === 'ready'));
    const visitorOnB = await visitorAt(b.url);
    for (const t of texts)
      if (!ackedOnA.has(t.clientId)) visitorOnB.ws.send(JSON.stringify({ type: 'send', ...t }));
    await waitFor(() => ackedOnA.size + acked(visitorOnB).size >= texts.length, 30_000);
    // An acknowledgement is a promise: what A acknowledged is stored, with the id it gave.
    const onB = new Client(b.url);
    onB.cookie = owner.client.cookie;
    onB.csrf = owner.client.csrf;
    const stored = (await onB.get(`/api/workspaces/${owner.workspaceId}/conversations?view=all`)).body
      .items[0].id as string;
    const history = await waitFor(async () => {
      const res = await onB.get(
        `/api/workspaces/${owner.workspaceId}/conversations/${stored}/messages?limit=100`,
      );
      const messages = res.body.messages as { id: string; clientId: string | null }[];
      return messages.length >= texts.length && messages;
    }, 30_000);
    expect(history.map((m) => m.clientId).sort()).toEqual(texts.map((t) => t.clientId));
    for (const [clientId, id] of ackedOnA) expect(history.find((m) => m.clientId === clientId)?.id).toBe(id);
    // The operator saw each message once across the two nodes, the resume starting where A left off.
    await waitFor(
      () =>
        new Set([...seenOnA, ...created(operatorOnB)].map((e) => e.payload.message.id)).size === texts.length,
      30_000,
    );
    const seenOnB = created(operatorOnB);
    expect(seenOnB.every((e) => e.seq > lastSeq)).toBe(true);
    const ids = [...seenOnA, ...seenOnB].map((e) => e.payload.message.id);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(history.map((m) => m.id)));
    // B carries on: the operator answers and the visitor hears it there.
    const reply = await onB.post(`/api/workspaces/${owner.workspaceId}/conversations/${stored}/messages`, {
      clientId: 'failover-reply-1',
      text: 'still here',
    });
    expect(reply.status).toBe(200);
    await waitFor(() =>
      visitorOnB.messages.some((m) => m.type === 'event' && m.event.payload.message?.text === 'still here'),
    );
    visitorOnB.ws.close();
    operatorOnB.ws.close();
  }, 120_000);
});
