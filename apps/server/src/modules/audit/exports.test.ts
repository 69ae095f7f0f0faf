import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  type Client,
  type Owner,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../../test/harness.ts';

/**
 * The audit log's and the connection history's exports in the language the console asks for:
 * headers, actions, target types, event kinds and statuses translated as the screens show them;
 * codes, ids, names and times as recorded. English without `lang`; another language is refused.
 */
describe('audit log and connection history exports in the reader’s language', () => {
  let server: TestServer;
  let owner: Owner;
  let sam: { client: Client; userId: string };
  let olga: { client: Client; userId: string };
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  const exportsRecorded = async () => {
    const { rows } = await server.parley.ctx.db.execute<{ n: string | number }>(
      sql`SELECT count(*) AS n FROM audit_log WHERE action = 'export.created'`,
    );
    return Number(rows[0]!.n);
  };
  const download = (url: string) =>
    fetch(`${server.url}${url}`, { headers: { cookie: owner.client.cookie } });
  const csvLines = async (url: string) => {
    const res = await download(url);
    expect(res.status, url).toBe(200);
    return (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    sam = await addMember(owner, { email: 'sam@example.com', role: 'supervisor', name: 'Sam Supervisor' });
    olga = await addMember(owner, { email: 'olga@example.com', role: 'operator', name: 'Olga Operator' });
    const lunch = await owner.client.post(`${w()}/statuses`, { name: 'Lunch' });
    expect(lunch.status).toBe(201);
    // Olga is signed in (as a heartbeat records it; a signed-out operator's status is refused), and
    // Sam sets her status twice: two status changes in her history, two entries in the log.
    await server.parley.ctx.db.execute(
      sql`UPDATE memberships SET last_active_at = now() WHERE user_id = ${olga.userId}`,
    );
    for (const status of ['on_break', `custom:${lunch.body.id}`]) {
      const res = await sam.client.put(`${w()}/members/${olga.userId}/status`, { status });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });
  afterAll(() => server?.close());

  it('writes the audit log with translated headers, actions and target types, and keeps the codes', async () => {
    const url = `${w()}/audit-log/export?format=csv&action=member.status_changed`;
    const es = await csvLines(`${url}&lang=es`);
    expect(es[0]).toBe(
      'Hora,Acción,Código de la acción,Autor,Id del autor,Suplantado por,Tipo de objeto,Id del objeto,Antes,Después,Dirección IP,Navegador,Sistema operativo',
    );
    expect(es).toHaveLength(3);
    for (const line of es.slice(1)) {
      expect(line).toMatch(
        /^\d{4}-\d\d-\d\dT[^,]+,Estado de un miembro fijado,member\.status_changed,Sam Supervisor,/,
      );
      expect(line).toContain(`,${sam.userId},,Miembro,${olga.userId},`);
    }

    const en = await csvLines(url);
    expect(en[0]).toBe(
      'Time,Action,Action code,Actor,Actor id,Impersonated by,Target type,Target id,Before,After,IP,Browser,OS',
    );
    expect(en[1]).toMatch(/^[^,]+,Member’s status set,member\.status_changed,Sam Supervisor,/);
    expect(en[1]).toContain(`,Member,${olga.userId},`);

    const xlsx = await download(`${w()}/audit-log/export?format=xlsx&action=status.&lang=fr`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const sheet = book.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1, 8)).toEqual([
      'Heure',
      'Action',
      'Code de l’action',
      'Auteur',
      'Id de l’auteur',
      'Session d’emprunt par',
      'Type de cible',
    ]);
    expect((sheet.getRow(2).values as unknown[]).slice(2, 7)).toEqual([
      'Statut personnalisé créé',
      'status.created',
      'Olivia Owner',
      owner.userId,
      undefined,
    ]);
    expect(sheet.getRow(2).getCell(7).value).toBe('Statut personnalisé');
    // The recorded change stays as recorded, machine-readable.
    expect(JSON.parse(String(sheet.getRow(2).getCell(10).value))).toEqual({ name: 'Lunch' });
  });

  it('writes the connection history with translated events and statuses, a custom status by its name', async () => {
    const url = `${w()}/operators/${olga.userId}/connections/export?format=csv&kind=status_change`;
    const fr = await csvLines(`${url}&lang=fr`);
    expect(fr[0]).toBe(
      'Date et heure,Opérateur,Événement,Détail,Adresse IP,Navigateur,Système d’exploitation',
    );
    // Newest first: the custom status, then the break.
    expect(fr.slice(1).map((l) => l.split(',').slice(1, 4))).toEqual([
      ['Olga Operator', 'Changement de statut', 'Lunch'],
      ['Olga Operator', 'Changement de statut', 'En pause'],
    ]);
    const en = await csvLines(url);
    expect(en[0]).toBe('Time,Operator,Event,Detail,IP,Browser,OS');
    expect(en.slice(1).map((l) => l.split(',').slice(1, 4))).toEqual([
      ['Olga Operator', 'Status change', 'Lunch'],
      ['Olga Operator', 'Status change', 'On break'],
    ]);
    expect(en[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z,/);
    const es = await csvLines(`${w()}/operators/${olga.userId}/connections/export?format=csv&lang=es`);
    expect(es.slice(1).map((l) => l.split(',')[2])).toContain('Inicio de sesión');
  });

  it('refuses another language with a 400 naming `lang`, and exports and records nothing', async () => {
    const before = await exportsRecorded();
    for (const url of [
      `${w()}/audit-log/export?format=csv&lang=de`,
      `${w()}/audit-log/export?format=xlsx&lang=`,
      `${w()}/operators/${olga.userId}/connections/export?format=csv&lang=de`,
    ]) {
      const res = await owner.client.get(url);
      expect(res.status, url).toBe(400);
      expect(res.body.error.field, url).toBe('lang');
    }
    expect(await exportsRecorded()).toBe(before);
  });
});
