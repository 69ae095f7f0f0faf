import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, openSocket, setupOwner, startNodePair, waitFor } from '../../test/harness.ts';

const enabled = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

describe.runIf(enabled)('two server processes sharing PostgreSQL and Redis', () => {
  let pair: Awaited<ReturnType<typeof startNodePair>>;
  beforeAll(async () => {
    pair = await startNodePair();
  }, 60_000);
  afterAll(() => pair?.stop());

  it('delivers events written on one node to sockets on the other, and replays what a reconnect missed', async () => {
    const [a, b] = [pair.nodes[0]!, pair.nodes[1]!];
    const owner = await setupOwner(a.url);
    const onB = new Client(b.url);
    onB.cookie = owner.client.cookie;
    onB.csrf = owner.client.csrf;
    const renameOn = (client: Client, name: string) =>
      client.patch(`/api/workspaces/${owner.workspaceId}`, { name });
    const sockPath = (after?: number) =>
      `/api/realtime?workspaceId=${owner.workspaceId}${after === undefined ? '' : `&after=${after}`}`;

    const first = await openSocket(b.url, sockPath(), owner.client.cookie);
    await waitFor(() => first.messages.find((m) => m.type === 'ready'));
    await renameOn(owner.client, 'from A');
    const seen = await waitFor(
      () => first.messages.find((m) => m.event?.name === 'workspace.updated')?.event,
    );
    expect(seen.payload.workspace.name).toBe('from A');
    first.ws.terminate();

    // Writes alternate between the nodes while the client is away.
    for (let i = 1; i <= 6; i++) await renameOn(i % 2 ? owner.client : onB, `missed ${i}`);

    // It comes back on the other node.
    const second = await openSocket(a.url, sockPath(seen.seq), owner.client.cookie);
    await waitFor(() => second.messages.find((m) => m.type === 'ready'));
    // Concurrent writes on both nodes after the reconnect.
    await Promise.all([renameOn(owner.client, 'live A'), renameOn(onB, 'live B')]);
    await waitFor(
      () => second.messages.filter((m) => m.event?.name === 'workspace.updated').length >= 8,
      10_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    // Everything after the last sequence seen, each once and in order (other events may interleave,
    // and some are not for operators at all, such as the widgets' availability: gaps are allowed).
    const all = second.messages.filter((m) => m.type === 'event').map((m) => m.event);
    const seqs = all.map((e) => e.seq as number);
    expect(seqs[0]).toBeGreaterThan(seen.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
    const events = all.filter((e) => e.name === 'workspace.updated');
    expect(events).toHaveLength(8);
    expect(events.slice(0, 6).map((e) => e.payload.workspace.name)).toEqual(
      Array.from({ length: 6 }, (_, i) => `missed ${i + 1}`),
    );
    expect(
      events
        .slice(6)
        .map((e) => e.payload.workspace.name)
        .sort(),
    ).toEqual(['live A', 'live B']);
    second.ws.close();
  });
});
