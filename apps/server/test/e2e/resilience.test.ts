import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/client.ts';
import { isDatabaseUnavailable } from '../../src/platform/db/errors.ts';
import { transaction } from '../../src/platform/db/tx.ts';
import {
  Client,
  cuttableProxy,
  type Owner,
  openSocket,
  setupOwner,
  startNode,
  stopNode,
  waitFor,
} from '../harness.ts';
import {
  hasPostgresBinaries,
  hasRedisServer,
  type OwnPostgres,
  type OwnRedis,
  startOwnPostgres,
  startOwnRedis,
} from '../own-services.ts';
import type { ServerProcess } from '../server-process.ts';

/**
 * What production does to an installation: the database restarts, Redis goes away and comes back.
 * The PostgreSQL and Redis here belong to this test (own ports, own data directory): never the
 * machine's shared ones. Two server processes share them, as two nodes would.
 */
describe.runIf(hasPostgresBinaries && hasRedisServer)('outages of PostgreSQL and Redis', () => {
  let db: OwnPostgres;
  let redis: OwnRedis;
  let nodes: ServerProcess[] = [];
  let owner: Owner;
  let workspaceKey: string;

  beforeAll(async () => {
    [db, redis] = await Promise.all([startOwnPostgres(), startOwnRedis()]);
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      PG_POOL_SIZE: '6',
      WIDGET_MESSAGE_RATE_LIMIT: '100000',
      WIDGET_SESSION_RATE_LIMIT: '100000',
      LOGIN_RATE_LIMIT: '100000',
    };
    // Both run the migrations, one after the other under an advisory lock.
    nodes = await Promise.all([startNode(env), startNode(env)]);
    owner = await setupOwner(nodes[0]!.url);
    workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(nodes.map((node) => stopNode(node)));
    await Promise.all([db?.stop(), redis?.stop()]);
  }, 60_000);

  const alive = () => nodes.every((node) => node.child.exitCode === null && node.child.signalCode === null);

  const startVisitor = async (base: string) => {
    const res = await fetch(`${base}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        workspaceKey,
        page: { url: 'https://shop.example/', title: 'Shop', referrer: '' },
      }),
    });
    const { token } = (await res.json()) as { token: string };
    let n = 0;
    return (text: string, url = base) =>
      fetch(`${url}/api/widget/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: `m-${token.slice(-10)}-${n++}`, text }),
      });
  };

  it('survives the database closing a connection checked out for a transaction', async () => {
    // node-postgres gives a checked-out connection no 'error' listener: without ours, the error
    // PostgreSQL sends when it terminates the backend would be an unhandled 'error' event.
    const database = await openDatabase({ url: db.url, dataDir: '' });
    try {
      const pool = (database.db as unknown as { $client: pg.Pool }).$client;
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await client.query('BEGIN');
      const ended = new Promise((resolve) => client.once('end', resolve));
      await database.db.execute(sql`SELECT pg_terminate_backend(${rows[0]!.pid})`);
      await ended;
      const failed = await client.query('SELECT 1').then(
        () => null,
        (err: unknown) => err,
      );
      expect(failed).toBeInstanceOf(Error);
      client.release();
      // The same through a transaction, and the pool carries on with a new connection.
      const inTx = await transaction(database.db, async (tx) => {
        const [row] = (await tx.db.execute<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`)).rows;
        await database.db.execute(sql`SELECT pg_terminate_backend(${row!.pid})`);
        await tx.db.execute(sql`SELECT 1`);
      }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(isDatabaseUnavailable(inTx)).toBe(true);
      expect((await database.db.execute(sql`SELECT 1 AS one`)).rows).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  });

  it('keeps running through PostgreSQL restarts: 503 with Retry-After meanwhile, never 500', async () => {
    const senders = await Promise.all(nodes.map((node) => startVisitor(node.url)));
    const operator = new Client(nodes[1]!.url);
    operator.cookie = owner.client.cookie;
    const statuses = new Map<number, number>();
    const wrong: string[] = [];
    let ok = 0;
    let stop = false;
    const record = async (res: Promise<Response>) => {
      try {
        const r = await res;
        const body = await r.text();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 200) ok++;
        else if (r.status !== 503) wrong.push(`${r.status} ${body}`);
        else if (!r.headers.get('retry-after') || JSON.parse(body).error.code !== 'unavailable')
          wrong.push(`503 without a retry hint: ${body}`);
      } catch (err) {
        wrong.push(`no answer: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    const loops = [
      ...senders.map(async (send, i) => {
        for (let n = 0; !stop; n++) await record(send(`message ${i}.${n}`));
      }),
      (async () => {
        while (!stop) {
          await record(
            fetch(`${nodes[1]!.url}/api/workspaces/${owner.workspaceId}/conversations`, {
              headers: { cookie: operator.cookie },
            }),
          );
        }
      })(),
    ];
    try {
      for (let restart = 0; restart < 3; restart++) {
        const before = ok;
        await waitFor(() => ok >= before + 10 || wrong.length > 0, 30_000);
        await db.restart();
      }
      const before = ok;
      await waitFor(() => ok >= before + 10 || wrong.length > 0, 30_000);
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    expect(wrong).toEqual([]);
    expect(alive()).toBe(true);
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200]));
    // Realtime works again on both nodes.
    for (const node of nodes) {
      const s = await openSocket(
        node.url,
        `/api/realtime?workspaceId=${owner.workspaceId}`,
        owner.client.cookie,
      );
      await waitFor(() => s.messages.find((m) => m.type === 'ready'), 10_000);
      s.ws.close();
    }
  }, 120_000);

  it('answers 503 within seconds when the network to PostgreSQL freezes, and recovers when it thaws', async () => {
    const pgUrl = new URL(db.url);
    const line = await cuttableProxy(`http://${pgUrl.host}`);
    pgUrl.host = line.address;
    const node = await startNode({
      DATABASE_URL: pgUrl.toString(),
      REDIS_URL: redis.url,
      PG_POOL_SIZE: '4',
      PG_QUERY_TIMEOUT_MS: '2000',
    });
    try {
      const list = () =>
        fetch(`${node.url}/api/workspaces/${owner.workspaceId}/conversations`, {
          headers: { cookie: owner.client.cookie },
          signal: AbortSignal.timeout(25_000),
        });
      expect((await list()).status).toBe(200);
      line.freeze();
      // Packets go nowhere, no connection closes: without a query timeout this waited for the thaw.
      const started = Date.now();
      const frozen = await list();
      expect(frozen.status).toBe(503);
      expect(frozen.headers.get('retry-after')).toBeTruthy();
      expect(Date.now() - started).toBeLessThan(20_000);
      expect((await fetch(`${node.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
      line.thaw();
      await waitFor(async () => (await list()).status === 200, 40_000);
      expect(node.child.exitCode).toBeNull();
    } finally {
      line.thaw();
      await stopNode(node);
      await line.close();
    }
  }, 120_000);

  it('turns a Redis outage into no 5xx but 503 for logins, and delivery across nodes catches up', async () => {
    const send = await startVisitor(nodes[0]!.url);
    expect((await send('before the outage')).status).toBe(200);
    // An operator on the other node.
    const socket = await openSocket(
      nodes[1]!.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      owner.client.cookie,
    );
    await waitFor(() => socket.messages.find((m) => m.type === 'ready'), 10_000);
    const texts = () =>
      socket.messages
        .filter((m) => m.event?.name === 'message.created')
        .map((m) => m.event.payload.message.text);
    const login = () =>
      fetch(`${nodes[0]!.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@example.com', password: 'correct horse' }),
      });

    const ready = async (url: string) => {
      const res = await fetch(`${url}/readyz`);
      const { database, redis } = (await res.json()) as { redis: string; database: string };
      return { status: res.status, database, redis };
    };
    expect(await ready(nodes[0]!.url)).toEqual({ status: 200, database: 'ok', redis: 'ok' });

    await redis.stop();
    // Not ready while Redis is away (load balancers send elsewhere), yet alive and answering.
    await waitFor(async () => (await ready(nodes[0]!.url)).status === 503, 10_000);
    expect(await ready(nodes[0]!.url)).toMatchObject({ database: 'ok', redis: 'unavailable' });
    expect((await fetch(`${nodes[0]!.url}/healthz`)).status).toBe(200);
    for (let i = 0; i < 10; i++) {
      const sent = await send(`during the outage ${i}`);
      expect(sent.status).toBe(200);
    }
    const refused = await login();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    // Without the bus, the other node finds the messages in the outbox (its feed checks the head).
    await waitFor(() => texts().includes('during the outage 9'), 20_000);

    await redis.start();
    // Logins work again once the client has reconnected.
    let status = 0;
    for (const start = Date.now(); status !== 200 && Date.now() - start < 20_000; ) {
      status = (await login()).status;
      expect([200, 503]).toContain(status);
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    await waitFor(async () => (await ready(nodes[0]!.url)).status === 200, 10_000);
    expect((await send('after the outage')).status).toBe(200);
    await waitFor(() => texts().includes('after the outage'), 20_000);
    const received = texts().filter((t) => t.startsWith('during') || t.startsWith('after'));
    expect(received).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `during the outage ${i}`),
      'after the outage',
    ]);
    expect(alive()).toBe(true);
    socket.ws.close();
  }, 90_000);
});
