import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { addMember, type Client, type Owner, openSocket, type TestServer, waitFor } from './harness.ts';

export type Socket = Awaited<ReturnType<typeof openSocket>>;
export type Member = { name: string; client: Client; userId: string; socket: Socket | null };

/** A member with (or without) a live console socket: without one, routing never picks them. */
export async function member(
  server: TestServer,
  owner: Owner,
  input: { name: string; role: string; permissions?: string[]; live?: boolean },
): Promise<Member> {
  const m = await addMember(owner, {
    email: `${input.name.toLowerCase().replace(/\s+/g, '.')}@example.com`,
    role: input.role,
    permissions: input.permissions,
    name: input.name,
  });
  let socket: Socket | null = null;
  if (input.live !== false) {
    socket = await openSocket(server.url, `/api/realtime?workspaceId=${owner.workspaceId}`, m.client.cookie);
    await waitFor(() => socket!.messages.some((msg) => msg.type === 'ready'));
  }
  return { name: input.name, ...m, socket };
}

/** A team of these members, made the workspace's default so new visitors go to it. */
export async function defaultTeam(owner: Owner, name: string, userIds: string[], capacity = 3) {
  const w = `/api/workspaces/${owner.workspaceId}`;
  const team = await owner.client.post(`${w}/teams`, { name, rule: 'round_robin', capacity });
  expect(team.status).toBe(201);
  await owner.client.put(`${w}/teams/${team.body.id}/members`, { userIds });
  await owner.client.patch(`${w}/routing`, { defaultTeamId: team.body.id });
  return team.body.id as string;
}

/** A widget visitor: writes messages, reads its history, and records its socket's frames. */
export async function visitor(server: TestServer, widgetKey: string) {
  const session = (await (
    await fetch(`${server.url}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceKey: widgetKey, locale: 'en' }),
    })
  ).json()) as { token: string };
  const auth = { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' };
  const socket = await openSocket(
    server.url,
    `/api/realtime?visitorToken=${encodeURIComponent(session.token)}`,
  );
  await waitFor(() => socket.messages.some((msg) => msg.type === 'ready'));
  return {
    socket,
    /** Sends a message and returns its conversation id. */
    async write(text: string): Promise<string> {
      const res = await fetch(`${server.url}/api/widget/messages`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ clientId: `v-${Math.random().toString(36).slice(2, 12)}`, text }),
      });
      expect(res.status).toBe(200);
      const { rows } = await server.parley.ctx.db.execute<{ id: string }>(
        sql`SELECT conversation_id AS id FROM messages WHERE text = ${text}`,
      );
      return rows[0]!.id;
    },
    /** Everything the visitor's history shows. */
    async history(): Promise<string> {
      const res = await fetch(`${server.url}/api/widget/messages?limit=100`, { headers: auth });
      return JSON.stringify(await res.json());
    },
  };
}

export async function until<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error('until: timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
