import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer, waitFor } from '../../test/harness.ts';
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
});
