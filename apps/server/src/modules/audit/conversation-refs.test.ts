import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';

/**
 * API-3: an audit entry that names conversations (moved ones, a taken-over one) comes with their
 * numbers and customers, so the log reads "#12 (Ana Customer)" instead of an id. Only the viewer's
 * workspace's conversations are resolved: another workspace's id stays a bare id.
 */
describe('conversations named by audit entries', () => {
  let server: TestServer;
  let owner: Owner;
  let otherWorkspaceId: string;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  /** A visitor of the workspace who gives their name and writes: their conversation's id. */
  const conversationOf = async (workspaceId: string, name: string) => {
    const key = (await owner.client.get(`/api/workspaces/${workspaceId}`)).body.widgetKey as string;
    const call = async (token: string | null, path: string, body: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      expect(res.status, path).toBeLessThan(300);
      const text = await res.text();
      return (text ? JSON.parse(text) : {}) as { token: string; id: string };
    };
    const { token } = await call(null, '/api/widget/sessions', { workspaceKey: key });
    if (name) await call(token, '/api/widget/prechat', { name, email: `${name.split(' ')[0]}@example.com` });
    const sent = await call(token, '/api/widget/messages', {
      clientId: `client-${crypto.randomUUID()}`,
      text: 'Hi',
    });
    const { rows } = await server.parley.ctx.db.execute<{ conversation_id: string }>(
      sql`SELECT conversation_id FROM messages WHERE id = ${sent.id}`,
    );
    return rows[0]!.conversation_id;
  };
  const numberOf = async (id: string) => {
    const { rows } = await server.parley.ctx.db.execute<{ number: number }>(
      sql`SELECT number FROM conversations WHERE id = ${id}`,
    );
    return Number(rows[0]!.number);
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    const other = await owner.client.post('/api/workspaces', { name: 'Elsewhere' });
    expect(other.status).toBe(200);
    otherWorkspaceId = other.body.id;
  });
  afterAll(() => server?.close());

  it('gives each entry the numbers and customers of the conversations it names, in its workspace only', async () => {
    const ana = await conversationOf(owner.workspaceId, 'Ana Customer');
    const anonymous = await conversationOf(owner.workspaceId, '');
    const foreign = await conversationOf(otherWorkspaceId, 'Far Away');
    for (const id of [ana, anonymous]) {
      const assigned = await owner.client.post(`${w()}/conversations/${id}/assign`, {
        assigneeId: owner.userId,
      });
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    }
    const team = await owner.client.post(`${w()}/teams`, { name: 'Support', rule: 'manual' });
    const moved = await owner.client.post(`${w()}/operators/${owner.userId}/transfer`, {
      conversationIds: [ana, anonymous],
      toTeamId: team.body.id,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    // An entry naming another workspace's conversation (as a forged or stale value would).
    await server.parley.ctx.db.execute(sql`INSERT INTO audit_log (workspace_id, actor_id, action, after)
      VALUES (${owner.workspaceId}, ${owner.userId}, 'operator.conversations_transferred',
        ${JSON.stringify({ moved: [foreign], refused: [] })}::jsonb)`);

    const log = await owner.client.get(`${w()}/audit-log?action=operator.conversations_transferred`);
    expect(log.status).toBe(200);
    const [forged, transfer] = log.body.items;
    expect(transfer.after.moved).toEqual(expect.arrayContaining([ana, anonymous]));
    expect(
      [...transfer.conversations].sort((a: { number: number }, b: { number: number }) => a.number - b.number),
    ).toEqual(
      [
        { id: ana, number: await numberOf(ana), customerName: 'Ana Customer' },
        { id: anonymous, number: await numberOf(anonymous), customerName: null },
      ].sort((a, b) => a.number - b.number),
    );
    expect(forged.after.moved).toEqual([foreign]);
    expect(forged.conversations).toEqual([]);
    // The other workspace's own log does know it.
    const elsewhere = await owner.client.get(`/api/workspaces/${otherWorkspaceId}/audit-log`);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.items.flatMap((e: { conversations: unknown[] }) => e.conversations)).toEqual([]);
  });
});
