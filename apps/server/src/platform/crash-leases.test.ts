import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freshDatabaseUrl, setupOwner, waitFor, widgetSession } from '../../test/harness.ts';
import { createParley, type Parley } from '../app.ts';
import { subscribe } from '../events/subscribers.ts';
import { defineJob } from '../jobs/queue.ts';
import { type Config, loadConfig } from './config.ts';
import { releaseGoneLeases } from './db/run.ts';
import { serverDir } from './paths.ts';

const embedded = !process.env.DATABASE_URL;

/** A visitor's first message. */
const say = async (base: string, workspaceKey: string, text: string) => {
  const { token } = await widgetSession(base, workspaceKey);
  const res = await fetch(`${base}/api/widget/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: `leases-${text.replaceAll(' ', '-')}`, text }),
  });
  expect(res.status).toBe(200);
};

/** A server on a random port. */
const listening = async (parley: Parley) => {
  await parley.app.listen({ port: 0, host: '127.0.0.1' });
  const address = parley.app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
};

/**
 * The embedded database allows one process (its data directory is locked), so whatever a killed one
 * leased — a job, a durable subscriber's cursor (routing, the inbox, the widget's availability) — can
 * be held by no one else when the server starts again. Seen with `kill -9` under traffic: the routing
 * cursor was left leased for a minute, and new chats were not routed for that minute after the restart.
 */
describe.runIf(embedded)('the embedded database started again after its process was killed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-leases-'));
  const config: Config = {
    ...loadConfig({ ...process.env, DATA_DIR: dir }, []),
    port: 0,
    host: '127.0.0.1',
    databaseUrl: undefined,
    redisUrl: undefined,
    logLevel: 'silent',
    serveWeb: false,
  };
  const servers: Parley[] = [];
  const start = async (template?: Blob) => {
    const parley = await createParley(config, { template, jobPollMs: 50 });
    servers.push(parley);
    return { parley, url: await listening(parley) };
  };
  afterAll(async () => {
    for (const parley of servers) await parley.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const handled: string[] = [];
  subscribe({
    name: 'test.after-a-kill',
    events: ['message.created'],
    handle: async (event) => {
      handled.push((event.payload as { message: { text: string } }).message.text);
    },
  });
  const ran: string[] = [];
  defineJob<{ n: string }>({
    name: 'test.left-by-a-killed-process',
    handle: async (payload) => {
      ran.push(payload.n);
    },
  });

  it('runs the work a killed process had leased at once, not when its lease runs out', async () => {
    const first = await start(new Blob([fs.readFileSync(inject('pgliteTemplate'))]));
    const owner = await setupOwner(first.url);
    const workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
    await say(first.url, workspaceKey, 'before the kill');
    await waitFor(() => handled.includes('before the kill'));

    // What the killed process left: the subscriber's cursor leased (its lease number moved, as a
    // claim moves it) and a job it had claimed, both for an hour, as no live process would renew them.
    const db = first.parley.ctx.db;
    await db.execute(sql`UPDATE subscriber_cursors SET lease = lease + 1, locked_until = now() + interval '1 hour'
      WHERE subscriber = 'test.after-a-kill'`);
    await db.execute(sql`INSERT INTO jobs (name, payload, attempts, locked_until)
      VALUES ('test.left-by-a-killed-process', '{"n":"held"}', 1, now() + interval '1 hour')`);
    await first.parley.close();

    const second = await start();
    await say(second.url, workspaceKey, 'after the restart');
    await waitFor(() => handled.includes('after the restart'));
    await waitFor(() => ran.includes('held'));
    expect(handled).toEqual(['before the kill', 'after the restart']);
  }, 120_000);
});

/**
 * On PostgreSQL several nodes share the database, so a lease cannot be given back because its process
 * may be dead: each lease names its run, whose lock lives as long as the process's connection
 * (platform/db/run.ts). A node killed with the routing cursor leased held routing in that workspace for
 * a minute — on the other nodes, and on itself restarted.
 */
describe.runIf(!embedded)('a node killed with work leased, on PostgreSQL', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-leases-'));
  let parley: Parley | undefined;
  let dropDatabase = async () => {};
  afterAll(async () => {
    await parley?.close();
    await dropDatabase();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const handled: string[] = [];
  subscribe({
    name: 'test.after-a-node-kill',
    events: ['message.created'],
    handle: async (event) => {
      handled.push((event.payload as { message: { text: string } }).message.text);
    },
  });
  const ran: string[] = [];
  defineJob<{ n: string }>({
    name: 'test.left-by-a-killed-node',
    handle: async (payload) => {
      ran.push(payload.n);
    },
  });

  /** Another node's run: a process holding its run lock, as a Parley node does, until it is killed. */
  const otherNode = async (url: string, key: number) => {
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const pg = require('pg');
        const client = new pg.Client({ connectionString: process.env.URL });
        client.connect()
          .then(() => client.query('SELECT pg_advisory_lock(7412002, ${key})'))
          .then(() => console.log('locked'));`,
      ],
      { cwd: serverDir, env: { ...process.env, URL: url }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    await waitFor(() => out.includes('locked'), 30_000);
    return child;
  };

  it('gives its leases to the live nodes as soon as it is gone, not when they run out', async () => {
    const database = await freshDatabaseUrl();
    dropDatabase = database.drop;
    const config: Config = {
      ...loadConfig({ ...process.env, DATA_DIR: dir }, []),
      port: 0,
      host: '127.0.0.1',
      databaseUrl: database.url,
      redisUrl: undefined,
      logLevel: 'silent',
      serveWeb: false,
    };
    parley = await createParley(config, { jobPollMs: 50 });
    const url = await listening(parley);
    const owner = await setupOwner(url);
    const workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
    await say(url, workspaceKey, 'before the kill');
    await waitFor(() => handled.includes('before the kill'));

    // What the other node holds when it is killed: the subscriber's cursor (its lease number moved, as
    // a claim moves it) and a job, both leased for an hour under its run.
    const key = 1_000_000 + Math.floor(Math.random() * 1_000_000);
    const node = await otherNode(database.url!, key);
    const db = parley.ctx.db;
    await db.execute(sql`UPDATE subscriber_cursors
      SET lease = lease + 1, locked_until = now() + interval '1 hour', holder = ${key}
      WHERE subscriber = 'test.after-a-node-kill'`);
    await db.execute(sql`INSERT INTO jobs (name, payload, attempts, locked_until, holder)
      VALUES ('test.left-by-a-killed-node', '{"n":"held"}', 1, now() + interval '1 hour', ${key})`);
    await say(url, workspaceKey, 'while it runs');

    // While that node lives, its leases are its own.
    expect(await releaseGoneLeases(db, 'subscriber_cursors', parley.database.run)).toBe(0);
    expect(await releaseGoneLeases(db, 'jobs', parley.database.run)).toBe(0);
    const { rows } = await db.execute(sql`SELECT 1 FROM subscriber_cursors
      WHERE subscriber = 'test.after-a-node-kill' AND holder = ${key} AND locked_until > now()`);
    expect(rows).toHaveLength(1);
    expect(handled).not.toContain('while it runs');
    expect(ran).toEqual([]);

    node.kill('SIGKILL');
    await say(url, workspaceKey, 'after the kill');
    // Within seconds (the live node looks every 5 s), where the leases had an hour left.
    await waitFor(() => handled.includes('after the kill'), 30_000);
    await waitFor(() => ran.includes('held'), 30_000);
    expect(handled).toEqual(['before the kill', 'while it runs', 'after the kill']);
  }, 120_000);
});
