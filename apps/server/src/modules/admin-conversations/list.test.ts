import { type AdminRow, adminSorts } from '@parley/contracts';
import { eq } from 'drizzle-orm';
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
import {
  auditLog,
  contacts,
  conversationExports,
  conversations,
  teamMembers,
  teams,
} from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { setContactPhone } from '../contacts/commands.ts';
import { setAssignee } from '../metrics/facts.ts';
import { computeFigures } from '../metrics/figures.ts';
import { localMidnight } from '../metrics/period.ts';

/**
 * The administrator's list on a fixture of 30 conversations built through the metrics facts
 * (setAssignee) and the contacts command (phone → country): every filter, every sort both ways
 * across pages with ties, the capped count, permissions and the export.
 */
describe('administrator conversations view', { timeout: 120_000 }, () => {
  let server: TestServer;
  let owner: Owner;
  let ann: { client: Client; userId: string };
  let bob: { client: Client; userId: string };
  // A second operator named Ann: the operator sort orders equal names by operator, then creation.
  let ann2: { client: Client; userId: string };
  const teamIds: Record<'sales' | 'support', string> = { sales: '', support: '' };
  const tagIds: Record<'vip' | 'bug', string> = { vip: '', bug: '' };
  const w = () => `/api/workspaces/${owner.workspaceId}`;
  const now = new Date();
  const N = 30;

  async function all(client: Client, query: string, limit = 4): Promise<AdminRow[]> {
    const rows: AdminRow[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const res = await client.get(
        `${w()}/admin/conversations?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      rows.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return rows;
    }
    throw new Error('too many pages');
  }

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    ann = await addMember(owner, { email: 'ann@example.com', role: 'operator', name: 'Ann' });
    bob = await addMember(owner, { email: 'bob@example.com', role: 'operator', name: 'Bob' });
    ann2 = await addMember(owner, { email: 'ann2@example.com', role: 'operator', name: 'Ann' });
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
      const res = await owner.client.post(`${w()}/tags`, { name, colour });
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
        const res = await owner.client.put(`${w()}/conversations/${row!.id}/tags`, { tagIds: tags });
        expect(res.status).toBe(200);
      }
    }
  }, 180_000);
  afterAll(() => server?.close());

  it('lists every conversation exactly once in every sort, both directions, across pages with ties', async () => {
    const nil = '00000000-0000-0000-0000-000000000000';
    // Customer, operator and team sorts order equal names by customer, operator or team, then by
    // creation, then by id (rows without an operator or a team form one group).
    const groupOf: Partial<Record<(typeof adminSorts)[number], (r: AdminRow) => string>> = {
      customer: (r) => r.customer.id,
      operator: (r) => r.operator?.id ?? nil,
      team: (r) => r.team?.id ?? nil,
    };
    const reference = await all(owner.client, '', 200);
    expect(reference).toHaveLength(N);
    const numeric: Partial<Record<(typeof adminSorts)[number], (r: AdminRow) => number>> = {
      created: (r) => Date.parse(r.createdAt),
      inactivity: (r) => -Date.parse(r.lastActivityAt),
      duration: (r) => r.durationMs ?? Number.POSITIVE_INFINITY,
      rating: (r) => r.rating ?? 0,
      status: (r) => ['open', 'in_progress', 'closed'].indexOf(r.status),
      responseFromCreation: (r) => r.responseFromCreationMs ?? Number.POSITIVE_INFINITY,
      responseFromAssignment: (r) => r.responseFromAssignmentMs ?? Number.POSITIVE_INFINITY,
    };
    const textual: Partial<Record<(typeof adminSorts)[number], (r: AdminRow) => string>> = {
      customer: (r) => (r.customer.name ?? r.customer.phone ?? '').toLowerCase(),
      operator: (r) => (r.operator?.name ?? '').toLowerCase(),
      team: (r) => (r.team?.name ?? '').toLowerCase(),
      firstAuthor: (r) => r.firstAuthor ?? '',
    };
    for (const sort of adminSorts) {
      for (const dir of ['asc', 'desc'] as const) {
        const paged = await all(owner.client, `sort=${sort}&dir=${dir}`, 4);
        const whole = await all(owner.client, `sort=${sort}&dir=${dir}`, 200);
        const what = `${sort} ${dir}`;
        expect(
          paged.map((r) => r.id),
          what,
        ).toEqual(whole.map((r) => r.id));
        expect(new Set(paged.map((r) => r.id)).size, what).toBe(N);
        if (groupOf[sort]) {
          // Under a search the rows are sorted instead of walked by group: the same order.
          const searched = await all(owner.client, `sort=${sort}&dir=${dir}&q=example.com`, 5);
          expect(
            searched.map((r) => r.id),
            `${what} searched`,
          ).toEqual(whole.map((r) => r.id));
        }
        const sign = dir === 'asc' ? 1 : -1;
        for (let k = 1; k < paged.length; k++) {
          const [a, b] = [paged[k - 1]!, paged[k]!];
          const keyOf = numeric[sort] ?? textual[sort]!;
          const [ka, kb] = [keyOf(a), keyOf(b)];
          const cmp =
            typeof ka === 'number'
              ? kb === ka
                ? 0
                : Math.sign((kb as number) - ka)
              : (ka as string) < (kb as string)
                ? 1
                : ka === kb
                  ? 0
                  : -1;
          // Never against the direction; equal keys are ordered by id in the same direction.
          expect(cmp * sign, `${what} at ${k}`).toBeGreaterThanOrEqual(0);
          if (cmp !== 0) continue;
          const group = groupOf[sort];
          const tie: [string, string][] = group
            ? [
                [group(a), group(b)],
                [a.createdAt, b.createdAt],
                [a.id, b.id],
              ]
            : [[a.id, b.id]];
          const [x, y] = tie.find(([p, q]) => p !== q)!;
          expect(sign * (y > x ? 1 : -1), `${what} tie at ${k}`).toBe(1);
        }
      }
    }
  });

  it('filters by each field, and the total counts what is filtered', async () => {
    const everything = await all(owner.client, '', 200);
    const check = async (query: string, keep: (r: AdminRow) => boolean) => {
      const expected = everything
        .filter(keep)
        .map((r) => r.id)
        .sort();
      expect(expected.length, query).toBeGreaterThan(0);
      expect(expected.length, query).toBeLessThan(N);
      const got = await all(owner.client, query, 5);
      expect(got.map((r) => r.id).sort(), query).toEqual(expected);
      const first = await owner.client.get(`${w()}/admin/conversations?limit=5&${query}`);
      expect(first.body.total, query).toEqual({ count: expected.length, exact: true });
    };
    await check(`teamId=${teamIds.sales}`, (r) => r.team?.id === teamIds.sales);
    await check(`teamId=${teamIds.sales},${teamIds.support}`, (r) => r.team !== null);
    await check(`operatorId=${ann.userId}`, (r) => r.operator?.id === ann.userId);
    await check(`operatorId=${ann2.userId}&sort=operator&dir=desc`, (r) => r.operator?.id === ann2.userId);
    await check(`teamId=${teamIds.support}&sort=team`, (r) => r.team?.id === teamIds.support);
    await check(`status=open&sort=customer`, (r) => r.status === 'open');
    await check(`status=closed&sort=inactivity&dir=asc`, (r) => r.status === 'closed');
    await check(
      `waitingMinutes=60&status=in_progress,open&sort=inactivity`,
      (r) => r.waitingSince !== null && Date.parse(r.waitingSince) < Date.now() - 3600_000,
    );
    expect(
      (await owner.client.get(`${w()}/admin/conversations?status=closed&waitingMinutes=5&sort=inactivity`))
        .body.items,
    ).toEqual([]);
    await check(`tagId=${tagIds.bug}`, (r) => r.tags.some((t) => t.id === tagIds.bug));
    await check(`tagId=${tagIds.vip}`, (r) => r.tags.some((t) => t.id === tagIds.vip));
    // Conversations with both tags are counted once.
    await check(`tagId=${tagIds.vip},${tagIds.bug}`, (r) => r.tags.length > 0);
    await check(
      `tagId=${tagIds.vip}&teamId=${teamIds.sales}`,
      (r) => r.tags.some((t) => t.id === tagIds.vip) && r.team?.id === teamIds.sales,
    );
    await check('channel=whatsapp', (r) => r.channel === 'whatsapp');
    await check('country=ES', (r) => Boolean(r.customer.phone?.startsWith('+34')));
    await check('country=GB', (r) => Boolean(r.customer.phone?.startsWith('+44')));
    await check('status=open', (r) => r.status === 'open');
    await check('status=in_progress', (r) => r.status === 'in_progress');
    await check('status=closed', (r) => r.closedAt !== null);
    await check('status=open,closed', (r) => r.status !== 'in_progress');
    await check('rating=none', (r) => r.rating === null);
    await check('rating=2,3', (r) => r.rating === 2 || r.rating === 3);
    await check(
      'waitingMinutes=60',
      (r) =>
        r.status !== 'closed' &&
        r.waitingSince !== null &&
        Date.parse(r.waitingSince) < Date.now() - 3600_000,
    );
    const from = new Date(now.getTime() - 10 * 3600_000).toISOString();
    const to = new Date(now.getTime() - 5 * 3600_000).toISOString();
    await check(
      `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      (r) => r.createdAt >= from && r.createdAt < to,
    );
    await check(
      `teamId=${teamIds.support}&status=closed`,
      (r) => r.team?.id === teamIds.support && r.status === 'closed',
    );
    // "Team and tag" is counted from the tags alone, which carry a copy of the team: a conversation
    // moved to another team (by any path: the database keeps the copy) is counted in its new team.
    const isVip = (r: AdminRow) => r.tags.some((t) => t.id === tagIds.vip);
    const moved = everything.find((r) => isVip(r) && r.team?.id === teamIds.sales)!;
    const teamOf = (r: AdminRow) => (r.id === moved.id ? teamIds.support : r.team?.id);
    const counted = async (teamId: string) =>
      (await owner.client.get(`${w()}/admin/conversations?limit=5&tagId=${tagIds.vip}&teamId=${teamId}`)).body
        .total;
    const db = server.parley.ctx.db;
    await db.update(conversations).set({ teamId: teamIds.support }).where(eq(conversations.id, moved.id));
    for (const team of [teamIds.sales, teamIds.support]) {
      const expected = everything.filter((r) => isVip(r) && teamOf(r) === team).length;
      expect(await counted(team), team).toEqual({ count: expected, exact: true });
    }
    await db.update(conversations).set({ teamId: teamIds.sales }).where(eq(conversations.id, moved.id));
    expect(await counted(teamIds.sales)).toEqual({
      count: everything.filter((r) => isVip(r) && r.team?.id === teamIds.sales).length,
      exact: true,
    });
    // Sanity of the statuses against the data itself.
    expect(everything.filter((r) => r.status === 'open').every((r) => r.operator === null)).toBe(true);
    expect(everything.filter((r) => r.status === 'in_progress').every((r) => r.operator !== null)).toBe(true);
  });

  it('filters the inbox by tag and reads the rows’ tags in one request', async () => {
    const everything = await all(owner.client, '', 200);
    const tagged = everything.filter((r) => r.tags.some((t) => t.id === tagIds.bug)).map((r) => r.id);
    expect(tagged.length).toBeGreaterThan(0);
    const inbox: string[] = [];
    for (const status of ['open', 'closed']) {
      const res = await owner.client.get(
        `${w()}/conversations?view=all&status=${status}&tagId=${tagIds.bug}&limit=100`,
      );
      expect(res.status).toBe(200);
      inbox.push(...res.body.items.map((c: { id: string }) => c.id));
    }
    expect(inbox.sort()).toEqual([...tagged].sort());
    const batch = await owner.client.get(`${w()}/conversation-tags?ids=${tagged.join(',')}`);
    expect(batch.status).toBe(200);
    for (const id of tagged) expect(batch.body[id].map((t: { id: string }) => t.id)).toContain(tagIds.bug);
    // Ids that are not ids are a 400.
    expect((await owner.client.get(`${w()}/conversation-tags?ids=nope`)).status).toBe(400);
  });

  it('searches name, phone, e-mail and external id through the trigram index', async () => {
    const everything = await all(owner.client, '', 200);
    const search = async (q: string) =>
      (await all(owner.client, `q=${encodeURIComponent(q)}`, 7)).map((r) => r.id).sort();
    expect(await search('carla')).toEqual(
      everything
        .filter((r) => r.customer.name === 'Carla')
        .map((r) => r.id)
        .sort(),
    );
    expect(await search('202 555')).toEqual(
      everything
        .filter((r) => r.customer.phone === '+1 202 555 0143')
        .map((r) => r.id)
        .sort(),
    );
    expect(await search('customer17@')).toEqual(
      everything.filter((r) => r.customer.email === 'customer17@example.com').map((r) => r.id),
    );
    expect(await search('ext-23')).toEqual(
      everything.filter((r) => r.customer.externalId === 'ext-23').map((r) => r.id),
    );
    expect(await search('100%_')).toEqual([]);
    const plan = await server.parley.ctx.db.execute(
      // The index exists on both databases and can serve the search.
      (await import('drizzle-orm'))
        .sql`SELECT indexname FROM pg_indexes WHERE indexname = 'contacts_search_trgm_idx'`,
    );
    expect(plan.rows).toHaveLength(1);
  });

  it("shows an operator without conversations.view_all only their own, their team's and the queue of no team; other workspaces are 404", async () => {
    const mine = await all(ann.client, '', 200);
    const everything = await all(owner.client, '', 200);
    const hers = (r: AdminRow) =>
      r.operator?.id === ann.userId ||
      r.team?.id === teamIds.sales ||
      (r.team === null && r.operator === null);
    const allowed = everything.filter(hers);
    // The fixture has rows of each kind she must not see: another team's, queued or assigned.
    expect(everything.some((r) => r.team?.id === teamIds.support && r.operator === null)).toBe(true);
    expect(everything.some((r) => r.team?.id === teamIds.support && r.operator?.id === bob.userId)).toBe(
      true,
    );
    expect(mine.map((r) => r.id).sort()).toEqual(allowed.map((r) => r.id).sort());
    expect(mine.length).toBeLessThan(N);
    // The group sorts walk only the groups this operator may see, in the owner's order.
    for (const sort of ['operator', 'team', 'customer']) {
      for (const dir of ['asc', 'desc']) {
        const theirs = await all(ann.client, `sort=${sort}&dir=${dir}`, 3);
        const owners = await all(owner.client, `sort=${sort}&dir=${dir}`, 200);
        expect(
          theirs.map((r) => r.id),
          `${sort} ${dir}`,
        ).toEqual(owners.filter(hers).map((r) => r.id));
      }
    }
    expect((await ann.client.get(`${w()}/admin/headline`)).status).toBe(403);
    expect((await ann.client.post(`${w()}/exports`, { format: 'csv' })).status).toBe(403);
    // Tags: operators set them on what they see, only owners and admins manage them.
    expect((await ann.client.post(`${w()}/tags`, { name: 'nope', colour: '#000000' })).status).toBe(403);
    const hidden = everything.find((r) => r.operator?.id === bob.userId)!;
    expect((await ann.client.put(`${w()}/conversations/${hidden.id}/tags`, { tagIds: [] })).status).toBe(404);
    const other = await owner.client.post('/api/workspaces', { name: 'Other' });
    expect(other.status).toBeLessThan(300);
    const otherId = other.body.id ?? other.body.workspace?.id;
    expect((await ann.client.get(`/api/workspaces/${otherId}/admin/conversations`)).status).toBe(404);
    expect((await ann.client.get(`/api/workspaces/${otherId}/tags`)).status).toBe(404);
    // The owner's other workspace lists nothing of this one.
    const theirs = await owner.client.get(`/api/workspaces/${otherId}/admin/conversations`);
    expect(theirs.body.items).toEqual([]);
    expect(
      (await owner.client.put(`/api/workspaces/${otherId}/conversations/${hidden.id}/tags`, { tagIds: [] }))
        .status,
    ).toBe(404);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['cursor=abc', 'cursor'],
      [`cursor=${Buffer.from('["x","y"]').toString('base64url')}`, 'cursor'],
      [
        `sort=duration&cursor=${Buffer.from(JSON.stringify(['1 day; drop', '00000000-0000-4000-8000-000000000000'])).toString('base64url')}`,
        'cursor',
      ],
      ['sort=nope', 'sort'],
      ['country=spain', 'country'],
      ['teamId=x', 'teamId'],
      ['waitingMinutes=0', 'waitingMinutes'],
      ['status=lost', 'status'],
    ] as const) {
      const res = await owner.client.get(`${w()}/admin/conversations?${query}`);
      expect(res.status, query).toBe(400);
      expect(String(res.body.error.field ?? res.body.error.message), query).toContain(field);
    }
  });

  it('agrees with the metrics module: list, headline and export show the same figures', async () => {
    const db = server.parley.ctx.db;
    const rows = await all(owner.client, '', 200);
    const headline = (await owner.client.get(`${w()}/admin/headline`)).body;
    const since = localMidnight(new Date(), 'UTC');
    const { figures } = await computeFigures(db, {
      workspaceId: owner.workspaceId,
      from: since,
      to: new Date(),
    });
    expect(headline.active).toBe(figures.active);
    expect(headline.active).toBe(rows.filter((r) => r.status === 'in_progress').length);
    expect(headline.unassigned).toBe(rows.filter((r) => r.status === 'open').length);
    const closedToday = rows.filter((r) => r.closedAt && Date.parse(r.closedAt) >= since.getTime());
    expect(headline.completedToday).toBe(figures.closed);
    expect(headline.completedToday).toBe(closedToday.length);
    const durations = closedToday.map((r) => r.durationMs!);
    expect(figures.duration.count).toBe(durations.length);
    if (durations.length > 0)
      expect(figures.duration.ms).toBe(Math.round(durations.reduce((a, b) => a + b, 0) / durations.length));
    // Team with the highest load today: assignments since local midnight, counted from the rows.
    const load = new Map<string, number>();
    for (const r of rows) {
      if (r.operator && r.team && Date.parse(r.createdAt) + 20_000 >= since.getTime())
        load.set(r.team.id, (load.get(r.team.id) ?? 0) + 1);
    }
    const top = [...load].sort((a, b) => b[1] - a[1])[0];
    expect(headline.topTeamToday?.assignments ?? 0).toBe(top?.[1] ?? 0);

    // The export: every row of the filter, in the list's order, with the list's figures.
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
      const bytes = Buffer.from(await file.arrayBuffer());
      const table: string[][] = [];
      if (format === 'csv') {
        for (const line of bytes
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .trim()
          .split(/\r?\n/))
          table.push(line.split(','));
      } else {
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(bytes as unknown as ArrayBuffer);
        book.worksheets[0]!.eachRow((row) => {
          table.push(
            (row.values as unknown[])
              .slice(1)
              .map((v) => (v instanceof Date ? v.toISOString() : String(v ?? ''))),
          );
        });
      }
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
    const audits = await db.select().from(auditLog).where(eq(auditLog.action, 'export.created'));
    expect(audits).toHaveLength(2);
  });

  // Last: waking a conversation may assign it again, which the figures above count.
  it('says which conversations are snoozed, in their group (waiting or in progress)', async () => {
    const awake = (await owner.client.get(`${w()}/admin/conversations?status=in_progress&limit=1`)).body
      .items[0];
    expect(awake.snoozed).toBe(false);
    const until = new Date(Date.now() + 3600_000).toISOString();
    expect((await owner.client.post(`${w()}/conversations/${awake.id}/snooze`, { until })).status).toBe(200);
    const asleep = (await owner.client.get(`${w()}/admin/conversations?status=in_progress&limit=200`)).body
      .items;
    expect(asleep.find((r: { id: string }) => r.id === awake.id).snoozed).toBe(true);
    expect((await owner.client.post(`${w()}/conversations/${awake.id}/unsnooze`)).status).toBe(200);
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

/** A CSV (quoted cells, as csv-stringify writes them) or the first sheet of an XLSX, as text cells. */
async function readTable(format: 'csv' | 'xlsx', bytes: Buffer): Promise<string[][]> {
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

async function pollDone(client: Client, url: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await client.get(url);
    if (res.body.status === 'done') return res.body;
    if (res.body.status === 'failed') throw new Error(res.body.error);
    if (Date.now() > deadline) throw new Error(`export not done: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
