import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  Client,
  type Owner,
  openSocket,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../../test/harness.ts';
import { computeFigures } from '../metrics/figures.ts';

type Member = { client: Client; userId: string };

async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  for (const deadline = performance.now() + timeoutMs; performance.now() < deadline; ) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not met in time');
}

/** OPS-1…8 and OPS-4's rules, through the HTTP API as the console uses it. */
describe('operator management and impersonation', () => {
  let server: TestServer;
  let owner: Owner;
  let admin: Member;
  let sam: Member;
  let sid: Member;
  let olga: Member;
  let pete: Member;
  let exporter: Member;
  let teamId: string;
  let widgetKey: string;
  const conversations: string[] = [];
  const visitorTokens = new Map<string, string>();
  const sockets: Awaited<ReturnType<typeof openSocket>>[] = [];
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  const audit = async (action: string) => {
    const { rows } = await server.parley.ctx.db.execute<{
      actor_id: string | null;
      impersonator_id: string | null;
      target_id: string | null;
      after: Record<string, unknown> | null;
      ip: string | null;
      browser: string | null;
    }>(sql`SELECT actor_id, impersonator_id, target_id, after, ip, browser FROM audit_log
           WHERE workspace_id = ${owner.workspaceId} AND action = ${action} ORDER BY created_at, id`);
    return rows;
  };

  const newConversation = async (text: string) => {
    const session = await fetch(`${server.url}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceKey: widgetKey, locale: 'en' }),
    });
    const { token } = (await session.json()) as { token: string };
    const res = await fetch(`${server.url}/api/widget/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: `m-${Math.random().toString(36).slice(2, 12)}`, text }),
    });
    const { id } = (await res.json()) as { id: string };
    const { rows } = await server.parley.ctx.db.execute<{ conversation_id: string }>(
      sql`SELECT conversation_id FROM messages WHERE id = ${id}`,
    );
    visitorTokens.set(rows[0]!.conversation_id, token);
    return rows[0]!.conversation_id;
  };

  const live = async (m: Member) => {
    const socket = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      m.client.cookie,
    );
    sockets.push(socket);
    await waitFor(() => socket.messages.some((x) => x.type === 'ready'));
  };

  beforeAll(async () => {
    server = await startTestServer({}, { heartbeatMs: 300 });
    owner = await setupOwner(server.url);
    widgetKey = (await owner.client.get(w())).body.widgetKey;
    admin = await addMember(owner, { email: 'ada@example.com', role: 'admin', name: 'Ada Admin' });
    sam = await addMember(owner, {
      email: 'sam@example.com',
      role: 'supervisor',
      name: 'Sam Supervisor',
      permissions: ['impersonate'],
    });
    sid = await addMember(owner, { email: 'sid@example.com', role: 'supervisor', name: 'Sid Second' });
    olga = await addMember(owner, { email: 'olga@example.com', role: 'operator', name: 'Olga Operator' });
    pete = await addMember(owner, { email: 'pete@example.com', role: 'operator', name: 'Pete Peer' });
    exporter = await addMember(owner, {
      email: 'xena@example.com',
      role: 'operator',
      name: 'Xena Exporter',
      permissions: ['export'],
    });
    const team = await owner.client.post(`${w()}/teams`, {
      name: 'Support',
      rule: 'least_busy',
      capacity: 5,
    });
    teamId = team.body.id;
    await owner.client.put(`${w()}/teams/${teamId}/members`, { userIds: [olga.userId, pete.userId] });
    await live(olga);
    await live(pete);
    for (const text of ['first', 'second', 'third']) {
      const id = await newConversation(text);
      const assigned = await owner.client.post(`${w()}/conversations/${id}/assign`, {
        assigneeId: olga.userId,
      });
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
      conversations.push(id);
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.ws.close();
    await server?.close();
  });

  it('lists operators with teams, live status and load from the metrics module, searchable and filtered', async () => {
    const all = await sam.client.get(`${w()}/operators/overview`);
    expect(all.status).toBe(200);
    const o = all.body.find((x: { userId: string }) => x.userId === olga.userId);
    expect(o).toMatchObject({
      name: 'Olga Operator',
      email: 'olga@example.com',
      teams: [{ id: teamId, name: 'Support' }],
      status: 'connected',
      signedIn: true,
      active: 3,
      pending: 3,
      canImpersonate: true,
    });
    expect(o.lastLoginAt).not.toBeNull();
    const load = await computeFigures(server.parley.ctx.db, {
      workspaceId: owner.workspaceId,
      from: new Date(),
      to: new Date(),
      operatorId: olga.userId,
    });
    expect([o.active, o.pending]).toEqual([load.figures.active, load.figures.pending]);

    const byName = await sam.client.get(`${w()}/operators/overview?q=OLG`);
    expect(byName.body.map((x: { name: string }) => x.name)).toEqual(['Olga Operator']);
    const byMail = await sam.client.get(`${w()}/operators/overview?q=pete%40example`);
    expect(byMail.body.map((x: { name: string }) => x.name)).toEqual(['Pete Peer']);
    const inTeam = await sam.client.get(`${w()}/operators/overview?teamId=${teamId}`);
    expect(inTeam.body.map((x: { name: string }) => x.name)).toEqual(['Olga Operator', 'Pete Peer']);
    const connected = await sam.client.get(`${w()}/operators/overview?status=connected`);
    expect(connected.body.map((x: { name: string }) => x.name)).toEqual(['Olga Operator', 'Pete Peer']);
    // A plain operator has no operator management.
    expect((await pete.client.get(`${w()}/operators/overview`)).status).toBe(403);
  });

  it('exports the list exactly as filtered, CSV and XLSX, and audits the export', async () => {
    // Sam (supervisor) has no `export` by default.
    expect((await sam.client.get(`${w()}/operators/export?format=csv&q=olga`)).status).toBe(403);
    const res = await fetch(`${server.url}${w()}/operators/export?format=csv&teamId=${teamId}`, {
      headers: { cookie: admin.client.cookie },
    });
    expect(res.status).toBe(200);
    const csv = await res.text();
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('Olga Operator');
    expect(lines[2]).toContain('Pete Peer');
    const xlsx = await fetch(`${server.url}${w()}/operators/export?format=xlsx&q=olga`, {
      headers: { cookie: admin.client.cookie },
    });
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const bytes = new Uint8Array(await xlsx.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x50, 0x4b]); // a zip, as XLSX is
    const entries = await audit('export.created');
    expect(entries.at(-1)).toMatchObject({ actor_id: admin.userId, target_id: 'operators' });
    expect(entries.at(-1)!.after).toMatchObject({ format: 'xlsx', filters: { q: 'olga' } });
    // A HEAD exports nothing, so records nothing.
    const head = await fetch(`${server.url}${w()}/operators/export?format=csv`, {
      method: 'HEAD',
      headers: { cookie: admin.client.cookie },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('text/csv');
    expect(await audit('export.created')).toHaveLength(entries.length);
  });

  it('exports in the language asked for: headers, roles and statuses (a custom one by its name), English by default', async () => {
    const lunch = await owner.client.post(`${w()}/statuses`, { name: 'Lunch' });
    expect(lunch.status).toBe(201);
    const setPete = (status: string) => sam.client.put(`${w()}/members/${pete.userId}/status`, { status });
    expect((await setPete(`custom:${lunch.body.id}`)).status).toBe(200);
    try {
      const csv = async (query: string) => {
        const res = await fetch(`${server.url}${w()}/operators/export?format=csv&teamId=${teamId}${query}`, {
          headers: { cookie: admin.client.cookie },
        });
        expect(res.status).toBe(200);
        return (await res.text())
          .replace(/^\uFEFF/, '')
          .trim()
          .split('\n');
      };
      const es = await csv('&lang=es');
      expect(es[0]).toBe(
        'Nombre,Correo,Rol,Equipos,Estado,Estado desde,Último acceso,Conversaciones activas,Pendientes de respuesta',
      );
      expect(es[1]).toMatch(/^Olga Operator,olga@example\.com,Operador,Support,Conectado,\d{4}-/);
      expect(es[2]).toMatch(/^Pete Peer,pete@example\.com,Operador,Support,Lunch,\d{4}-/);
      const en = await csv('');
      expect(en[0]).toBe(
        'Name,E-mail,Role,Teams,Status,Status since,Last login,Active conversations,Pending response',
      );
      expect(en[1]).toMatch(/^Olga Operator,olga@example\.com,Operator,Support,Connected,\d{4}-/);
      expect(en[2]).toMatch(/^Pete Peer,pete@example\.com,Operator,Support,Lunch,\d{4}-/);

      const xlsx = await fetch(`${server.url}${w()}/operators/export?format=xlsx&q=olga&lang=fr`, {
        headers: { cookie: admin.client.cookie },
      });
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await xlsx.arrayBuffer());
      const sheet = book.worksheets[0]!;
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
        'Nom',
        'E-mail',
        'Rôle',
        'Équipes',
        'Statut',
        'Statut depuis',
        'Dernière connexion',
        'Conversations actives',
        'En attente de réponse',
      ]);
      expect((sheet.getRow(2).values as unknown[]).slice(1, 6)).toEqual([
        'Olga Operator',
        'olga@example.com',
        'Opérateur',
        'Support',
        'Connecté',
      ]);

      // Another language is refused, naming the field, and nothing is exported or recorded.
      const exported = (await audit('export.created')).length;
      for (const query of ['format=csv&lang=de', 'format=xlsx&lang=EN']) {
        const refused = await admin.client.get(`${w()}/operators/export?${query}`);
        expect(refused.status, query).toBe(400);
        expect(refused.body.error.field, query).toBe('lang');
      }
      expect(await audit('export.created')).toHaveLength(exported);
    } finally {
      expect((await setPete('connected')).status).toBe(200);
    }
  });

  it('shows the same figures as the metrics module for the operator and period', async () => {
    const detail = await sam.client.get(`${w()}/operators/${olga.userId}/detail?period=7d`);
    expect(detail.status).toBe(200);
    const metrics = await computeFigures(server.parley.ctx.db, {
      workspaceId: owner.workspaceId,
      from: new Date(detail.body.from),
      to: new Date(detail.body.to),
      operatorId: olga.userId,
    });
    expect(detail.body.figures).toEqual(metrics.figures);
    expect(detail.body.figures.total).toBe(3);
    // The detail's row (read for this operator alone) is the overview's (read for everyone).
    const overview = await sam.client.get(`${w()}/operators/overview`);
    const row = overview.body.find((o: { userId: string }) => o.userId === olga.userId);
    expect(detail.body.operator).toEqual(row);
    expect(row.active).toBeGreaterThan(0);
    expect(detail.body.statusTime.totals.some((t: { status: string }) => t.status === 'connected')).toBe(
      true,
    );
    const list = await sam.client.get(`${w()}/operators/${olga.userId}/conversations?period=7d`);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([...conversations].reverse());
    expect(list.body.nextCursor).toBeNull();
    // Two at a time: every conversation once, newest assignment first, then no further page.
    const first = await sam.client.get(`${w()}/operators/${olga.userId}/conversations?period=7d&limit=2`);
    expect(first.body.items).toEqual(list.body.items.slice(0, 2));
    const second = await sam.client.get(
      `${w()}/operators/${olga.userId}/conversations?period=7d&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body).toEqual({ items: list.body.items.slice(2), nextCursor: null });
    const before = await sam.client.get(
      `${w()}/operators/${olga.userId}/conversations?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z`,
    );
    expect(before.body).toEqual({ items: [], nextCursor: null });
  });

  it("changes an operator's status and moves chosen conversations to a team, never back to them", async () => {
    const status = await sam.client.put(`${w()}/members/${olga.userId}/status`, { status: 'on_break' });
    expect(status.status).toBe(200);
    expect(
      (await pete.client.put(`${w()}/members/${olga.userId}/status`, { status: 'connected' })).status,
    ).toBe(403);
    expect((await audit('member.status_changed')).at(-1)).toMatchObject({
      actor_id: sam.userId,
      target_id: olga.userId,
    });
    const moved = await sam.client.post(`${w()}/operators/${olga.userId}/transfer`, {
      conversationIds: conversations.slice(0, 2),
      toTeamId: teamId,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.results).toEqual(
      conversations
        .slice(0, 2)
        .map((id) => ({ conversationId: id, ok: true, assigneeId: pete.userId, error: null })),
    );
    const overview = await sam.client.get(`${w()}/operators/overview?q=olga`);
    expect(overview.body[0]).toMatchObject({ status: 'on_break', active: 1 });
    expect((await audit('operator.conversations_transferred')).at(-1)).toMatchObject({
      actor_id: sam.userId,
      target_id: olga.userId,
    });
    // Someone who does not have it cannot receive: Olga is on a break.
    const refused = await sam.client.post(`${w()}/operators/${pete.userId}/transfer`, {
      conversationIds: [conversations[0]],
      toUserId: olga.userId,
    });
    expect(refused.body.results[0]).toMatchObject({ ok: false });
    await sam.client.put(`${w()}/members/${olga.userId}/status`, { status: 'connected' });
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

  it('pages the connection history by keyset with type and date filters, including session expiry', async () => {
    // Pete's session expires: the next heartbeat records it once, as its own kind. A socket of his
    // is opened again first: on a loaded machine his first one may have missed a 300 ms pong and
    // been dropped, and only a node holding one of his sockets notices the expiry.
    await live(pete);
    await server.parley.ctx.db.execute(
      sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = ${pete.userId} AND impersonator_id IS NULL`,
    );
    const url = `${w()}/operators/${pete.userId}/connections`;
    await eventually(async () => {
      const res = await sam.client.get(`${url}?kind=session_expired`);
      return res.body.items.length === 1 || undefined;
    }, 15_000);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: {
        status: number;
        body: { items: { id: string; at: string }[]; nextCursor: string | null };
      } = await sam.client.get(`${url}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const all = await sam.client.get(`${url}?limit=200`);
    expect(seen).toEqual(all.body.items.map((i: { id: string }) => i.id));
    expect(new Set(seen).size).toBe(seen.length);
    const kinds = new Set(all.body.items.map((i: { kind: string }) => i.kind));
    expect(kinds).toEqual(new Set(['login', 'status_change', 'session_expired']));
    const changes = await sam.client.get(`${url}?kind=status_change`);
    expect(changes.body.items.every((i: { kind: string }) => i.kind === 'status_change')).toBe(true);
    const future = await sam.client.get(`${url}?from=2999-01-01T00:00:00Z`);
    expect(future.body.items).toEqual([]);
    expect((await sam.client.get(`${url}?cursor=nonsense`)).status).toBe(400);
    const exported = await fetch(`${server.url}${url}/export?format=csv&kind=login`, {
      headers: { cookie: admin.client.cookie },
    });
    const rows = (await exported.text()).trim().split('\n');
    expect(rows.length).toBe(1 + all.body.items.filter((i: { kind: string }) => i.kind === 'login').length);
  });

  it("lists a conversation assigned to the operator twice once, and what a transfer can move as 'current'", async () => {
    const id = await newConversation('back and forth');
    const paul = await addMember(owner, { email: 'paul@example.com', role: 'operator', name: 'Paul Peer' });
    await live(paul);
    for (const o of [olga, paul])
      expect(
        (await sam.client.put(`${w()}/members/${o.userId}/status`, { status: 'connected' })).status,
      ).toBe(200);
    for (const assigneeId of [olga.userId, paul.userId, olga.userId]) {
      const assigned = await owner.client.post(`${w()}/conversations/${id}/assign`, { assigneeId });
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    }
    const list = (
      await sam.client.get(`${w()}/operators/${olga.userId}/conversations?period=today&limit=200`)
    ).body.items as { id: string; current: boolean }[];
    expect(list.filter((c) => c.id === id)).toHaveLength(1);
    expect(list[0]).toMatchObject({ id, current: true });
    const current = (
      await sam.client.get(
        `${w()}/operators/${olga.userId}/conversations?period=today&current=true&limit=200`,
      )
    ).body.items as { id: string; current: boolean }[];
    expect(current.every((c) => c.current)).toBe(true);
    expect(current.map((c) => c.id)).toEqual(list.filter((c) => c.current).map((c) => c.id));
    // Paul had it in between: his list has it too, no longer current.
    const pauls = (await sam.client.get(`${w()}/operators/${paul.userId}/conversations?period=today`)).body
      .items as { id: string; current: boolean }[];
    expect(pauls.find((c) => c.id === id)).toMatchObject({ current: false });
    expect((await owner.client.post(`${w()}/conversations/${id}/close`)).status).toBe(200);
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
