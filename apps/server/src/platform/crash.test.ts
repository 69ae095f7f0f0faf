import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, setupOwner, startNode, stopNode } from '../../test/harness.ts';

const embedded = !process.env.DATABASE_URL;

/**
 * The embedded database (the default install) killed with SIGKILL while visitors write — no shutdown,
 * the lock file left behind, the database's files as the kill left them: the next start takes the
 * data directory over and every message that was acknowledged is there, once.
 */
describe.runIf(embedded)('a server on the embedded database killed while visitors write', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-crash-'));
  const env = { DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '' };
  const nodes: Awaited<ReturnType<typeof startNode>>[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map(stopNode));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts again on the same data directory with every acknowledged message, once', async () => {
    const first = await startNode(env);
    nodes.push(first);
    const owner = await setupOwner(first.url);
    const workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
    const tokens = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const res = await fetch(`${first.url}/api/widget/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ workspaceKey }),
        });
        return ((await res.json()) as { token: string }).token;
      }),
    );
    const acked = new Map<string, string>();
    const writers = tokens.map(async (token, v) => {
      for (let n = 0; ; n++) {
        const clientId = `crash-${v}-${String(n).padStart(4, '0')}`;
        try {
          const res = await fetch(`${first.url}/api/widget/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ clientId, text: `visitor ${v} message ${n}` }),
          });
          if (res.status === 200 || res.status === 201) {
            acked.set(clientId, ((await res.json()) as { id: string }).id);
            // Killed in the middle of the traffic, once some of it is stored.
            if (acked.size === 40) first.child.kill('SIGKILL');
          }
        } catch {
          return; // the server is gone
        }
      }
    });
    await Promise.all(writers);
    expect(acked.size).toBeGreaterThanOrEqual(40);

    const second = await startNode(env);
    nodes.push(second);
    // Sessions live in the database: the owner's survived the kill too.
    const client = new Client(second.url);
    client.cookie = owner.client.cookie;
    client.csrf = owner.client.csrf;
    const w = `/api/workspaces/${owner.workspaceId}`;
    const conversations = (await client.get(`${w}/conversations?view=all&limit=50`)).body.items as {
      id: string;
    }[];
    const stored = new Map<string, string[]>();
    for (const c of conversations) {
      let before: string | undefined;
      for (;;) {
        const page = (
          await client.get(
            `${w}/conversations/${c.id}/messages?limit=100${before ? `&before=${before}` : ''}`,
          )
        ).body.messages as { id: string; clientId: string | null }[];
        for (const m of page)
          if (m.clientId) stored.set(m.clientId, [...(stored.get(m.clientId) ?? []), m.id]);
        if (page.length < 100) break;
        before = page[0]!.id;
      }
    }
    for (const [clientId, id] of acked) expect(stored.get(clientId), clientId).toEqual([id]);
    for (const ids of stored.values()) expect(ids).toHaveLength(1);
  }, 240_000);
});
