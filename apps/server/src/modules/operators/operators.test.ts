import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Owner, type TestServer } from '../../../test/harness.ts';
import { computeFigures } from '../metrics/figures.ts';
import { eventually, type Member, useOperatorsWorkspace } from './fixture.ts';

/** OPS-1…8 through the HTTP API as the console uses it: the overview, its exports, figures, quick actions, history. */
describe('operator management', () => {
  const { f, w, audit, newConversation, live } = useOperatorsWorkspace();
  const { conversations } = f;
  let server: TestServer;
  let owner: Owner;
  let admin: Member;
  let sam: Member;
  let olga: Member;
  let pete: Member;
  let teamId: string;
  beforeAll(() => {
    ({ server, owner, admin, sam, olga, pete, teamId } = f);
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
});
