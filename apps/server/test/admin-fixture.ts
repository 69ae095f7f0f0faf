import type { AdminRow } from '@parley/contracts';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import { setContactPhone } from '../src/modules/contacts/commands.ts';
import { setAssignee } from '../src/modules/metrics/facts.ts';
import { contacts, conversations, teamMembers, teams } from '../src/platform/db/schema.ts';
import { transaction } from '../src/platform/db/tx.ts';
import {
  addMember,
  type Client,
  type Owner,
  setupOwner,
  startTestServer,
  type TestServer,
} from './harness.ts';

/** How many conversations the fixture holds. */
export const N = 30;

export interface AdminFixture {
  server: TestServer;
  owner: Owner;
  ann: { client: Client; userId: string };
  bob: { client: Client; userId: string };
  ann2: { client: Client; userId: string };
  teamIds: Record<'sales' | 'support', string>;
  tagIds: Record<'vip' | 'bug', string>;
  /** When the fixture was made: its conversations were created in the 20 hours before. */
  now: Date;
  /** The workspace's API path. */
  w: string;
}

/**
 * The administrator's list fixture: 30 conversations built through the metrics facts (setAssignee)
 * and the contacts command (phone → country), with ties on purpose (pairs share their creation
 * time, durations and ratings repeat), two teams, two tags and three operators, two of them named Ann.
 */
export async function seedAdminWorkspace(): Promise<AdminFixture> {
  const now = new Date();
  const teamIds: Record<'sales' | 'support', string> = { sales: '', support: '' };
  const tagIds: Record<'vip' | 'bug', string> = { vip: '', bug: '' };
  const server = await startTestServer();
  const owner = await setupOwner(server.url);
  const w = `/api/workspaces/${owner.workspaceId}`;
  const ann = await addMember(owner, { email: 'ann@example.com', role: 'operator', name: 'Ann' });
  const bob = await addMember(owner, { email: 'bob@example.com', role: 'operator', name: 'Bob' });
  // A second operator named Ann: the operator sort orders equal names by operator, then creation.
  const ann2 = await addMember(owner, { email: 'ann2@example.com', role: 'operator', name: 'Ann' });
  const db = server.parley.ctx.db;
  const made = await db
    .insert(teams)
    .values([
      { workspaceId: owner.workspaceId, name: 'Sales' },
      { workspaceId: owner.workspaceId, name: 'Support' },
    ])
    .returning({ id: teams.id });
  teamIds.sales = made[0]!.id;
  teamIds.support = made[1]!.id;
  // Ann is of the Sales team: she sees its conversations, whoever has them (SPEC §1).
  await db
    .insert(teamMembers)
    .values({ teamId: teamIds.sales, userId: ann.userId, workspaceId: owner.workspaceId });
  for (const [name, colour] of [
    ['vip', '#aa0000'],
    ['bug', '#0000aa'],
  ] as const) {
    const res = await owner.client.post(`${w}/tags`, { name, colour });
    expect(res.status).toBe(200);
    tagIds[name] = res.body.id;
  }
  const names = ['Alma', 'Bruno', 'Carla', 'Dario', 'Alma', null];
  const phones = [
    '+34 612 345 678',
    '+33 6 12 34 56 78',
    '+1 202 555 0143',
    null,
    '+34 699 000 111',
    '+44 20 7183 8750',
  ];
  const hour = 3600_000;
  const base = now.getTime() - 20 * hour;
  for (let i = 0; i < N; i++) {
    const [contact] = await db
      .insert(contacts)
      .values({
        workspaceId: owner.workspaceId,
        name: names[i % names.length],
        email: `customer${i}@example.com`,
        externalId: `ext-${i}`,
      })
      .returning({ id: contacts.id });
    const phone = phones[i % phones.length] ?? null;
    if (phone) {
      await transaction(db, (tx) =>
        setContactPhone(tx, { workspaceId: owner.workspaceId, contactId: contact!.id, phone }),
      );
    }
    // Ties on purpose: pairs share their creation time, durations and ratings repeat.
    const created = new Date(base + Math.floor(i / 2) * hour);
    const closed = i % 3 === 0;
    const [row] = await db
      .insert(conversations)
      .values({
        workspaceId: owner.workspaceId,
        number: i + 1,
        channel: (['web', 'whatsapp', 'email'] as const)[i % 3]!,
        contactId: contact!.id,
        teamId: i % 5 === 4 ? null : i % 2 === 0 ? teamIds.sales : teamIds.support,
        createdAt: created,
        cycleStartedAt: created,
        lastActivityAt: new Date(created.getTime() + (i % 4) * 60_000),
        firstOperatorReplyAt: i % 4 === 1 ? null : new Date(created.getTime() + (i % 3) * 60_000 + 30_000),
        firstAuthor: i % 2 === 0 ? 'contact' : 'operator',
        burstStartedAt: closed ? null : new Date(now.getTime() - (i % 2 === 0 ? 90 : 5) * 60_000),
        rating: closed ? (i % 4 === 0 ? null : (i % 5) + 1) : null,
      })
      .returning({ id: conversations.id });
    const assignee = i % 4 === 3 ? null : i % 8 === 5 ? ann2.userId : i % 2 === 0 ? ann.userId : bob.userId;
    if (assignee) {
      await transaction(db, (tx) =>
        setAssignee(tx.db, {
          workspaceId: owner.workspaceId,
          conversationId: row!.id,
          userId: assignee,
          how: 'automatic',
          endReason: 'reroute',
          at: new Date(created.getTime() + 20_000),
        }),
      );
    }
    if (closed) {
      await db
        .update(conversations)
        .set({ status: 'closed', closedAt: new Date(created.getTime() + (i % 4) * 600_000 + 60_000) })
        .where(eq(conversations.id, row!.id));
    }
    if (i % 3 === 1) {
      const tags = i % 2 === 0 ? [tagIds.vip] : [tagIds.vip, tagIds.bug];
      const res = await owner.client.put(`${w}/conversations/${row!.id}/tags`, { tagIds: tags });
      expect(res.status).toBe(200);
    }
  }
  return { server, owner, ann, bob, ann2, teamIds, tagIds, now, w };
}

/** Every row of the administrator's list for `query`, page by page. */
export async function allRows(
  f: AdminFixture,
  client: Client,
  query: string,
  limit = 4,
): Promise<AdminRow[]> {
  const rows: AdminRow[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await client.get(
      `${f.w}/admin/conversations?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    rows.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return rows;
  }
  throw new Error('too many pages');
}

/** A CSV (quoted cells, as csv-stringify writes them) or the first sheet of an XLSX, as text cells. */
export async function readTable(format: 'csv' | 'xlsx', bytes: Buffer): Promise<string[][]> {
  if (format === 'xlsx') {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const table: string[][] = [];
    book.worksheets[0]!.eachRow((row) => {
      const cells: string[] = [];
      for (let i = 1; i <= row.cellCount; i++) {
        const v = row.getCell(i).value;
        cells.push(v instanceof Date ? v.toISOString() : String(v ?? ''));
      }
      table.push(cells);
    });
    return table;
  }
  // csv-stringify quotes a cell with a comma, quote or line break, doubling its quotes.
  const text = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimEnd();
  const cells = /("(?:[^"]|"")*"|[^,\n]*)(,|\n|$)/g;
  const table: string[][] = [[]];
  for (const [, raw, end] of text.matchAll(cells)) {
    table.at(-1)!.push(raw!.startsWith('"') ? raw!.slice(1, -1).replaceAll('""', '"') : raw!);
    if (end === '\n') table.push([]);
    if (end === '') break;
  }
  return table;
}

/** Waits for an export to be done (or fail) and returns it. */
export async function pollDone(client: Client, url: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await client.get(url);
    if (res.body.status === 'done') return res.body;
    if (res.body.status === 'failed') throw new Error(res.body.error);
    if (Date.now() > deadline) throw new Error(`export not done: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
