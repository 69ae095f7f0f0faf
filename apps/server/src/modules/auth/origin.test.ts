import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Owner, setupOwner, startTestServer, type TestServer, waitFor } from '../../../test/harness.ts';

/** Opens a socket as a browser page at `origin` would (or a non-browser client, without one). */
function socket(server: TestServer, query: string, headers: Record<string, string>, base = server.url) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/realtime?${query}`, { headers });
  const messages: { type: string }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return { ws, messages, closed };
}

describe('realtime socket origin and console security headers', () => {
  let server: TestServer;
  let owner: Owner;

  beforeAll(async () => {
    server = await startTestServer({ serveWeb: true });
    owner = await setupOwner(server.url);
  }, 120_000);
  afterAll(() => server?.close());

  const operatorQuery = () => `workspaceId=${owner.workspaceId}`;

  it('refuses a cookie-authenticated socket opened from another site', async () => {
    const evil = socket(server, operatorQuery(), {
      cookie: owner.client.cookie,
      origin: 'https://evil.example',
    });
    expect(await evil.closed).toBe(4401);
    expect(evil.messages.some((m) => m.type === 'ready')).toBe(false);
    const opaque = socket(server, operatorQuery(), { cookie: owner.client.cookie, origin: 'null' });
    expect(await opaque.closed).toBe(4401);
  });

  it('accepts the console origin and clients that send no Origin', async () => {
    const localhost = server.url.replace('127.0.0.1', 'localhost');
    const cases: [Record<string, string>, string][] = [
      [{ cookie: owner.client.cookie, origin: server.url }, server.url],
      // PUBLIC_URL says 127.0.0.1, the console was opened at localhost: same origin as the socket.
      [{ cookie: owner.client.cookie, origin: localhost }, localhost],
      [{ cookie: owner.client.cookie }, server.url],
    ];
    for (const [headers, base] of cases) {
      const s = socket(server, operatorQuery(), headers, base);
      await waitFor(() => s.messages.find((m) => m.type === 'ready'), 20_000);
      s.ws.close();
    }
  });

  it("lets the widget's visitor sockets open from any site", async () => {
    const workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
    const res = await fetch(`${server.url}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
      body: JSON.stringify({ workspaceKey, page: { url: 'https://shop.example/', title: 'Shop' } }),
    });
    const { token } = (await res.json()) as { token: string };
    const s = socket(server, `visitorToken=${token}`, { origin: 'https://shop.example' });
    await waitFor(() => s.messages.find((m) => m.type === 'ready'), 20_000);
    s.ws.close();
  });

  it('sends a CSP and X-Frame-Options with console pages, not with the widget frame', async () => {
    for (const path of ['/', '/login', '/inbox/some-conversation']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
    }
    const frame = await fetch(`${server.url}/widget/frame.html`);
    expect(frame.status).toBe(200);
    expect(frame.headers.get('x-frame-options')).toBeNull();
    expect(frame.headers.get('content-security-policy') ?? '').not.toContain('frame-ancestors');
  });
});
