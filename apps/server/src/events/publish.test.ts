import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer, waitFor } from '../../test/harness.ts';
import { contacts, conversations, messages, workspaces } from '../platform/db/schema.ts';
import { transaction } from '../platform/db/tx.ts';
import type { StoredEvent } from './bus.ts';
import { publish } from './publish.ts';
import { subscribe } from './subscribers.ts';

describe('publish and subscribers', () => {
  let server: TestServer;
  let owner: Owner;
  const handled: StoredEvent[] = [];
  let failOnce = true;

  subscribe({
    name: 'test-audit',
    events: ['workspace.updated'],
    handle: async (event) => {
      if (failOnce) {
        failOnce = false;
        throw new Error('first delivery fails');
      }
      handled.push(event);
    },
  });

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
  });
  afterAll(() => server?.close());

  const workspace = (name: string) => ({
    id: owner.workspaceId,
    name,
    timezone: 'UTC',
    widgetKey: 'wk_test',
    createdAt: new Date().toISOString(),
  });

  it('numbers events per workspace and only hands committed ones to the bus', async () => {
    const heard: StoredEvent[] = [];
    // With Redis the bus also carries other test files' workspaces: keep this one's.
    const stop = server.parley.bus.subscribe((e) => {
      if (e.workspaceId === owner.workspaceId && e.name === 'workspace.updated') heard.push(e);
    });
    const { db } = server.parley.ctx;
    const first = await transaction(db, (tx) =>
      publish(tx, {
        workspaceId: owner.workspaceId,
        name: 'workspace.updated',
        payload: { workspace: workspace('one') },
      }),
    );
    await expect(
      transaction(db, async (tx) => {
        await publish(tx, {
          workspaceId: owner.workspaceId,
          name: 'workspace.updated',
          payload: { workspace: workspace('rolled back') },
        });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const second = await transaction(db, (tx) =>
      publish(tx, {
        workspaceId: owner.workspaceId,
        name: 'workspace.updated',
        payload: { workspace: workspace('two') },
      }),
    );
    stop();
    // The rolled-back event took no number: the outbox has no hole between the two (another event of
    // the workspace, such as the owner's presence, may have come in between).
    expect(second.seq).toBeGreaterThan(first.seq);
    const { rows } = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM events WHERE workspace_id = ${owner.workspaceId}
        AND seq BETWEEN ${first.seq} AND ${second.seq}`,
    );
    expect(rows[0]!.n).toBe(second.seq - first.seq + 1);
    // The bus may repeat an event (Redis echoes this node's own); the gateway's feed removes repeats.
    const bySeq = new Map(
      heard.map((e) => [e.seq, (e.payload as { workspace: { name: string } }).workspace.name]),
    );
    expect([...bySeq.values()]).toEqual(['one', 'two']);
  });

  it('refuses a payload that does not match its contract', async () => {
    await expect(
      transaction(server.parley.ctx.db, (tx) =>
        publish(tx, {
          workspaceId: owner.workspaceId,
          name: 'workspace.updated',
          payload: { workspace: { id: 'nope' } } as never,
        }),
      ),
    ).rejects.toThrow();
  });

  it('runs durable subscribers through jobs, retrying a failure', async () => {
    await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { name: 'Durable' });
    const event = await waitFor(
      () => handled.find((e) => (e.payload as { workspace: { name: string } }).workspace.name === 'Durable'),
      10_000,
    );
    expect(event.name).toBe('workspace.updated');
    // The first delivery ('one', from the test above) threw; its job ran again after a backoff.
    expect(failOnce).toBe(false);
    await waitFor(
      () => handled.find((e) => (e.payload as { workspace: { name: string } }).workspace.name === 'one'),
      10_000,
    );
    expect(
      handled.filter((e) => (e.payload as { workspace: { name: string } }).workspace.name === 'one'),
    ).toHaveLength(1);
  });

  it('writes no event for a workspace that does not exist; a deleted workspace takes its events and conversations', async () => {
    const { db } = server.parley.ctx;
    const ghost = randomUUID();
    await expect(
      transaction(db, (tx) =>
        publish(tx, {
          workspaceId: ghost,
          name: 'workspace.updated',
          payload: { workspace: workspace('ghost') },
        }),
      ),
    ).rejects.toThrow(/does not exist/);
    const [ws] = await db
      .insert(workspaces)
      .values({ name: 'Doomed', widgetKey: `wk_${randomUUID()}`, widgetSecret: 'secret' })
      .returning({ id: workspaces.id });
    const [contact] = await db.insert(contacts).values({ workspaceId: ws!.id }).returning();
    const [chat] = await db
      .insert(conversations)
      .values({ workspaceId: ws!.id, number: 1, channel: 'web', contactId: contact!.id })
      .returning();
    await db.insert(messages).values({
      workspaceId: ws!.id,
      conversationId: chat!.id,
      authorKind: 'contact',
      text: 'hello',
      seq: 1,
    });
    await transaction(db, (tx) =>
      publish(tx, {
        workspaceId: ws!.id,
        name: 'workspace.updated',
        payload: { workspace: { ...workspace('doomed'), id: ws!.id } },
      }),
    );
    const counts = async () =>
      (
        await db.execute<{
          events: number;
          conversations: number;
          messages: number;
          others: number;
        }>(sql`SELECT
          (SELECT count(*) FROM events WHERE workspace_id IN (${ws!.id}, ${ghost}))::int AS events,
          (SELECT count(*) FROM conversations WHERE workspace_id = ${ws!.id})::int AS conversations,
          (SELECT count(*) FROM messages WHERE workspace_id = ${ws!.id})::int AS messages,
          (SELECT count(*) FROM events WHERE workspace_id = ${owner.workspaceId})::int AS others`)
      ).rows[0]!;
    const before = await counts();
    expect(before).toMatchObject({ events: 1, conversations: 1, messages: 1 });
    await db.delete(workspaces).where(eq(workspaces.id, ws!.id));
    expect(await counts()).toEqual({ events: 0, conversations: 0, messages: 0, others: before.others });
  });
});
