import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  type Client,
  type Owner,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../../test/harness.ts';

describe('workspaces, members and permissions', () => {
  let server: TestServer;
  let a: Owner;
  let b: Owner;
  let operatorA: Client;
  let bInviteId: string;
  let bMemberId: string;

  beforeAll(async () => {
    server = await startTestServer();
    a = await setupOwner(server.url);
    // A second person with a workspace of their own on the same installation.
    const bRes = await a.client.post('/api/workspaces', { name: 'Borealis' });
    const bOwner = await addMember(
      { ...a, workspaceId: bRes.body.id },
      { email: 'bob@example.com', role: 'owner' },
    );
    b = { client: bOwner.client, workspaceId: bRes.body.id, userId: bOwner.userId };
    // a leaves workspace B so that from here on A's people have nothing to do with it.
    const leave = await b.client.delete(`/api/workspaces/${b.workspaceId}/members/${a.userId}`);
    expect(leave.status).toBe(204);
    const invite = await b.client.post(`/api/workspaces/${b.workspaceId}/invites`, {
      email: 'x@example.com',
      role: 'operator',
    });
    bInviteId = invite.body.id;
    bMemberId = (await addMember(b, { email: 'bea@example.com', role: 'operator' })).userId;
    operatorA = (await addMember(a, { email: 'otto@example.com', role: 'operator' })).client;
  });
  afterAll(() => server?.close());

  it('lets owners and admins create workspaces, and nobody else', async () => {
    const supervisor = await addMember(a, { email: 'sid@example.com', role: 'supervisor' });
    const admin = await addMember(a, { email: 'ada@example.com', role: 'admin' });
    for (const client of [operatorA, supervisor.client]) {
      const res = await client.post('/api/workspaces', { name: 'Side project' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const created = await admin.client.post('/api/workspaces', { name: 'Admin made' });
    expect(created.status).toBe(200);
    const session = await admin.client.get('/api/auth/session');
    expect(session.body.workspaces.find((w: { id: string }) => w.id === created.body.id)?.role).toBe('owner');
  });

  it('answers 404 to an operator of A for every resource of B', async () => {
    const w = `/api/workspaces/${b.workspaceId}`;
    const attempts = [
      operatorA.get(w),
      operatorA.patch(w, { name: 'Pwned' }),
      operatorA.get(`${w}/members`),
      operatorA.get(`${w}/members/${bMemberId}`),
      operatorA.patch(`${w}/members/${bMemberId}`, { role: 'admin' }),
      operatorA.delete(`${w}/members/${bMemberId}`),
      operatorA.get(`${w}/invites`),
      operatorA.post(`${w}/invites`, { email: 'spy@example.com', role: 'owner' }),
      operatorA.delete(`${w}/invites/${bInviteId}`),
      operatorA.get(`${w}/connection-history`),
      operatorA.put('/api/auth/session/workspace', { workspaceId: b.workspaceId }),
      a.client.get(`${w}/members`),
      a.client.delete(`/api/workspaces/${a.workspaceId}/invites/${bInviteId}`),
      a.client.get(`/api/workspaces/${a.workspaceId}/members/${bMemberId}`),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const members = await b.client.get(`${w}/members`);
    expect(members.body.map((m: { email: string }) => m.email).sort()).toEqual([
      'bea@example.com',
      'bob@example.com',
    ]);
    expect((await b.client.get(w)).body.name).toBe('Borealis');
    expect((await b.client.get(`${w}/invites`)).body).toHaveLength(1);
  });

  it('answers 403 to an operator without the permission, whatever the console shows', async () => {
    const w = `/api/workspaces/${a.workspaceId}`;
    const invite = await operatorA.post(`${w}/invites`, { email: 'friend@example.com', role: 'operator' });
    expect(invite.status).toBe(403);
    expect(invite.body.error).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('members.manage'),
    });
    expect((await operatorA.patch(w, { name: 'Renamed' })).status).toBe(403);
    expect((await operatorA.get(`${w}/connection-history`)).status).toBe(403);
    expect((await operatorA.patch(`${w}/members/${a.userId}`, { role: 'operator' })).status).toBe(403);
    // Reading colleagues is allowed: transfers need it.
    expect((await operatorA.get(`${w}/members`)).status).toBe(200);
    expect((await a.client.get(`${w}/invites`)).body.map((i: { email: string }) => i.email)).not.toContain(
      'friend@example.com',
    );
  });

  it('grants a permission and takes it back', async () => {
    const w = `/api/workspaces/${a.workspaceId}`;
    const sup = await addMember(a, { email: 'sue@example.com', role: 'supervisor' });
    expect((await sup.client.get(`${w}/connection-history`)).status).toBe(200);
    const session = await sup.client.get('/api/auth/session');
    expect(session.body.workspaces[0].permissions).toContain('monitor');
    expect(session.body.workspaces[0].permissions).not.toContain('impersonate');
    const grant = await a.client.patch(`${w}/members/${sup.userId}`, { permissions: ['impersonate'] });
    expect(grant.status).toBe(200);
    expect((await sup.client.get('/api/auth/session')).body.workspaces[0].permissions).toContain(
      'impersonate',
    );
    // A supervisor cannot promote themself.
    const selfPromote = await sup.client.patch(`${w}/members/${sup.userId}`, { role: 'owner' });
    expect(selfPromote.status).toBe(403);
  });

  it('keeps at least one owner', async () => {
    const res = await a.client.patch(`/api/workspaces/${a.workspaceId}/members/${a.userId}`, {
      role: 'admin',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.field).toBe('role');
  });

  it('keeps one owner when two owners demote each other at the same moment', async () => {
    const ws = await a.client.post('/api/workspaces', { name: 'Two owners' });
    const first: Owner = { client: a.client, workspaceId: ws.body.id, userId: a.userId };
    const second = await addMember(first, { email: 'co-owner@example.com', role: 'owner' });
    const w = `/api/workspaces/${first.workspaceId}`;
    const [one, two] = await Promise.all([
      first.client.patch(`${w}/members/${second.userId}`, { role: 'admin' }),
      second.client.patch(`${w}/members/${first.userId}`, { role: 'admin' }),
    ]);
    // Whichever ran second found one owner left (409), or itself no longer an owner (403).
    expect([one.status, two.status].filter((s) => s === 200)).toHaveLength(1);
    const owners = (await first.client.get(`${w}/members`)).body.filter(
      (m: { role: string }) => m.role === 'owner',
    );
    expect(owners).toHaveLength(1);
  });

  it('rejects malformed JSON and wrong types with 400 naming the field, changing nothing', async () => {
    const w = `/api/workspaces/${a.workspaceId}`;
    const broken = await a.client.request('PATCH', w, '{"name": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('validation_failed');
    const wrongType = await a.client.patch(w, { name: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.field).toBe('name');
    const badZone = await a.client.patch(w, { timezone: 'Mars/Olympus' });
    expect(badZone.status).toBe(400);
    expect(badZone.body.error.field).toBe('timezone');
    const badRole = await a.client.post(`${w}/invites`, { email: 'ok@example.com', role: 'emperor' });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.field).toBe('role');
    const badId = await a.client.get(`${w}/members/not-a-uuid`);
    expect(badId.status).toBe(400);
    expect(badId.body.error.field).toBe('userId');
    const current = await a.client.get(w);
    expect(current.body).toMatchObject({ name: 'Acme', timezone: 'UTC' });
    expect((await a.client.get(`${w}/invites`)).body.map((i: { email: string }) => i.email)).not.toContain(
      'ok@example.com',
    );
  });

  it('refuses a second team of one name and a second pending invitation of one address, with 409', async () => {
    const w = `/api/workspaces/${a.workspaceId}`;
    const sales = await a.client.post(`${w}/teams`, { name: 'Sales' });
    expect(sales.status).toBe(201);
    const again = await a.client.post(`${w}/teams`, { name: 'sALES' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', field: 'name' });
    const billing = await a.client.post(`${w}/teams`, { name: 'Billing' });
    const renamed = await a.client.patch(`${w}/teams/${billing.body.id}`, { name: 'Sales' });
    expect(renamed.status).toBe(409);
    // Its own name again, in another case, is no clash.
    expect((await a.client.patch(`${w}/teams/${sales.body.id}`, { name: 'SALES' })).status).toBe(200);
    // Two at the same moment: the database's unique index decides, the loser hears 409, not 500.
    const raced = await Promise.all([
      a.client.post(`${w}/teams`, { name: 'Returns' }),
      a.client.post(`${w}/teams`, { name: 'returns' }),
    ]);
    expect(raced.map((r) => r.status).sort()).toEqual([201, 409]);
    const names = (await a.client.get(`${w}/teams`)).body.map((t: { name: string }) => t.name.toLowerCase());
    expect(names.filter((n: string) => n === 'sales')).toHaveLength(1);
    expect(names.filter((n: string) => n === 'returns')).toHaveLength(1);

    const first = await a.client.post(`${w}/invites`, { email: 'twice@example.com', role: 'operator' });
    expect(first.status).toBe(201);
    const second = await a.client.post(`${w}/invites`, { email: 'TWICE@example.com', role: 'admin' });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'conflict', field: 'email' });
    expect((await a.client.delete(`${w}/invites/${first.body.id}`)).status).toBe(204);
    expect((await a.client.post(`${w}/invites`, { email: 'twice@example.com', role: 'admin' })).status).toBe(
      201,
    );
  });

  it('lets a member of several workspaces switch between them', async () => {
    const both = await addMember(a, { email: 'bob@example.com', role: 'operator' }).catch(() => null);
    // bob has an account already: the invite is accepted with his password.
    expect(both).not.toBeNull();
    const session = await both!.client.get('/api/auth/session');
    expect(session.body.workspaces.map((w: { name: string }) => w.name)).toEqual(['Acme', 'Borealis']);
    const switched = await both!.client.put('/api/auth/session/workspace', { workspaceId: b.workspaceId });
    expect(switched.body.currentWorkspaceId).toBe(b.workspaceId);
    expect((await both!.client.get('/api/auth/session')).body.currentWorkspaceId).toBe(b.workspaceId);
  });
  it('configures the widget: snippet for everyone, secret and pre-chat settings for managers only', async () => {
    const w = `/api/workspaces/${a.workspaceId}/widget`;
    const mine = await operatorA.get(w);
    expect(mine.status).toBe(200);
    expect(mine.body.identitySecret).toBeNull();
    expect(mine.body.snippet).toContain(`data-workspace="${mine.body.widgetKey}"`);
    expect((await operatorA.patch(w, { prechat: { enabled: true, requireEmail: true } })).status).toBe(403);
    const owner = await a.client.patch(w, { prechat: { enabled: true, requireEmail: false } });
    expect(owner.status).toBe(200);
    expect(owner.body.identitySecret).toMatch(/.{20,}/);
    const session = await fetch(`${server.url}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceKey: owner.body.widgetKey }),
    });
    expect(((await session.json()) as { settings: { prechat: unknown } }).settings.prechat).toEqual({
      enabled: true,
      requireEmail: false,
    });
  });
});
