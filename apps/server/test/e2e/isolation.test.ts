import { createHmac, randomUUID } from 'node:crypto';
import { closeCodes } from '@parley/contracts';
import { sql } from 'drizzle-orm';
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
} from '../harness.ts';
import type { Operation } from '../openapi.ts';
import {
  buildRequest,
  type Caller,
  callAs,
  type IdField,
  type Ids,
  oneId,
  populate,
  toUrl,
  type World,
} from '../workspace-pair.ts';

/**
 * SPEC §1: "every row of data belongs to exactly one workspace and nothing ever crosses between
 * workspaces". Two workspaces, A and B, each with one of everything the routes take ids of. For every
 * operation of the OpenAPI document, A's owner calls it with A's workspace and B's ids (all of them at
 * once, then each one alone among A's own ids), and with B's workspace: every answer is a 4xx, none
 * shows anything of B, and nothing of B changes. Then A's lists, searches, exports, widget and sockets.
 */

describe('isolation between workspaces', () => {
  let server: TestServer;
  let a: World;
  let b: World;
  /** Someone in both: an operator of B and a supervisor of A, with a mention, an answer and a status in B. */
  let sam: { userId: string; inA: Client; inB: Client };
  let operations: [string, string, Operation][];
  /** Everything that would show B: its distinctive name and every id of its things. */
  let bSecrets: [name: string, secret: string][];

  const call = (who: Caller, method: string, url: string, body?: unknown) =>
    callAs(server, who, method, url, body);

  /** What of B a text shows, if anything (named). */
  const leaksOf = (text: string, sent = '') =>
    bSecrets
      .filter(([, s]) => text.toLowerCase().includes(s.toLowerCase()) && !sent.includes(s))
      .map(([name, s]) => `${name} ${s}`);

  const one = (query: ReturnType<typeof sql>) => oneId(server, query);

  /** What a website computes to vouch for its customer's id: an HMAC with the workspace's widget secret. */
  const identityHash = async (workspaceId: string, id: string) => {
    const secret = await one(sql`SELECT widget_secret AS id FROM workspaces WHERE id = ${workspaceId}`);
    return createHmac('sha256', secret).update(id).digest('hex');
  };

  /** B's rows in every table (B's users too), as counts and hashes: what A's calls must never change. */
  const snapshotOfB = async () => {
    const db = server.parley.ctx.db;
    const { rows: tables } = (await db.execute(
      sql`SELECT table_name AS name FROM information_schema.columns
          WHERE table_schema = 'public' AND column_name = 'workspace_id' ORDER BY table_name`,
    )) as unknown as { rows: { name: string }[] };
    const hash = async (from: ReturnType<typeof sql>) => {
      const { rows } = (await db.execute(
        sql`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${from}`,
      )) as unknown as { rows: { n: number; h: string }[] };
      return `${rows[0]!.n} rows, ${rows[0]!.h}`;
    };
    const state: Record<string, string> = {};
    const ws = b.ids.workspaceId;
    for (const { name } of tables) {
      // Rollups derive from the facts snapshotted here and are folded in the background; subscribers'
      // cursors are bookkeeping made lazily (B's event sequence, in its workspace row, counts its events).
      if (name.startsWith('metric_') || name === 'subscriber_cursors') continue;
      state[name] = await hash(sql`(SELECT * FROM ${sql.identifier(name)} WHERE workspace_id = ${ws}) t`);
    }
    state.workspace = await hash(sql`(SELECT * FROM workspaces WHERE id = ${ws}) t`);
    state.users = await hash(
      sql`(SELECT u.* FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.workspace_id = ${ws}) t`,
    );
    return state;
  };

  beforeAll(async () => {
    server = await startTestServer();
    const ownerA = await setupOwner(server.url);
    // B: made by A's owner, handed to its own owner, left by A's owner; named only once A is gone.
    const made = await ownerA.client.post('/api/workspaces', { name: 'Second' });
    const bob = await addMember(
      { ...ownerA, workspaceId: made.body.id },
      { email: 'bob@borealis.example', role: 'owner', name: 'Olivia Owner' },
    );
    const ownerB: Owner = { client: bob.client, workspaceId: made.body.id, userId: bob.userId };
    expect(
      (await bob.client.delete(`/api/workspaces/${ownerB.workspaceId}/members/${ownerA.userId}`)).status,
    ).toBe(204);
    expect(
      (await bob.client.patch(`/api/workspaces/${ownerB.workspaceId}`, { name: 'Borealis' })).status,
    ).toBe(200);
    await ownerA.client.put('/api/auth/session/workspace', { workspaceId: ownerA.workspaceId });
    a = await populate(server, 'Acme', ownerA);
    b = await populate(server, 'Borealis', ownerB);
    const samInB = await addMember(ownerB, {
      email: 'sam@shared.example',
      role: 'operator',
      name: 'Sam Shared',
    });
    const samInA = await addMember(ownerA, {
      email: 'sam@shared.example',
      role: 'supervisor',
      name: 'Sam Shared',
    });
    sam = { userId: samInB.userId, inA: samInA.client, inB: samInB.client };
    const bw = `/api/workspaces/${ownerB.workspaceId}`;
    // In B's team, so that B's conversation is theirs to see (and a note can mention them).
    const inTeam = [ownerB.userId, b.ids.operatorId, sam.userId];
    expect((await bob.client.put(`${bw}/teams/${b.ids.teamId}/members`, { userIds: inTeam })).status).toBe(
      200,
    );
    expect(
      (
        await bob.client.post(`${bw}/conversations/${b.ids.conversationId}/messages`, {
          clientId: 'borealis-client-sam1',
          text: '@Sam Shared Borealis note for Sam',
          private: true,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await samInB.client.post(`${bw}/canned-answers`, {
          scope: 'personal',
          shortcut: 'borealis-sam',
          title: 'Borealis Sam answer',
          text: 'Borealis Sam answer',
        })
      ).status,
    ).toBe(201);
    expect((await samInB.client.put(`${bw}/me/status`, { status: `custom:${b.ids.statusId}` })).status).toBe(
      200,
    );
    // A customer B knows by the id 'customer-42', verified by B's widget secret, writes to B.
    const known = {
      token: JSON.parse(
        (await call(null, 'POST', '/api/widget/sessions', { workspaceKey: b.ids.widgetKey })).text,
      ).token as string,
    };
    const identified = await call(known, 'POST', '/api/widget/identify', {
      id: 'customer-42',
      name: 'Borealis Customer 42',
      hash: await identityHash(ownerB.workspaceId, 'customer-42'),
    });
    expect(identified.status, identified.text).toBe(204);
    const wrote = await call(known, 'POST', '/api/widget/messages', {
      clientId: 'borealis-client-42',
      text: 'Borealis customer 42 question',
    });
    expect(wrote.status).toBe(200);
    bSecrets = [['name', 'borealis'], ...Object.entries(b.ids).filter(([key]) => key !== 'attachmentUrl')];
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    operations = Object.entries(doc.paths).flatMap(([route, ops]) =>
      Object.entries(ops).map(
        ([method, op]) => [method.toUpperCase(), route, op] as [string, string, Operation],
      ),
    );
    await server.parley.jobs.drain();
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  /** Who calls a route as A: A's owner, or on the widget's routes A's visitor. */
  const asA = (route: string) =>
    route.startsWith('/api/widget/') ? { token: a.visitorToken } : a.owner.client;

  /**
   * Routes whose ids are not B's to guard: an invitation's token is the invitation (whoever holds the
   * link may read and accept it), and a widget session is opened with a workspace's public widget key.
   */
  const bearerRoutes = new Set([
    '/api/invites/{token}',
    '/api/invites/{token}/accept',
    '/api/widget/sessions',
  ]);
  /** Routes without any id that would end A's session or change A's login: not B's business. */
  const sessionRoutes = new Set(['/api/auth/logout', '/api/auth/password', '/api/setup']);

  /** A 2xx that shows nothing of B, or a 4xx: never a 5xx. */
  /** `label` holds the request: an id it sent may come back (as in a refusal per item), nothing else. */
  const expectNoLeak = (label: string, res: { status: number; text: string }) => {
    expect.soft(res.status, `${label} → ${res.status} ${res.text}`).toBeLessThan(500);
    expect.soft(res.status, `${label} was rate limited, so not tested`).not.toBe(429);
    if (res.status < 300)
      expect.soft(leaksOf(res.text, label), `${label} → ${res.status} ${res.text}`).toEqual([]);
  };
  const expectRefused = (label: string, res: { status: number; text: string }, statuses = [403, 404]) => {
    expectNoLeak(label, res);
    expect.soft(statuses, `${label} → ${res.status} ${res.text}`).toContain(res.status);
  };

  it("shows nothing of B in A's lists, searches and exports, which do show A's own", async () => {
    const c = a.owner.client;
    const w = `/api/workspaces/${a.ids.workspaceId}`;
    const texts: [string, string][] = [];
    const read = async (url: string) => {
      const res = await call(c, 'GET', url);
      expect(res.status, `${url} → ${res.text}`).toBe(200);
      texts.push([url, res.text]);
      return res.text.startsWith('{') || res.text.startsWith('[') ? JSON.parse(res.text) : res.text;
    };
    const file = async (url: string) => {
      const res = await fetch(server.url + url, { headers: { cookie: c.cookie } });
      expect(res.status, url).toBe(200);
      const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
      texts.push([url, text]);
      return text;
    };
    // Searches for B's names find nothing; the same searches for A's names find A's rows.
    for (const [q, found] of [
      ['Borealis', false],
      ['borealis.example', false],
      ['Acme', true],
    ] as const) {
      const inbox = await read(`${w}/conversations?view=all&q=${encodeURIComponent(q)}`);
      expect(inbox.items.length > 0, `inbox q=${q}`).toBe(found);
      const admin = await read(`${w}/admin/conversations?q=${encodeURIComponent(q)}`);
      expect(admin.items.length > 0, `admin q=${q}`).toBe(found);
      const operators = await read(
        `${w}/operators/overview?q=${encodeURIComponent(q.replace('Acme', 'Opal'))}`,
      );
      expect(JSON.stringify(operators).includes(a.ids.operatorId), `operators q=${q}`).toBe(found);
    }
    // Every list A's people read, whole.
    const lists = [
      '/api/auth/session',
      w,
      `${w}/members`,
      `${w}/invites`,
      `${w}/teams`,
      `${w}/statuses`,
      `${w}/tags`,
      `${w}/surveys`,
      `${w}/canned-answers`,
      `${w}/operators`,
      `${w}/operators/overview`,
      `${w}/queue`,
      `${w}/monitored`,
      `${w}/inbox`,
      `${w}/exports`,
      `${w}/audit-log?limit=200`,
      `${w}/connection-history`,
      `${w}/operators/${a.ids.ownerId}/connections`,
      `${w}/operators/${a.ids.operatorId}/detail?period=today`,
      `${w}/operators/${a.ids.ownerId}/conversations?period=today`,
      `${w}/admin/conversations?limit=200`,
      `${w}/admin/headline`,
      `${w}/conversations?view=all&limit=100`,
      `${w}/conversations?view=all&status=closed`,
      `${w}/monitoring/conversations?period=today&metric=total`,
      `${w}/monitoring/cases?kind=current`,
      `${w}/monitoring/cases?kind=queued`,
      `${w}/monitoring/cases?kind=recover`,
      `${w}/conversations/${a.ids.conversationId}/messages`,
      `${w}/conversations/${a.ids.conversationId}/files`,
      `${w}/conversations/${a.ids.conversationId}/transfer-targets`,
      `${w}/conversations/${a.ids.conversationId}/transcript`,
      `${w}/surveys/${a.ids.surveyId}/responses`,
    ];
    for (const url of lists) await read(url);
    // A cursor is a position in A's own rows: one naming B's conversation pages A's, from that instant.
    const cursor = encodeURIComponent(
      `${new Date(Date.now() + 60_000).toISOString()}_${b.ids.conversationId}`,
    );
    for (const list of [
      `${w}/conversations?view=all&`,
      `${w}/monitoring/conversations?period=today&metric=total&`,
      `${w}/audit-log?`,
      `${w}/operators/${a.ids.ownerId}/connections?`,
    ])
      await read(`${list}cursor=${cursor}`);
    // The figures count A's two conversations, not B's too.
    const metrics = await read(`${w}/metrics?period=today`);
    expect(JSON.stringify(metrics)).toMatch(/"total":2\b/);
    expect((await read(`${w}/admin/conversations`)).items).toHaveLength(2);
    // Exports: A's conversations, operators, audit log and connection history.
    const exported = async (filters: object) => {
      const made = await c.post(`${w}/exports`, { format: 'csv', filters });
      expect(made.status, JSON.stringify(made.body)).toBeLessThan(300);
      await waitFor(async () => (await c.get(`${w}/exports/${made.body.id}`)).body.status === 'done', 30_000);
      return file(`${w}/exports/${made.body.id}/file`);
    };
    expect(await exported({})).toContain('Acme Visitor');
    expect(await file(`${w}/operators/export?format=csv`)).toContain('Opal Acme');
    await file(`${w}/operators/export?format=xlsx`);
    expect(await file(`${w}/audit-log/export?format=csv`)).toContain('Acme');
    await file(`${w}/operators/${a.ids.ownerId}/connections/export?format=csv`);
    for (const [url, text] of texts) {
      expect.soft(leaksOf(text), `${url}: ${text.slice(0, 2000)}`).toEqual([]);
    }
    // Filtered by B's names or things (last: A's audit log keeps the filters it was given): the header
    // row alone.
    for (const filters of [{ q: 'Borealis' }, { teamId: b.ids.teamId }, { operatorId: b.ids.ownerId }])
      expect((await exported(filters)).trim().split('\n'), JSON.stringify(filters)).toHaveLength(1);
  }, 60_000);

  it("keeps A's visitors out of B: another workspace's browser id, swapped tokens, file links", async () => {
    const widget = (token: string, method: string, url: string, body?: unknown) =>
      call({ token }, method, url, body);
    // A browser that also chats on B's site opens A's widget with the same browser id: a visitor of A.
    const session = await call(null, 'POST', '/api/widget/sessions', {
      workspaceKey: a.ids.widgetKey,
      visitorId: b.browserId,
    });
    expect(session.status).toBe(200);
    // (It says back the browser id it was given.)
    expect(leaksOf(session.text.replace(b.browserId, ''))).toEqual([]);
    expect(JSON.parse(session.text).conversation).toBeNull();
    const token = JSON.parse(session.text).token as string;
    for (const url of ['/api/widget/messages', '/api/widget/pending', '/api/widget/queue']) {
      const res = await widget(token, 'GET', url);
      expect(res.status, url).toBeLessThan(500);
      expect(leaksOf(res.text), url).toEqual([]);
    }
    // A's customer with the same id as B's: A's own contact, nothing of B's. B's vouching is no good in A.
    const forged = await widget(token, 'POST', '/api/widget/identify', {
      id: 'customer-42',
      hash: await identityHash(b.ids.workspaceId, 'customer-42'),
    });
    expect(forged.status, forged.text).toBeGreaterThanOrEqual(400);
    expect(forged.status, forged.text).toBeLessThan(500);
    const same = await widget(token, 'POST', '/api/widget/identify', {
      id: 'customer-42',
      name: 'Acme Customer 42',
      hash: await identityHash(a.ids.workspaceId, 'customer-42'),
    });
    expect(same.status, same.text).toBe(204);
    for (const url of ['/api/widget/messages', '/api/widget/pending']) {
      const res = await widget(token, 'GET', url);
      expect(res.status, url).toBe(200);
      expect(leaksOf(res.text), url).toEqual([]);
    }
    const again = await call(null, 'POST', '/api/widget/sessions', {
      workspaceKey: a.ids.widgetKey,
      visitorId: b.browserId,
    });
    expect(leaksOf(again.text.replace(b.browserId, ''))).toEqual([]);
    // A visitor token names its workspace and visitor under a signature: neither can be swapped.
    const [prefix, , aVisitor, aSig] = a.visitorToken.split('.');
    const [, bWorkspace, bVisitor, bSig] = b.visitorToken.split('.');
    for (const forged of [
      [prefix, bWorkspace, aVisitor, aSig],
      [prefix, a.ids.workspaceId, bVisitor, aSig],
      [prefix, bWorkspace, bVisitor, aSig],
      [prefix, a.ids.workspaceId, aVisitor, bSig],
    ]) {
      const res = await widget(forged.join('.'), 'GET', '/api/widget/messages');
      expect(res.status, forged.join('.')).toBe(401);
    }
    // A file link is signed for its one file: it is the capability (an <img> opens it without a
    // session), and no part of it can be moved to another file.
    const link = (url: string) => fetch(server.url + url);
    expect((await link(a.ids.attachmentUrl)).status).toBe(200);
    expect((await link(b.ids.attachmentUrl)).status).toBe(200);
    const swapped = a.ids.attachmentUrl.replace(a.ids.attachmentId, b.ids.attachmentId);
    expect((await link(swapped)).status).toBe(404);
    const bExp = new URL(b.ids.attachmentUrl, server.url).searchParams.get('exp')!;
    const aSigOf = new URL(a.ids.attachmentUrl, server.url).searchParams.get('sig')!;
    const bSigOf = new URL(b.ids.attachmentUrl, server.url).searchParams.get('sig')!;
    expect((await link(b.ids.attachmentUrl.replace(bSigOf, aSigOf))).status).toBe(404);
    expect(
      (await link(b.ids.attachmentUrl.replace(`exp=${bExp}`, `exp=${Number(bExp) + 3600}`))).status,
    ).toBe(404);
    expect(
      (await link(`/api/files/${b.ids.visitorAttachmentId}/photo.png?exp=${bExp}&sig=${bSigOf}`)).status,
    ).toBe(404);
  });

  it('shows someone in both workspaces, in A, nothing of what they have in B', async () => {
    const w = `/api/workspaces/${a.ids.workspaceId}`;
    await server.parley.jobs.drain();
    for (const url of [
      `${w}/inbox`,
      `${w}/inbox/unread`,
      `${w}/canned-answers`,
      `${w}/monitored`,
      `${w}/members/${sam.userId}`,
      `${w}/operators/overview`,
      `${w}/operators/${sam.userId}/detail?period=today`,
      `${w}/operators/${sam.userId}/status-time?from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date().toISOString())}`,
      `${w}/operators/${sam.userId}/connections`,
      `${w}/conversations?view=all`,
    ]) {
      const res = await call(sam.inA, 'GET', url);
      expect(res.status, `${url} → ${res.text}`).toBe(200);
      expect.soft(leaksOf(res.text), `${url} → ${res.text}`).toEqual([]);
    }
    expect(JSON.parse((await call(sam.inA, 'GET', `${w}/inbox/unread`)).text)).toMatchObject({ unread: 0 });
    // A's owner impersonating them (in A) acts in A only: B is neither listed, nor open, nor heard.
    const acting = new Client(server.url);
    acting.cookie = a.owner.client.cookie;
    acting.csrf = a.owner.client.csrf;
    const started = await acting.post(`${w}/operators/${sam.userId}/impersonation`);
    expect(started.status, JSON.stringify(started.body)).toBeLessThan(300);
    try {
      const session = await call(acting, 'GET', '/api/auth/session');
      expect(session.status).toBe(200);
      expect(leaksOf(session.text)).toEqual([]);
      expect(JSON.parse(session.text).impersonation).not.toBeNull();
      for (const url of [
        `/api/workspaces/${b.ids.workspaceId}`,
        `/api/workspaces/${b.ids.workspaceId}/inbox`,
        `/api/workspaces/${b.ids.workspaceId}/conversations/${b.ids.conversationId}`,
      ])
        expectRefused(`impersonating: GET ${url}`, await call(acting, 'GET', url), [404]);
      const switched = await call(acting, 'PUT', '/api/auth/session/workspace', {
        workspaceId: b.ids.workspaceId,
      });
      expectRefused('impersonating: switch to B', switched, [403, 404]);
      const socket = await openSocket(
        server.url,
        `/api/realtime?workspaceId=${b.ids.workspaceId}`,
        acting.cookie,
      );
      expect((await socket.closed).code).toBe(closeCodes.notFound);
    } finally {
      expect((await acting.delete(`${w}/impersonation`)).status).toBeLessThan(300);
    }
    // In B, the same person has them (so the lines above could fail).
    const inB = await call(sam.inB, 'GET', `/api/workspaces/${b.ids.workspaceId}/inbox`);
    expect(inB.text).toContain('Borealis note for Sam');
    expect(
      (await call(sam.inB, 'GET', `/api/workspaces/${b.ids.workspaceId}/canned-answers`)).text,
    ).toContain('Borealis Sam answer');
  });

  it("refuses B's ids in every route of A's workspace, alone or all together, and changes nothing of B", async () => {
    const before = await snapshotOfB();
    const cases: (() => Promise<void>)[] = [];
    const counts = { allOfB: 0, oneOfB: 0, noIds: 0 };
    for (const [method, route, op] of operations) {
      if (bearerRoutes.has(route) || sessionRoutes.has(route)) continue;
      const who = asA(route);
      // Every id B's (the workspace in the path stays A's).
      const allOfB = (f: IdField) => (f.path[0] === 'workspaceId' && f.where === 'path' ? a.ids : b.ids);
      const all = buildRequest(route, op, allOfB);
      if (all.idFields.length === 0) {
        // Nothing of B to name: a read must still show nothing of B (a write is A's own business).
        if (method !== 'GET') continue;
        counts.noIds++;
        cases.push(async () => {
          const url = toUrl(route, all.path, all.query);
          expectNoLeak(`${method} ${url}`, await call(who, method, url, all.body));
        });
        continue;
      }
      const check = (pick: (f: IdField) => Ids, what: string) => async () => {
        const req = buildRequest(route, op, pick);
        const ofB = req.idFields.filter((f) => pick(f) === b.ids);
        const url = toUrl(route, req.path, req.query);
        const res = await call(who, method, url, req.body);
        const label = `${method} ${url} (${what}) ${JSON.stringify(req.body) ?? ''}`;
        // B's ids are answered as ids of nothing are: another workspace looks exactly like a missing one.
        const nothing = Object.fromEntries(
          Object.keys(b.ids).map((key) => [key, randomUUID()]),
        ) as unknown as Ids;
        const twin = buildRequest(route, op, (f) => (pick(f) === b.ids ? nothing : a.ids));
        const missing = await call(who, method, toUrl(route, twin.path, twin.query), twin.body);
        const codeOf = (r: { status: number; text: string }) =>
          r.status < 300
            ? r.status
            : `${r.status} ${JSON.parse(r.text).error?.code} ${JSON.parse(r.text).error?.field}`;
        expect
          .soft(codeOf(res), `${label}: answered unlike ids of nothing (${missing.text})`)
          .toBe(codeOf(missing));
        // A filter naming another workspace's thing matches nothing (a list, or an export of one, is
        // empty); everything else is refused.
        const onlyFilters = ofB.every((f) =>
          method === 'GET' ? f.where === 'query' : f.where === 'body' && f.path[0] === 'filters',
        );
        if (onlyFilters) expectNoLeak(label, res);
        else if (
          route.endsWith('/operators/{userId}/transfer') &&
          ofB.every((f) => f.path[0] === 'conversationIds') &&
          res.status === 200
        ) {
          // Each conversation answers for itself (B's: not theirs): none of them moved. A target of B
          // is refused for all of them at once.
          expectNoLeak(label, res);
          expect
            .soft(JSON.parse(res.text).results, label)
            .not.toContainEqual(expect.objectContaining({ ok: true }));
        } else {
          expectRefused(label, res, [400, 403, 404, 409]);
          // A 400 must be about the ids (that they do not go together), not about a sample value that
          // hid the check.
          if (res.status === 400) {
            const field = JSON.parse(res.text).error.field as string | undefined;
            const named = req.idFields.map((f) => f.path.join('.'));
            expect
              .soft(
                named.some((n) => field?.startsWith(n)),
                `${label} → 400 ${res.text}`,
              )
              .toBe(true);
          }
        }
      };
      counts.allOfB++;
      cases.push(check(allOfB, 'all ids of B'));
      // Each id of B alone among A's own: the check of that one id is what answers.
      for (const field of all.idFields) {
        const key = `${field.where}:${field.path.join('.')}`;
        counts.oneOfB++;
        cases.push(check((f) => (`${f.where}:${f.path.join('.')}` === key ? b.ids : a.ids), `${key} of B`));
      }
    }
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await next();
      }),
    );
    // Moving all of someone's open conversations (they have none) to B's team or person: refused too.
    const move = `/api/workspaces/${a.ids.workspaceId}/operators/${a.ids.operatorId}/transfer`;
    for (const body of [{ toTeamId: b.ids.teamId }, { toUserId: b.ids.operatorId }])
      expectRefused(
        `POST ${move} ${JSON.stringify(body)}`,
        await call(a.owner.client, 'POST', move, body),
        [400, 404],
      );
    console.info('isolation: A with B ids', counts);
    expect(counts.allOfB).toBeGreaterThan(60);
    await server.parley.jobs.drain();
    expect(await snapshotOfB()).toEqual(before);
  }, 60_000);

  it("answers 404 to A's owner for every route of B's workspace, and changes nothing of B", async () => {
    const before = await snapshotOfB();
    let n = 0;
    const cases = operations
      .filter(([, route]) => route.startsWith('/api/workspaces/{workspaceId}'))
      .map(([method, route, op]) => async () => {
        const req = buildRequest(route, op, () => b.ids);
        const url = toUrl(route, req.path, req.query);
        n++;
        const res = await call(a.owner.client, method, url, req.body);
        expectRefused(`${method} ${url} ${JSON.stringify(req.body) ?? ''}`, res, [404]);
      });
    cases.push(async () => {
      const res = await call(a.owner.client, 'PUT', '/api/auth/session/workspace', {
        workspaceId: b.ids.workspaceId,
      });
      expectRefused('PUT /api/auth/session/workspace B', res, [404]);
    });
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await next();
      }),
    );
    console.info('isolation: B workspace routes', n);
    expect(n).toBeGreaterThan(100);
    await server.parley.jobs.drain();
    expect(await snapshotOfB()).toEqual(before);
  }, 60_000);

  it("sends A's sockets nothing of B, and B's nothing of A, and refuses A's owner B's feed", async () => {
    const realtime = (q: string, cookie?: string) => openSocket(server.url, `/api/realtime?${q}`, cookie);
    // A's owner cannot open B's feed.
    const intruder = await realtime(`workspaceId=${b.ids.workspaceId}`, a.owner.client.cookie);
    expect((await intruder.closed).code).toBe(closeCodes.notFound);
    // A's sockets replay A's whole history and then listen; so do B's.
    const aOwner = await realtime(`workspaceId=${a.ids.workspaceId}&after=0`, a.owner.client.cookie);
    const aOperator = await realtime(`workspaceId=${a.ids.workspaceId}&after=0`, a.operator.client.cookie);
    const aVisitor = await realtime(`visitorToken=${encodeURIComponent(a.visitorToken)}&after=0`);
    const bOwner = await realtime(`workspaceId=${b.ids.workspaceId}&after=0`, b.owner.client.cookie);
    const bVisitor = await realtime(`visitorToken=${encodeURIComponent(b.visitorToken)}&after=0`);
    const aSam = await realtime(`workspaceId=${a.ids.workspaceId}&after=0`, sam.inA.cookie);
    const bSam = await realtime(`workspaceId=${b.ids.workspaceId}&after=0`, sam.inB.cookie);
    const sockets = { aOwner, aOperator, aVisitor, aSam, bOwner, bVisitor, bSam };
    for (const [name, s] of Object.entries(sockets))
      expect(
        s.messages.some((m) => m.type === 'ready'),
        `${name} ready`,
      ).toBe(true);
    // Typing into the other workspace's conversation is refused.
    for (const s of [aOwner, aVisitor]) {
      s.ws.send(JSON.stringify({ type: 'typing', conversationId: b.ids.conversationId, typing: true }));
      await waitFor(() => s.messages.some((m) => m.type === 'error' && m.code === 'not_found'));
    }
    // B lives: its visitor writes, its owner answers, tags, marks, asks for help, closes, reopens; its
    // settings move. A types into its own conversation meanwhile.
    const bw = `/api/workspaces/${b.ids.workspaceId}`;
    const bc = b.owner.client;
    const bConv = b.ids.conversationId;
    aOwner.ws.send(JSON.stringify({ type: 'typing', conversationId: a.ids.conversationId, typing: true }));
    bOwner.ws.send(JSON.stringify({ type: 'typing', conversationId: bConv, typing: true }));
    const said = await call({ token: b.visitorToken }, 'POST', '/api/widget/messages', {
      clientId: 'borealis-client-live1',
      text: 'Borealis live question',
    });
    expect(said.status).toBe(200);
    const steps = [
      () =>
        bc.post(`${bw}/conversations/${bConv}/messages`, {
          clientId: 'borealis-client-live2',
          text: 'Borealis live answer',
        }),
      () =>
        bc.post(`${bw}/conversations/${bConv}/messages`, {
          clientId: 'borealis-client-live3',
          text: '@Sam Shared Borealis live note',
          private: true,
        }),
      () => bc.put(`${bw}/conversations/${bConv}/tags`, { tagIds: [] }),
      () => bc.patch(`${bw}/conversations/${bConv}/marks`, { priority: 'high' }),
      () => bc.post(`${bw}/conversations/${bConv}/help-requests`, { message: 'Borealis live help' }),
      () => bc.patch(`${bw}/tags/${b.ids.tagId}`, { name: 'Borealis Tag 2' }),
      () => bc.patch(`${bw}/teams/${b.ids.teamId}`, { name: 'Borealis Team 2' }),
      () => bc.put(`${bw}/me/status`, { status: `custom:${b.ids.statusId}` }),
      () => bc.post(`${bw}/conversations/${bConv}/close`),
      () => bc.post(`${bw}/conversations/${bConv}/reopen`),
    ];
    for (const step of steps) expect((await step()).status).toBeLessThan(300);
    // Once B's owner has heard the last of it, A's sentinel: when A's sockets have it, they have had
    // every chance to get B's events too.
    await waitFor(() =>
      bOwner.messages.some(
        (m) =>
          m.type === 'event' &&
          m.event.name === 'conversation.updated' &&
          m.event.payload.change === 'reopened',
      ),
    );
    const sentinel = await call({ token: a.visitorToken }, 'POST', '/api/widget/messages', {
      clientId: 'acme-client-sentinel',
      text: 'Acme sentinel',
    });
    expect(sentinel.status).toBe(200);
    for (const s of [aOwner, aOperator, aVisitor, aSam])
      await waitFor(() => s.messages.some((m) => JSON.stringify(m).includes('Acme sentinel')));
    expect(bVisitor.messages.some((m) => JSON.stringify(m).includes('Borealis live answer'))).toBe(true);
    await waitFor(() => bSam.messages.some((m) => JSON.stringify(m).includes('Borealis live note')));
    const aSecrets = ['acme', ...Object.values(a.ids).filter((id) => !id.startsWith('/'))];
    for (const [name, s] of Object.entries(sockets)) {
      const text = JSON.stringify(s.messages);
      const leaks = name.startsWith('a')
        ? leaksOf(text)
        : aSecrets.filter((secret) => text.toLowerCase().includes(secret.toLowerCase()));
      expect.soft(leaks, `${name} heard of the other workspace`).toEqual([]);
    }
    for (const s of Object.values(sockets)) s.ws.close();
  }, 60_000);
});
