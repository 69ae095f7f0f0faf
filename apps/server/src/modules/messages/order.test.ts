import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Owner,
  openSocket,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../../test/harness.ts';

describe('the order of messages', () => {
  let server: TestServer;
  let owner: Owner;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
  });
  afterAll(() => server?.close());

  it('is the same in history as live, also for many messages of the same instant', async () => {
    const workspaceKey = (await owner.client.get(w())).body.widgetKey;
    const session = await fetch(`${server.url}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceKey }),
    }).then((r) => r.json() as Promise<{ token: string }>);
    const visitorSays = async (clientId: string, text: string) => {
      const res = await fetch(`${server.url}/api/widget/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify({ clientId, text }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { id: string; seq: number };
    };

    const live = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      owner.client.cookie,
    );
    await waitFor(() => live.messages.some((m) => m.type === 'ready'));
    // The first message opens the conversation (the full transaction); the rest take the batched
    // writer, from both sides at once.
    const first = await visitorSays('order-first-000', 'first');
    const conversationId = (await owner.client.get(`${w()}/conversations?view=all`)).body.items[0].id;
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0
          ? visitorSays(`order-visitor-${i}`, `visitor ${i}`)
          : owner.client
              .post(`${w()}/conversations/${conversationId}/messages`, {
                clientId: `order-operator-${i}`,
                text: `operator ${i}`,
              })
              .then((r) => r.body as { id: string; seq: number }),
      ),
    );
    const created = () =>
      live.messages
        .filter((m) => m.type === 'event' && m.event.name === 'message.created')
        .map((m) => m.event);
    await waitFor(() => created().length === 31, 15_000);
    const liveOrder = created().map((e) => e.payload.message.id as string);
    // Each message carries its event's sequence, in the HTTP answer and in the event.
    for (const e of created()) expect(e.payload.message.seq).toBe(e.seq);
    const seqOf = new Map(created().map((e) => [e.payload.message.id as string, e.seq as number]));
    for (const m of [first, ...sent]) expect(m.seq).toBe(seqOf.get(m.id));
    // And in the outbox, which replay and the subscribers read: the sequence is set in the stored
    // text by the database, and the payload is otherwise the one announced live.
    const outbox = await server.parley.ctx.db.execute<{ seq: string | number; payload: { message: object } }>(
      sql`SELECT seq, payload FROM events WHERE name = 'message.created' AND conversation_id = ${conversationId}`,
    );
    expect(outbox.rows).toHaveLength(31);
    const liveBySeq = new Map(created().map((e) => [e.seq as number, e.payload]));
    for (const row of outbox.rows) expect(row.payload).toEqual(liveBySeq.get(Number(row.seq)));

    // Messages written on several nodes can share an instant: put them all on one.
    await server.parley.ctx.db.execute(
      sql`UPDATE messages SET created_at = '2026-03-01T10:00:00.000Z' WHERE conversation_id = ${conversationId}`,
    );
    const history: string[] = [];
    let before = '';
    for (let page = 0; page < 10; page++) {
      const res = await owner.client.get(`${w()}/conversations/${conversationId}/messages?limit=7${before}`);
      expect(res.status).toBe(200);
      history.unshift(...res.body.messages.map((m: { id: string }) => m.id));
      if (!res.body.hasMore) break;
      before = `&before=${res.body.messages[0].id}`;
    }
    expect(history).toEqual(liveOrder);

    const widgetHistory = await fetch(`${server.url}/api/widget/messages?limit=100`, {
      headers: { authorization: `Bearer ${session.token}` },
    }).then((r) => r.json() as Promise<{ messages: { id: string; seq: number }[] }>);
    expect(widgetHistory.messages.map((m) => m.id)).toEqual(liveOrder);
    live.ws.close();
  });
});
