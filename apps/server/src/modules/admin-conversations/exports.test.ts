import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminFixture,
  allRows,
  pollDone,
  readTable,
  seedAdminWorkspace,
} from '../../../test/admin-fixture.ts';
import type { Client, Owner, TestServer } from '../../../test/harness.ts';
import { auditLog, contacts, conversationExports } from '../../platform/db/schema.ts';

/** The administrator's list exported (CSV and XLSX) on the list's fixture (test/admin-fixture.ts). */
describe('administrator conversations export', { timeout: 120_000 }, () => {
  let f: AdminFixture;
  let server: TestServer;
  let owner: Owner;
  let teamIds: AdminFixture['teamIds'];
  const w = () => f.w;
  const all = (client: Client, query: string, limit?: number) => allRows(f, client, query, limit);

  beforeAll(async () => {
    f = await seedAdminWorkspace();
    ({ server, owner, teamIds } = f);
  }, 180_000);
  afterAll(() => server?.close());

  it('exports every row of the filter, in the list’s order, with the list’s figures, and audits it', async () => {
    const filter = `teamId=${teamIds.sales}`;
    const listed = await all(owner.client, `${filter}&sort=duration&dir=asc`, 3);
    for (const format of ['csv', 'xlsx'] as const) {
      const created = await owner.client.post(`${w()}/exports`, {
        format,
        filters: { teamId: [teamIds.sales] },
        sort: 'duration',
        dir: 'asc',
      });
      expect(created.status).toBe(200);
      const done = await pollDone(owner.client, `${w()}/exports/${created.body.id}`);
      expect(done.rows).toBe(listed.length);
      const file = await fetch(server.url + done.downloadUrl, { headers: { cookie: owner.client.cookie } });
      expect(file.status).toBe(200);
      const table = await readTable(format, Buffer.from(await file.arrayBuffer()));
      const header = table[0]!;
      const idAt = header.indexOf('Id');
      const durationAt = header.indexOf('Duration (s)');
      expect(
        table.slice(1).map((r) => r[idAt]),
        format,
      ).toEqual(listed.map((r) => r.id));
      expect(
        table.slice(1).map((r) => r[durationAt] || ''),
        format,
      ).toEqual(listed.map((r) => (r.durationMs === null ? '' : String(Math.round(r.durationMs / 1000)))));
    }
    const audits = await server.parley.ctx.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'export.created'));
    expect(audits).toHaveLength(2);
  });

  it('writes the export in the language it was asked in (kept with the export for the job), English by default', async () => {
    const db = server.parley.ctx.db;
    // One anonymous customer (no name, no e-mail): the console calls them "Visitor #N", so does the file.
    const [anonymous] = await db
      .update(contacts)
      .set({ email: null })
      .where(eq(contacts.email, 'customer5@example.com'))
      .returning({ id: contacts.id, name: contacts.name });
    expect(anonymous?.name).toBeNull();
    const listed = await all(owner.client, 'sort=created&dir=asc', 200);
    expect(listed.some((r) => !r.customer.name && !r.customer.email)).toBe(true);
    const sleeper = listed.find((r) => r.status === 'in_progress')!;
    const until = new Date(Date.now() + 3600_000).toISOString();
    expect((await owner.client.post(`${w()}/conversations/${sleeper.id}/snooze`, { until })).status).toBe(
      200,
    );
    const words = {
      es: {
        header:
          'Número,Cliente,Teléfono,Correo electrónico,ID externo,País,Canal,Operador,Equipo,Creada,Duración (s),Valoración,Estado,Pospuesta,Inactividad (s),Respuesta desde la creación (s),Respuesta desde la asignación (s),Primer mensaje de,Etiquetas,Id',
        channels: { web: 'Chat web', whatsapp: 'WhatsApp', email: 'Correo electrónico' },
        statuses: { open: 'Abierta', in_progress: 'En curso', closed: 'Cerrada' },
        snoozed: ['No', 'Sí'],
        firstAuthors: { contact: 'Cliente', operator: 'Operador' },
        visitor: 'Visitante n.º ',
      },
      fr: {
        header:
          'Numéro,Client,Téléphone,E-mail,Identifiant externe,Pays,Canal,Opérateur,Équipe,Créée,Durée (s),Note,Statut,En veille,Inactivité (s),Réponse depuis la création (s),Réponse depuis l’attribution (s),Premier message de,Étiquettes,Id',
        channels: { web: 'Chat web', whatsapp: 'WhatsApp', email: 'E-mail' },
        statuses: { open: 'Ouverte', in_progress: 'En cours', closed: 'Fermée' },
        snoozed: ['Non', 'Oui'],
        firstAuthors: { contact: 'Client', operator: 'Opérateur' },
        visitor: 'Visiteur nº ',
      },
      en: {
        header:
          'Number,Customer,Phone,E-mail,External id,Country,Channel,Operator,Team,Created,Duration (s),Rating,Status,Snoozed,Inactivity (s),Response from creation (s),Response from assignment (s),First message by,Tags,Id',
        channels: { web: 'Web chat', whatsapp: 'WhatsApp', email: 'Email' },
        statuses: { open: 'Open', in_progress: 'In progress', closed: 'Closed' },
        snoozed: ['No', 'Yes'],
        firstAuthors: { contact: 'Customer', operator: 'Operator' },
        visitor: 'Visitor #',
      },
    } as const;
    try {
      for (const [lang, format] of [
        ['es', 'csv'],
        ['fr', 'xlsx'],
        [undefined, 'csv'],
      ] as const) {
        const created = await owner.client.post(`${w()}/exports`, {
          format,
          sort: 'created',
          dir: 'asc',
          ...(lang ? { lang } : {}),
        });
        expect(created.status, JSON.stringify(created.body)).toBe(200);
        const [stored] = await db
          .select({ lang: conversationExports.lang })
          .from(conversationExports)
          .where(eq(conversationExports.id, created.body.id));
        expect(stored!.lang).toBe(lang ?? 'en');
        const done = await pollDone(owner.client, `${w()}/exports/${created.body.id}`);
        const file = await fetch(server.url + done.downloadUrl, { headers: { cookie: owner.client.cookie } });
        const table = await readTable(format, Buffer.from(await file.arrayBuffer()));
        const expected = words[lang ?? 'en'];
        expect(table[0]!.join(','), String(lang)).toBe(expected.header);
        // Channel, status, snoozed and first author of every row, as the list has them.
        const byId = new Map(table.slice(1).map((r) => [r[19], r]));
        for (const r of listed) {
          const row = byId.get(r.id)!;
          expect([row[6], row[12], row[13], row[17]], `${lang} ${r.number}`).toEqual([
            expected.channels[r.channel as 'web' | 'whatsapp' | 'email'],
            expected.statuses[r.status],
            expected.snoozed[r.id === sleeper.id ? 1 : 0],
            r.firstAuthor ? expected.firstAuthors[r.firstAuthor] : '',
          ]);
          // The customer as the console names them: name, else e-mail, else "Visitor #N".
          expect(row[1], `${lang} ${r.number}`).toBe(
            r.customer.name ?? r.customer.email ?? `${expected.visitor}${r.number}`,
          );
          // Ids, numbers and times stay machine-readable.
          expect(row[0]).toBe(String(r.number));
          expect(Math.abs(Date.parse(row[9]!) - Date.parse(r.createdAt))).toBeLessThan(1000);
        }
      }

      // Another language: 400 naming `lang`, no export stored, nothing audited.
      const exports = (await db.select().from(conversationExports)).length;
      const audits = (await db.select().from(auditLog).where(eq(auditLog.action, 'export.created'))).length;
      for (const lang of ['de', 'ES', '']) {
        const refused = await owner.client.post(`${w()}/exports`, { format: 'csv', lang });
        expect(refused.status, lang).toBe(400);
        expect(refused.body.error.field, lang).toBe('lang');
      }
      expect(await db.select().from(conversationExports)).toHaveLength(exports);
      expect(await db.select().from(auditLog).where(eq(auditLog.action, 'export.created'))).toHaveLength(
        audits,
      );
    } finally {
      expect((await owner.client.post(`${w()}/conversations/${sleeper.id}/unsnooze`)).status).toBe(200);
      await db.update(contacts).set({ email: 'customer5@example.com' }).where(eq(contacts.id, anonymous!.id));
    }
  });
});
