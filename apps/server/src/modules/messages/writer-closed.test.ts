import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  type Owner,
  openSocket,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../../test/harness.ts';

/**
 * Issue 13 #7: a customer's message checked against an open conversation that is closed a moment
 * later, before the batched writer runs. The interleaving is made deterministic by closing the
 * conversation inside the writer's call.
 */
describe('a customer message racing a close', () => {
  let server: TestServer;
  let owner: Owner;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer({}, { heartbeatMs: 300 });
    owner = await setupOwner(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is not written into the closed conversation: it reopens the chat with the customer and is routed', async () => {
    const ana = await addMember(owner, { email: 'ana@example.com', role: 'operator', name: 'Ana' });
    const socket = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      ana.client.cookie,
    );
    await waitFor(() => socket.messages.some((m) => m.type === 'ready'));
    const team = await owner.client.post(`${w()}/teams`, {
      name: 'Support',
      rule: 'round_robin',
      capacity: 3,
    });
    await owner.client.put(`${w()}/teams/${team.body.id}/members`, { userIds: [ana.userId] });
    await owner.client.patch(`${w()}/routing`, { defaultTeamId: team.body.id });

    const widgetKey = (await owner.client.get(w())).body.widgetKey;
    const session = (await (
      await fetch(`${server.url}/api/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceKey: widgetKey }),
      })
    ).json()) as { token: string };
    const send = (clientId: string, text: string) =>
      fetch(`${server.url}/api/widget/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientId, text }),
      });
    const conversationOf = async (text: string) => {
      const { rows } = await server.parley.ctx.db.execute<{ id: string }>(
        sql`SELECT conversation_id AS id FROM messages WHERE text = ${text}`,
      );
      return rows[0]?.id ?? null;
    };
    expect((await send('race-first-0001', 'race: hello')).status).toBe(200);
    const first = (await conversationOf('race: hello'))!;
    const assigned = async (id: string) => {
      const c = (await owner.client.get(`${w()}/conversations/${id}`)).body;
      return c.assigneeId ? c : null;
    };
    await until(() => assigned(first));

    // The route has found the conversation open; Ana closes it before the writer's batch runs.
    const writer = server.parley.ctx.writer;
    const original = writer.write.bind(writer);
    writer.write = async (input, whenNotOpen) => {
      writer.write = original;
      const closed = await ana.client.post(`${w()}/conversations/${input.conversationId}/close`);
      expect(closed.status).toBe(200);
      return original(input, whenNotOpen);
    };
    const late = await send('race-late-00001', 'race: one more thing');
    expect(late.status).toBe(200);

    const landed = await conversationOf('race: one more thing');
    expect(landed).not.toBeNull();
    expect(landed).not.toBe(first);
    const routed = await until(() => assigned(landed!));
    expect(routed).toMatchObject({ status: 'open', assigneeId: ana.userId });
    expect((await owner.client.get(`${w()}/conversations/${first}`)).body.status).toBe('closed');
    socket.ws.close();
  });
});

async function until<T>(fn: () => Promise<T | null | undefined>, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error('until: timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
