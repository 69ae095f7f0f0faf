import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';

/**
 * What a message costs on disk (README, "Disk"): the growth of messages, events and jobs — tables,
 * indexes and TOAST, as pg_total_relation_size counts them — over a batch of chat messages. Printed
 * for the README and bounded so a change that bloats the rows is noticed.
 */
describe('disk cost of a message', () => {
  let server: TestServer;
  let owner: Owner;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
  });
  afterAll(() => server?.close());

  it('stays within its budget per message', async () => {
    const ws = owner.workspaceId;
    const workspaceKey = (await owner.client.get(`/api/workspaces/${ws}`)).body.widgetKey;
    const { token } = await fetch(`${server.url}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceKey }),
    }).then((r) => r.json() as Promise<{ token: string }>);
    await fetch(`${server.url}/api/widget/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ clientId: 'disk-first-0000', text: 'Hello, I have a question about my order' }),
    });
    const conversationId = (await owner.client.get(`/api/workspaces/${ws}/conversations?view=all`)).body
      .items[0].id;
    const db = server.parley.ctx.db;
    const size = async () => {
      await db.execute(sql`CHECKPOINT`).catch(() => {});
      const { rows } = await db.execute<{ messages: string; events: string; jobs: string }>(sql`
        SELECT pg_total_relation_size('messages')::text AS messages, pg_total_relation_size('events')::text AS events,
          pg_total_relation_size('jobs')::text AS jobs`);
      return {
        messages: Number(rows[0]!.messages),
        events: Number(rows[0]!.events),
        jobs: Number(rows[0]!.jobs),
      };
    };
    const before = await size();
    // A typical chat line (~60 characters), both sides, through the batched writer as in production.
    const n = 2000;
    for (let i = 0; i < n; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          server.parley.ctx.writer.write({
            workspaceId: ws,
            conversationId,
            clientId: `disk-${i + j}-00000000`,
            author:
              (i + j) % 2 === 0
                ? { kind: 'contact', id: null, name: null }
                : { kind: 'operator', id: owner.userId, name: 'Olivia Owner' },
            text: `Message number ${i + j}: thanks, could you check the delivery date?`,
            private: false,
          }),
        ),
      );
    }
    const after = await size();
    const per = {
      messages: (after.messages - before.messages) / n,
      events: (after.events - before.events) / n,
      jobs: (after.jobs - before.jobs) / n,
    };
    console.info(`disk per message (bytes, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}):`, per);
    const { rows: detail } = await db.execute<Record<string, string>>(sql`
      SELECT avg(pg_column_size(m.*))::int::text AS row_bytes, count(*)::text AS rows,
        pg_relation_size('messages')::text AS heap, pg_indexes_size('messages')::text AS indexes FROM messages m`);
    console.info('messages detail:', detail[0]);
    expect(per.messages).toBeLessThan(1100);
    expect(per.events).toBeLessThan(2000);
    expect(per.jobs).toBeLessThan(50);
  });
});
