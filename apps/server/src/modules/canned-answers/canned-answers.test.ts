import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

type Who = { client: Client; userId: string };

describe('canned answers (OI-8)', () => {
  let server: TestServer;
  let owner: Owner;
  let ana: Who; // operator in Sales
  let ben: Who; // operator, no team
  let sam: Who; // supervisor of Sales
  let sue: Who; // supervisor, not in Sales
  let salesId: string;
  const w = () => `/api/workspaces/${owner.workspaceId}`;
  const audits = async () =>
    (
      await server.parley.ctx.db.execute(
        `SELECT action, actor_id FROM audit_log WHERE action LIKE 'canned_answer.%' ORDER BY created_at` as never,
      )
    ).rows as { action: string; actor_id: string }[];

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    ana = await addMember(owner, { email: 'ana@example.com', role: 'operator', name: 'Ana' });
    ben = await addMember(owner, { email: 'ben@example.com', role: 'operator', name: 'Ben' });
    sam = await addMember(owner, { email: 'sam@example.com', role: 'supervisor', name: 'Sam' });
    sue = await addMember(owner, { email: 'sue@example.com', role: 'supervisor', name: 'Sue' });
    const team = await owner.client.post(`${w()}/teams`, { name: 'Sales' });
    salesId = team.body.id;
    const members = await owner.client.put(`${w()}/teams/${salesId}/members`, {
      userIds: [ana.userId, sam.userId],
    });
    expect(members.status, JSON.stringify(members.body)).toBeLessThan(300);
  });
  afterAll(async () => {
    await server?.close();
  });

  const answer = (scope: string, extra: Record<string, unknown> = {}) => ({
    scope,
    shortcut: 'hello',
    title: 'Greeting',
    text: 'Hello {{contact.name}}, I am {{operator.name}}.',
    ...extra,
  });

  it('lets anyone keep personal answers, seen only by their owner and not audited', async () => {
    const socket = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}&after=0`,
      ben.client.cookie,
    );
    try {
      const mine = await ana.client.post(`${w()}/canned-answers`, answer('personal'));
      expect(mine.status, JSON.stringify(mine.body)).toBe(201);
      expect(mine.body.ownerId).toBe(ana.userId);
      expect((await ana.client.get(`${w()}/canned-answers`)).body.map((a: { id: string }) => a.id)).toEqual([
        mine.body.id,
      ]);
      expect((await ben.client.get(`${w()}/canned-answers`)).body).toEqual([]);
      // Ben can neither change nor see it, and his socket never heard of it.
      expect((await ben.client.patch(`${w()}/canned-answers/${mine.body.id}`, { title: 'x' })).status).toBe(
        404,
      );
      expect((await ben.client.delete(`${w()}/canned-answers/${mine.body.id}`)).status).toBe(404);
      const benOwn = await ben.client.post(`${w()}/canned-answers`, answer('personal', { shortcut: 'bye' }));
      await waitFor(() => socket.messages.find((m) => m.event?.payload?.cannedAnswer?.id === benOwn.body.id));
      expect(socket.messages.some((m) => m.event?.payload?.cannedAnswer?.id === mine.body.id)).toBe(false);
      expect(await audits()).toEqual([]);
    } finally {
      socket.ws.close();
    }
  });

  it('refuses bad input naming the field, and duplicate shortcuts', async () => {
    for (const [body, field] of [
      [answer('personal', { shortcut: 'Has Space' }), 'shortcut'],
      [answer('personal', { shortcut: '' }), 'shortcut'],
      [answer('personal', { text: '' }), 'text'],
      [answer('personal', { title: 'x'.repeat(121) }), 'title'],
      [answer('galaxy'), 'scope'],
      [answer('team'), 'teamId'],
      [answer('team', { teamId: '00000000-0000-4000-8000-000000000000' }), 'teamId'],
    ] as const) {
      const res = await ana.client.post(`${w()}/canned-answers`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    const clash = await ana.client.post(`${w()}/canned-answers`, answer('personal'));
    expect(clash.status).toBe(409);
    expect(clash.body.error.field).toBe('shortcut');
    expect((await ana.client.get(`${w()}/canned-answers`)).body).toHaveLength(1);
  });

  it('refuses a text with an unknown {{variable}} (a typo the customer would see), naming text', async () => {
    const before = (await ben.client.get(`${w()}/canned-answers`)).body;
    const created = await ben.client.post(
      `${w()}/canned-answers`,
      answer('personal', { shortcut: 'typo', text: 'Hi {{contact.fristName | there}}, {{ foo }}' }),
    );
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: 'validation_failed', field: 'text' });
    expect(created.body.error.message).toContain('{{contact.fristName}}');
    expect((await ben.client.get(`${w()}/canned-answers`)).body).toEqual(before);

    const ok = await ben.client.post(`${w()}/canned-answers`, answer('personal', { shortcut: 'typo' }));
    expect(ok.status).toBe(201);
    const patched = await ben.client.patch(`${w()}/canned-answers/${ok.body.id}`, { text: 'Bye {{agent}}' });
    expect(patched.status).toBe(400);
    expect(patched.body.error.field).toBe('text');
    const [kept] = (await ben.client.get(`${w()}/canned-answers`)).body.filter(
      (a: { id: string }) => a.id === ok.body.id,
    );
    expect(kept.text).toBe(answer('personal').text);
    expect((await ben.client.delete(`${w()}/canned-answers/${ok.body.id}`)).status).toBe(204);
  });

  it('lets the supervisors of a team and admins manage its answers, audited', async () => {
    expect((await ana.client.post(`${w()}/canned-answers`, answer('team', { teamId: salesId }))).status).toBe(
      403,
    );
    expect((await sue.client.post(`${w()}/canned-answers`, answer('team', { teamId: salesId }))).status).toBe(
      403,
    );
    const bySam = await sam.client.post(`${w()}/canned-answers`, answer('team', { teamId: salesId }));
    expect(bySam.status, JSON.stringify(bySam.body)).toBe(201);
    // Ana (Sales) sees it; Ben (no team) does not.
    expect(
      (await ana.client.get(`${w()}/canned-answers`)).body.map((a: { scope: string }) => a.scope),
    ).toEqual(['personal', 'team']);
    expect(
      (await ben.client.get(`${w()}/canned-answers`)).body.some((a: { scope: string }) => a.scope === 'team'),
    ).toBe(false);
    expect(
      (await ana.client.patch(`${w()}/canned-answers/${bySam.body.id}`, { title: 'Mine now' })).status,
    ).toBe(403);
    const edited = await owner.client.patch(`${w()}/canned-answers/${bySam.body.id}`, {
      title: 'Sales greeting',
    });
    expect(edited.body.title).toBe('Sales greeting');
    expect(await audits()).toEqual([
      { action: 'canned_answer.created', actor_id: sam.userId },
      { action: 'canned_answer.updated', actor_id: owner.userId },
    ]);
  });

  it('keeps workspace answers to admins', async () => {
    expect((await sam.client.post(`${w()}/canned-answers`, answer('workspace'))).status).toBe(403);
    const created = await owner.client.post(
      `${w()}/canned-answers`,
      answer('workspace', { shortcut: 'thanks' }),
    );
    expect(created.status).toBe(201);
    expect(
      (await ben.client.get(`${w()}/canned-answers`)).body.map((a: { shortcut: string }) => a.shortcut),
    ).toEqual(['bye', 'thanks']);
    expect((await ben.client.delete(`${w()}/canned-answers/${created.body.id}`)).status).toBe(403);
    expect((await owner.client.delete(`${w()}/canned-answers/${created.body.id}`)).status).toBe(204);
    expect((await audits()).at(-1)).toEqual({ action: 'canned_answer.deleted', actor_id: owner.userId });
  });
});
