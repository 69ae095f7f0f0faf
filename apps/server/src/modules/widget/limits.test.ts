import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startTestServer, type TestServer, widgetSession } from '../../../test/harness.ts';

/**
 * The widget's limits count per visitor, never per address: customers share offices, campuses and
 * their mobile carrier's addresses. Each route's limit is reached by one visitor (the requests need
 * not be valid: they are counted before they are read), and another visitor from the same address
 * is not refused.
 */
describe('widget limits', () => {
  let server: TestServer;
  let widgetKey: string;
  beforeAll(async () => {
    server = await startTestServer({ widgetMessageRateLimit: 5 });
    const owner = await setupOwner(server.url);
    widgetKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/widget`)).body.widgetKey;
  });
  afterAll(() => server?.close());

  const post = (token: string, path: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });

  it.each([
    ['/api/widget/messages', 5],
    ['/api/widget/page-views', 120],
    ['/api/widget/offline', 10],
    ['/api/widget/rating', 20],
    ['/api/widget/surveys/0b7e7c5e-8f43-4c0e-9a56-1b2f0b6f9d11/answers', 30],
  ])('%s: %i a minute per visitor, whoever else writes from that address', async (path, max) => {
    const [busy, neighbour] = [
      await widgetSession(server.url, widgetKey),
      await widgetSession(server.url, widgetKey),
    ];
    const statuses = await Promise.all(
      Array.from({ length: max }, () => post(busy.token, path).then((r) => r.status)),
    );
    expect(statuses).not.toContain(429);
    const refused = await post(busy.token, path);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await post(neighbour.token, path)).status).not.toBe(429);
  });
});
