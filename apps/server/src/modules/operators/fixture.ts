import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  addMember,
  type Client,
  type Owner,
  openSocket,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../../test/harness.ts';

export type Member = { client: Client; userId: string };

export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  for (const deadline = performance.now() + timeoutMs; performance.now() < deadline; ) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not met in time');
}

/**
 * The workspace the operator-management tests (OPS-1…8) share: an owner, an admin, two supervisors
 * (Sam may impersonate), two operators of the Support team (least busy, capacity 5) whose consoles
 * are open, Xena who may export, and three conversations assigned to Olga. Set up by a beforeAll of
 * the describe block it is called in; each file gets its own server.
 */
export interface OperatorsWorkspace {
  server: TestServer;
  owner: Owner;
  admin: Member;
  sam: Member;
  sid: Member;
  olga: Member;
  pete: Member;
  exporter: Member;
  teamId: string;
  widgetKey: string;
  conversations: string[];
  visitorTokens: Map<string, string>;
}

export function useOperatorsWorkspace() {
  const f = { conversations: [] as string[], visitorTokens: new Map<string, string>() } as OperatorsWorkspace;
  const sockets: Awaited<ReturnType<typeof openSocket>>[] = [];
  const w = () => `/api/workspaces/${f.owner.workspaceId}`;

  /** The audit entries of an action, oldest first, read from the table. */
  const audit = async (action: string) => {
    const { rows } = await f.server.parley.ctx.db.execute<{
      actor_id: string | null;
      impersonator_id: string | null;
      target_id: string | null;
      after: Record<string, unknown> | null;
      ip: string | null;
      browser: string | null;
    }>(sql`SELECT actor_id, impersonator_id, target_id, after, ip, browser FROM audit_log
           WHERE workspace_id = ${f.owner.workspaceId} AND action = ${action} ORDER BY created_at, id`);
    return rows;
  };

  const newConversation = async (text: string) => {
    const session = await fetch(`${f.server.url}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceKey: f.widgetKey, locale: 'en' }),
    });
    const { token } = (await session.json()) as { token: string };
    const res = await fetch(`${f.server.url}/api/widget/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: `m-${Math.random().toString(36).slice(2, 12)}`, text }),
    });
    const { id } = (await res.json()) as { id: string };
    const { rows } = await f.server.parley.ctx.db.execute<{ conversation_id: string }>(
      sql`SELECT conversation_id FROM messages WHERE id = ${id}`,
    );
    f.visitorTokens.set(rows[0]!.conversation_id, token);
    return rows[0]!.conversation_id;
  };

  const live = async (m: Member) => {
    const socket = await openSocket(
      f.server.url,
      `/api/realtime?workspaceId=${f.owner.workspaceId}`,
      m.client.cookie,
    );
    sockets.push(socket);
    await waitFor(() => socket.messages.some((x) => x.type === 'ready'));
  };

  beforeAll(async () => {
    f.server = await startTestServer({}, { heartbeatMs: 300 });
    f.owner = await setupOwner(f.server.url);
    f.widgetKey = (await f.owner.client.get(w())).body.widgetKey;
    f.admin = await addMember(f.owner, { email: 'ada@example.com', role: 'admin', name: 'Ada Admin' });
    f.sam = await addMember(f.owner, {
      email: 'sam@example.com',
      role: 'supervisor',
      name: 'Sam Supervisor',
      permissions: ['impersonate'],
    });
    f.sid = await addMember(f.owner, { email: 'sid@example.com', role: 'supervisor', name: 'Sid Second' });
    f.olga = await addMember(f.owner, { email: 'olga@example.com', role: 'operator', name: 'Olga Operator' });
    f.pete = await addMember(f.owner, { email: 'pete@example.com', role: 'operator', name: 'Pete Peer' });
    f.exporter = await addMember(f.owner, {
      email: 'xena@example.com',
      role: 'operator',
      name: 'Xena Exporter',
      permissions: ['export'],
    });
    const team = await f.owner.client.post(`${w()}/teams`, {
      name: 'Support',
      rule: 'least_busy',
      capacity: 5,
    });
    f.teamId = team.body.id;
    await f.owner.client.put(`${w()}/teams/${f.teamId}/members`, { userIds: [f.olga.userId, f.pete.userId] });
    await live(f.olga);
    await live(f.pete);
    for (const text of ['first', 'second', 'third']) {
      const id = await newConversation(text);
      const assigned = await f.owner.client.post(`${w()}/conversations/${id}/assign`, {
        assigneeId: f.olga.userId,
      });
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
      f.conversations.push(id);
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.ws.close();
    await f.server?.close();
  });

  return { f, w, audit, newConversation, live };
}
