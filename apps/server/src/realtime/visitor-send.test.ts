import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Owner,
  openSocket,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../test/harness.ts';

/** Visitors may send over their socket (`send` → `ack`); HTTP stays, with the same client ids. */
describe('a visitor sending over the socket', () => {
  let server: TestServer;
  let owner: Owner;

  beforeAll(async () => {
    server = await startTestServer({}, { heartbeatMs: 500 });
    owner = await setupOwner(server.url);
  });
  afterAll(() => server?.close());

  it('is stored once across a reconnect and a resend, over the socket or HTTP, and reaches operators once', async () => {
    const workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
    const session = (await (
      await fetch(`${server.url}/api/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceKey }),
      })
    ).json()) as { token: string };
    const operator = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      owner.client.cookie,
    );
    await waitFor(() => operator.messages.some((m) => m.type === 'ready'));
    const connect = async () => {
      const socket = await openSocket(server.url, `/api/realtime?visitorToken=${session.token}&after=0`);
      await waitFor(() => socket.messages.some((m) => m.type === 'ready'));
      return socket;
    };
    const ackOf = (socket: Awaited<ReturnType<typeof connect>>, clientId: string, nth = 1) =>
      waitFor(
        () => socket.messages.filter((m) => m.type === 'ack' && m.clientId === clientId)[nth - 1],
        10_000,
      );
    const stored = async (clientId: string) =>
      (
        await server.parley.ctx.db.execute<{ id: string }>(
          sql`SELECT id FROM messages WHERE client_id = ${clientId}`,
        )
      ).rows;

    let visitor = await connect();
    // The first message opens the conversation (the full transaction), the next takes the writer.
    visitor.ws.send(
      JSON.stringify({ type: 'send', clientId: 'sock-first-001', text: 'hello over the socket' }),
    );
    const first = await ackOf(visitor, 'sock-first-001');
    expect(first.message).toMatchObject({ clientId: 'sock-first-001', text: 'hello over the socket' });
    expect(first.message.authorId).toBeUndefined();
    visitor.ws.send(JSON.stringify({ type: 'send', clientId: 'sock-second-01', text: 'and again' }));
    const second = await ackOf(visitor, 'sock-second-01');
    expect(second.message.text).toBe('and again');

    // The visitor's own stream carries it too, in the visitor's cut.
    await waitFor(() =>
      visitor.messages.some(
        (m) => m.type === 'event' && m.event.payload.message?.clientId === 'sock-second-01',
      ),
    );

    // The connection drops before the visitor saw the answer: it reconnects and sends the same again.
    visitor.ws.terminate();
    visitor = await connect();
    visitor.ws.send(JSON.stringify({ type: 'send', clientId: 'sock-second-01', text: 'and again' }));
    const resent = await ackOf(visitor, 'sock-second-01');
    expect(resent.message.id).toBe(second.message.id);
    // And once more over HTTP, as a widget whose socket is away would.
    const overHttp = await fetch(`${server.url}/api/widget/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ clientId: 'sock-second-01', text: 'and again' }),
    });
    expect(((await overHttp.json()) as { id: string }).id).toBe(second.message.id);
    expect(await stored('sock-second-01')).toHaveLength(1);

    // Operators heard of it once.
    await waitFor(() =>
      operator.messages.some(
        (m) => m.type === 'event' && m.event.payload.message?.clientId === 'sock-second-01',
      ),
    );
    const heard = operator.messages.filter(
      (m) => m.type === 'event' && m.event.payload.message?.clientId === 'sock-second-01',
    );
    expect(heard).toHaveLength(1);
    // A refusal is answered like the HTTP route's, naming the field; nothing is stored.
    visitor.ws.send(JSON.stringify({ type: 'send', clientId: 'sock-empty-001', text: '   ' }));
    const refused = await ackOf(visitor, 'sock-empty-001');
    expect(refused.error).toMatchObject({ status: 400, code: 'validation_failed', field: 'text' });
    expect(await stored('sock-empty-001')).toHaveLength(0);
    visitor.ws.close();
    operator.ws.close();
  });

  it('is refused to operators, who send over HTTP', async () => {
    const operator = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      owner.client.cookie,
    );
    await waitFor(() => operator.messages.some((m) => m.type === 'ready'));
    operator.ws.send(JSON.stringify({ type: 'send', clientId: 'op-sock-00001', text: 'hi' }));
    const ack = await waitFor(() => operator.messages.find((m) => m.type === 'ack'));
    expect(ack.error).toMatchObject({ status: 400 });
    operator.ws.close();
  });
});
