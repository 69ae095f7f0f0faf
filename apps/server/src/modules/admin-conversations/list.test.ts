import { type AdminRow, adminSorts } from '@parley/contracts';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminFixture, allRows, N, seedAdminWorkspace } from '../../../test/admin-fixture.ts';
import type { Client, Owner, TestServer } from '../../../test/harness.ts';
import { conversations } from '../../platform/db/schema.ts';
import { computeFigures } from '../metrics/figures.ts';
import { localMidnight } from '../metrics/period.ts';

/**
 * The administrator's list on a fixture of 30 conversations (test/admin-fixture.ts): every filter,
 * every sort both ways across pages with ties, the capped count, permissions, the headline. Its
 * exports: exports.test.ts.
 */
describe('administrator conversations view', { timeout: 120_000 }, () => {
  let f: AdminFixture;
  let server: TestServer;
  let owner: Owner;
  let ann: AdminFixture['ann'];
  let bob: AdminFixture['bob'];
  let ann2: AdminFixture['ann2'];
  let teamIds: AdminFixture['teamIds'];
  let tagIds: AdminFixture['tagIds'];
  let now: Date;
  const w = () => f.w;
  const all = (client: Client, query: string, limit?: number) => allRows(f, client, query, limit);

  beforeAll(async () => {
    f = await seedAdminWorkspace();
    ({ server, owner, ann, bob, ann2, teamIds, tagIds, now } = f);
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

  it('agrees with the metrics module: the list and the headline show the same figures', async () => {
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
});
