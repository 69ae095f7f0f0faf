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

describe('the console and widget files', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ serveWeb: true });
  }, 120_000);
  afterAll(() => server?.close());

  it('sends built files compressed, hashed ones cached for a year and pages asked again', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const scripts = [...(await page.text()).matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const [encoding, expected] of [
      ['br', 'br'],
      ['gzip, deflate', 'gzip'],
      ['identity', null],
    ] as const) {
      const res = await fetch(`${server.url}${scripts[0]}`, { headers: { 'accept-encoding': encoding } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(expected);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
      // fetch decodes the body: the same script whichever way it travelled.
      expect((await res.text()).length).toBeGreaterThan(1000);
    }
    // A console address the browser opens directly is the page too, asked again each time.
    expect((await fetch(`${server.url}/w/some-workspace/settings`)).headers.get('cache-control')).toBe(
      'no-cache',
    );
    const frame = await fetch(`${server.url}/widget/frame.html`);
    expect(frame.headers.get('cache-control')).toBe('no-cache');
    const frameScript = /src="\.\/(assets\/[^"]+\.js)"/.exec(await frame.text())![1];
    const panel = await fetch(`${server.url}/widget/${frameScript}`, {
      headers: { 'accept-encoding': 'br' },
    });
    expect(panel.headers.get('content-encoding')).toBe('br');
    expect(panel.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});
