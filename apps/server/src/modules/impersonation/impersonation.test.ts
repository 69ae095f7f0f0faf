import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, type Owner, openSocket, type TestServer } from '../../../test/harness.ts';
import { eventually, type Member, useOperatorsWorkspace } from '../operators/fixture.ts';

/** OPS-4's rules through the HTTP API: who may impersonate whom, what it records, how it ends; the audit log. */
describe('impersonation and the audit log', () => {
  const { f, w, audit } = useOperatorsWorkspace();
  const { conversations, visitorTokens } = f;
  let server: TestServer;
  let owner: Owner;
  let admin: Member;
  let sam: Member;
  let sid: Member;
  let olga: Member;
  let pete: Member;
  let exporter: Member;
  beforeAll(() => {
    ({ server, owner, admin, sam, sid, olga, pete, exporter } = f);
  });

  it('refuses impersonations that would raise rights, and 403s everyone without `impersonate`', async () => {
    const start = (who: Member, target: string) =>
      who.client.post(`${w()}/operators/${target}/impersonation`);
    expect((await start(sam, owner.userId)).status).toBe(403);
    expect((await start(sam, admin.userId)).status).toBe(403);
    // Xena holds `export`, which Sam does not: impersonating her would add it.
    const extra = await start(sam, exporter.userId);
    expect(extra.status).toBe(403);
    expect(extra.body.error.message).toContain('export');
    expect((await start(sam, sam.userId)).status).toBe(403);
    // Another workspace's member (or an unknown id) is nobody here.
    expect((await start(sam, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    for (const who of [sid, pete]) {
      expect((await start(who, olga.userId)).status).toBe(403);
      expect((await who.client.delete(`${w()}/impersonation`)).status).toBe(403);
    }
    expect(await audit('impersonation.started')).toHaveLength(0);
    const overview = await sam.client.get(`${w()}/operators/overview`);
    const can = Object.fromEntries(
      overview.body.map((o: { name: string; canImpersonate: boolean }) => [o.name, o.canImpersonate]),
    );
    expect(can).toMatchObject({
      'Olga Operator': true,
      'Ada Admin': false,
      'Olivia Owner': false,
      'Xena Exporter': false,
    });
  });

  it('impersonates in a separate session: audited with both identities, limited, and back to the own session', async () => {
    const ownOnly = new Client(server.url);
    ownOnly.cookie = sam.client.cookie;
    ownOnly.csrf = sam.client.csrf;
    const started = await sam.client.post(`${w()}/operators/${olga.userId}/impersonation`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.user.id).toBe(olga.userId);
    expect(started.body.impersonation.impersonator).toEqual({ id: sam.userId, name: 'Sam Supervisor' });
    expect((await sam.client.get('/api/auth/session')).body.user.id).toBe(olga.userId);
    // The impersonator's own session is untouched.
    expect((await ownOnly.get('/api/auth/session')).body.user.id).toBe(sam.userId);
    expect((await audit('impersonation.started')).at(-1)).toMatchObject({
      actor_id: sam.userId,
      impersonator_id: null,
      target_id: olga.userId,
    });
    expect((await audit('impersonation.started')).at(-1)!.ip).not.toBeNull();

    // Acting as Olga: her rights (no operator management), never more than Sam's.
    expect((await sam.client.get(`${w()}/operators/overview`)).status).toBe(403);
    await owner.client.patch(`${w()}/members/${olga.userId}`, { permissions: ['export'] });
    const session = await sam.client.get('/api/auth/session');
    expect(session.body.workspaces[0].permissions).not.toContain('export');
    await owner.client.patch(`${w()}/members/${olga.userId}`, { permissions: [] });
    // Her password, e-mail and sessions are hers alone.
    const password = await sam.client.put('/api/auth/password', {
      currentPassword: 'correct horse',
      password: 'another long passphrase 42',
    });
    expect(password.status).toBe(403);
    const other = await owner.client.post('/api/workspaces', { name: 'Elsewhere' });
    expect((await sam.client.put('/api/auth/session/workspace', { workspaceId: other.body.id })).status).toBe(
      403,
    );
    expect((await sam.client.get(`/api/workspaces/${other.body.id}`)).status).toBe(404);

    // Every action while impersonating is recorded with both identities; a reply shows colleagues
    // who really sent it, and the customer only the operator.
    const conversationId = conversations[2]!;
    const reply = await sam.client.post(`${w()}/conversations/${conversationId}/messages`, {
      clientId: 'imp-reply-1',
      text: 'Hello from Olga',
      private: false,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.impersonatedBy).toEqual({ id: sam.userId, name: 'Sam Supervisor' });
    const action = (await audit('impersonation.action')).at(-1)!;
    expect(action).toMatchObject({ actor_id: olga.userId, impersonator_id: sam.userId });
    expect(action.after).toMatchObject({
      method: 'POST',
      route: '/api/workspaces/:workspaceId/conversations/:conversationId/messages',
    });
    const history = await owner.client.get(`${w()}/conversations/${conversationId}/messages`);
    const stored = history.body.messages.find((m: { id: string }) => m.id === reply.body.id);
    expect(stored.impersonatedBy).toEqual({ id: sam.userId, name: 'Sam Supervisor' });
    const widget = await fetch(`${server.url}/api/widget/messages`, {
      headers: { authorization: `Bearer ${visitorTokens.get(conversationId)}` },
    });
    const widgetText = await widget.text();
    expect(widgetText).toContain('Hello from Olga');
    expect(widgetText).not.toContain('Supervisor');
    expect(widgetText).not.toContain(sam.userId);

    const ended = await sam.client.delete(`${w()}/impersonation`);
    expect(ended.status).toBe(200);
    expect(ended.body.user.id).toBe(sam.userId);
    expect(ended.body.impersonation).toBeNull();
    expect((await sam.client.get('/api/auth/session')).body.user.id).toBe(sam.userId);
    expect((await audit('impersonation.ended')).at(-1)).toMatchObject({
      actor_id: sam.userId,
      target_id: olga.userId,
    });
    expect((await audit('impersonation.ended')).at(-1)!.after).toMatchObject({ reason: 'ended' });
    // Olga was never disconnected by it, nor shown present because of it.
    const overview = await sam.client.get(`${w()}/operators/overview?q=olga`);
    expect(overview.body[0].status).toBe('connected');
  });

  it("closes an impersonation's sockets when it ends or its impersonator loses the right, and creates no workspace", async () => {
    const impersonate = async () => {
      expect((await sam.client.post(`${w()}/operators/${olga.userId}/impersonation`)).status).toBe(200);
      const socket = await openSocket(
        server.url,
        `/api/realtime?workspaceId=${owner.workspaceId}`,
        sam.client.cookie,
      );
      expect(socket.messages.some((m) => m.type === 'ready')).toBe(true);
      return socket;
    };
    const first = await impersonate();
    // An impersonation acts in its one workspace: it makes no other, in anyone's name.
    const workspacesBefore = (await owner.client.get('/api/auth/session')).body.workspaces.length;
    const created = await sam.client.post('/api/workspaces', { name: 'Made while impersonating' });
    expect(created.status).toBe(403);
    expect(created.body.error.message).toMatch(/impersonat/);
    const { rows } = await server.parley.ctx.db.execute(
      sql`SELECT 1 FROM workspaces WHERE name = 'Made while impersonating'`,
    );
    expect(rows).toHaveLength(0);
    expect((await owner.client.get('/api/auth/session')).body.workspaces).toHaveLength(workspacesBefore);

    // Sam loses `impersonate`: the session still exists (no heartbeat would close it), its socket
    // closes at once and its requests are refused.
    expect((await owner.client.patch(`${w()}/members/${sam.userId}`, { permissions: [] })).status).toBe(200);
    expect((await first.closed).code).toBe(1001);
    expect((await sam.client.get(`${w()}/conversations?view=mine`)).status).toBe(403);
    expect(
      (await owner.client.patch(`${w()}/members/${sam.userId}`, { permissions: ['impersonate'] })).status,
    ).toBe(200);
    expect((await sam.client.delete(`${w()}/impersonation`)).status).toBe(200);

    // Ended by the impersonator: its socket closes too.
    const second = await impersonate();
    expect((await sam.client.delete(`${w()}/impersonation`)).status).toBe(200);
    expect((await second.closed).code).toBe(1001);
  });

  it('ends an impersonation by itself after the set time', async () => {
    server.parley.ctx.config.impersonationMinutes = 0.02; // 1.2 s
    try {
      const started = await sam.client.post(`${w()}/operators/${pete.userId}/impersonation`);
      expect(started.status).toBe(200);
      const ends = await eventually(async () => {
        const rows = await audit('impersonation.ended');
        return rows.some((r) => r.target_id === pete.userId && r.after?.reason === 'expired') || undefined;
      }, 15_000);
      expect(ends).toBe(true);
      expect((await sam.client.get('/api/auth/session')).body.user.id).toBe(sam.userId);
    } finally {
      server.parley.ctx.config.impersonationMinutes = 30;
    }
  });

  it('shows the audit log to owners and admins only, filtered, and offers no way to change it', async () => {
    expect((await sam.client.get(`${w()}/audit-log`)).status).toBe(403);
    const bySam = await admin.client.get(`${w()}/audit-log?actorId=${sam.userId}&limit=200`);
    expect(bySam.status).toBe(200);
    const actions = bySam.body.items.map((e: { action: string }) => e.action);
    expect(actions).toContain('impersonation.started');
    expect(actions).toContain('impersonation.action');
    const impersonated = bySam.body.items.find(
      (e: { action: string }) => e.action === 'impersonation.action',
    );
    expect(impersonated.actor.name).toBe('Olga Operator');
    expect(impersonated.impersonator.name).toBe('Sam Supervisor');
    const onlyImpersonation = await admin.client.get(`${w()}/audit-log?action=impersonation.&limit=200`);
    expect(
      onlyImpersonation.body.items.every((e: { action: string }) => e.action.startsWith('impersonation.')),
    ).toBe(true);
    const id = bySam.body.items[0].id;
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      const res = await owner.client.request(
        method,
        `${w()}/audit-log/${id}`,
        method === 'DELETE' ? undefined : {},
      );
      expect(res.status).toBe(404);
    }
    await expect(
      server.parley.ctx.db.execute(sql`UPDATE audit_log SET action = 'x' WHERE id = ${id}`),
    ).rejects.toThrow();
  });
});
