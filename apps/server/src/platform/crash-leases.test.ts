import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { setupOwner, waitFor, widgetSession } from '../../test/harness.ts';
import { createParley, type Parley } from '../app.ts';
import { subscribe } from '../events/subscribers.ts';
import { defineJob } from '../jobs/queue.ts';
import { type Config, loadConfig } from './config.ts';

const embedded = !process.env.DATABASE_URL;

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
    await parley.app.listen({ port: 0, host: '127.0.0.1' });
    const address = parley.app.server.address();
    return { parley, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
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

  const say = async (base: string, workspaceKey: string, text: string) => {
    const { token } = await widgetSession(base, workspaceKey);
    const res = await fetch(`${base}/api/widget/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: `leases-${text.replaceAll(' ', '-')}`, text }),
    });
    expect(res.status).toBe(200);
  };

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
