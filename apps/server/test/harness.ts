import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { createParley, type Parley } from '../src/app.ts';
import { type Config, loadConfig } from '../src/platform/config.ts';
import { cloneDatabase, dropDatabase, withDatabase } from './pg-admin.ts';
import { type ServerProcess, startServerProcess, stopServerProcess } from './server-process.ts';

export interface TestServer {
  parley: Parley;
  url: string;
  config: Config;
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

let counter = 0;

/** A fresh database for this test file, on PGlite or on PostgreSQL when DATABASE_URL is set. */
export async function freshDatabaseUrl(): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { url: undefined, drop: async () => {} };
  const name = `parley_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await cloneDatabase(base, inject('pgTemplate'), name);
  return { url: withDatabase(base, name), drop: () => dropDatabase(base, name) };
}

/** A real Parley on a random port with a fresh database. */
export async function startTestServer(
  overrides: Partial<Config> = {},
  options: { heartbeatMs?: number; maxReplay?: number } = {},
): Promise<TestServer> {
  const database = overrides.databaseUrl
    ? { url: overrides.databaseUrl, drop: async () => {} }
    : await freshDatabaseUrl();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  const config: Config = {
    ...loadConfig({ ...process.env, DATA_DIR: dataDir }, []),
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database.url,
    logLevel: (process.env.TEST_LOG_LEVEL as Config['logLevel']) ?? 'silent',
    serveWeb: false,
    rateLimitNamespace: `parley-rl-test-${process.pid}-${counter++}-`,
    ...overrides,
  };
  const template = database.url ? undefined : new Blob([fs.readFileSync(inject('pgliteTemplate'))]);
  const parley = await createParley(config, { template, inMemory: !database.url, jobPollMs: 50, ...options });
  await parley.app.listen({ port: config.port, host: config.host });
  const address = parley.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  parley.ctx.config.publicUrl = overrides.publicUrl ?? url;
  return {
    parley,
    url,
    config,
    databaseUrl: database.url,
    async close() {
      await parley.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A cookie-carrying API client, as the console is. */
export class Client {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(this.base + url, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    // A small cookie jar: the session cookie and, while impersonating, the impersonation one.
    const jar = new Map(
      this.cookie
        .split('; ')
        .filter(Boolean)
        .map((c) => [c.split('=')[0]!, c] as const),
    );
    for (const setCookie of res.headers.getSetCookie()) {
      const pair = setCookie.split(';')[0]!;
      const [name, value] = [pair.split('=')[0]!, pair.slice(pair.indexOf('=') + 1)];
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(setCookie)) jar.delete(name);
      else jar.set(name, pair);
    }
    this.cookie = [...jar.values()].join('; ');
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: test responses are asserted field by field
    const json: any = text ? JSON.parse(text) : null;
    if (json?.csrfToken) this.csrf = json.csrfToken;
    return { status: res.status, body: json };
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, body?: unknown) => this.request('POST', url, body ?? {});
  patch = (url: string, body: unknown) => this.request('PATCH', url, body);
  put = (url: string, body: unknown) => this.request('PUT', url, body);
  delete = (url: string) => this.request('DELETE', url);
}

export interface Owner {
  client: Client;
  workspaceId: string;
  userId: string;
}

export async function setupOwner(
  base: string,
  email = 'owner@example.com',
  workspaceName = 'Acme',
): Promise<Owner> {
  const client = new Client(base);
  const res = await client.post('/api/setup', {
    name: 'Olivia Owner',
    email,
    password: 'correct horse',
    workspaceName,
  });
  if (res.status !== 200) throw new Error(`setup failed: ${JSON.stringify(res.body)}`);
  return { client, workspaceId: res.body.currentWorkspaceId, userId: res.body.user.id };
}

/** Invites someone into the owner's workspace and accepts as them; returns their logged-in client. */
export async function addMember(
  owner: Owner,
  input: { email: string; role: string; permissions?: string[]; name?: string },
): Promise<{ client: Client; userId: string }> {
  const invite = await owner.client.post(`/api/workspaces/${owner.workspaceId}/invites`, {
    email: input.email,
    role: input.role,
    permissions: input.permissions ?? [],
  });
  if (invite.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invite.body)}`);
  const token = String(invite.body.url).split('/invite/')[1];
  const client = new Client(owner.client.base);
  const res = await client.post(`/api/invites/${token}/accept`, {
    name: input.name ?? input.email,
    password: 'correct horse',
  });
  if (res.status !== 200) throw new Error(`accept failed: ${JSON.stringify(res.body)}`);
  return { client, userId: res.body.user.id };
}

/** A new widget visitor of the workspace: their token, and their id (the token's third part). */
export async function widgetSession(base: string, workspaceKey: string) {
  const session = (await (
    await fetch(`${base}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspaceKey }),
    })
  ).json()) as { token: string };
  return { token: session.token, visitorId: session.token.split('.')[2]! };
}

/**
 * A socket that records everything the server sends, returned once the server has attached it (its
 * `ready` frame) or closed it. A socket opened without `after` streams from its head at `ready`: an
 * event committed before that is not sent, so a test that acts before `ready` races the attach.
 */
export async function openSocket(base: string, pathAndQuery: string, cookie?: string) {
  const ws = new WebSocket(base.replace('http', 'ws') + pathAndQuery, { headers: cookie ? { cookie } : {} });
  // biome-ignore lint/suspicious/noExplicitAny: messages are asserted by shape
  const messages: any[] = [];
  let attached!: () => void;
  const settled = new Promise<void>((resolve) => {
    attached = resolve;
  });
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    messages.push(message);
    if (message.type === 'ready') attached();
  });
  ws.on('error', () => attached());
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      attached();
      resolve({ code, reason: String(reason) });
    }),
  );
  await settled;
  return { ws, messages, closed };
}

export async function waitFor<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A TCP proxy in front of a server whose line can be cut, as a flaky mobile network would (every open
 * connection dies and new ones are refused until it is restored), or frozen, as a network path that
 * silently drops packets would (connections stay open and new ones are accepted, but nothing goes
 * through until it thaws; what was sent meanwhile arrives then).
 */
export async function cuttableProxy(targetUrl: string) {
  const target = new URL(targetUrl);
  const open = new Set<net.Socket>();
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  let cut = false;
  let frozen = false;
  const flow = (pair: { client: net.Socket; upstream: net.Socket | null }) => {
    if (pair.upstream) {
      pair.client.pipe(pair.upstream).pipe(pair.client);
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    pair.upstream = upstream;
    open.add(upstream);
    const close = () => {
      pair.client.destroy();
      upstream.destroy();
      open.delete(pair.client);
      open.delete(upstream);
      pairs.delete(pair);
    };
    pair.client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    pair.client.pipe(upstream).pipe(pair.client);
  };
  const server = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const pair = { client, upstream: null as net.Socket | null };
    open.add(client);
    pairs.add(pair);
    client.on('error', () => client.destroy());
    if (frozen) client.pause();
    else flow(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** `host:port` of the proxy, for a URL of another scheme (postgres://…). */
    address: `127.0.0.1:${port}`,
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
      open.clear();
      pairs.clear();
    },
    restore() {
      cut = false;
    },
    freeze() {
      frozen = true;
      for (const { client, upstream } of pairs) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    },
    thaw() {
      frozen = false;
      for (const pair of pairs) flow(pair);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export { startServerProcess as startNode, stopServerProcess as stopNode } from './server-process.ts';

/**
 * Two server processes of one installation: a fresh PostgreSQL database, the machine's Redis, rate
 * limits of their own. `stop` ends those still running (SIGTERM; a killed one is left as it is) and
 * drops the database.
 */
export async function startNodePair(): Promise<{ nodes: ServerProcess[]; stop(): Promise<void> }> {
  const db = await freshDatabaseUrl();
  const env = {
    DATABASE_URL: db.url!,
    REDIS_URL: process.env.REDIS_URL!,
    RATE_LIMIT_NAMESPACE: `pair-${process.pid}-${Date.now()}-`,
  };
  const nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  return {
    nodes,
    stop: async () => {
      await Promise.all(nodes.map(stopServerProcess));
      await db.drop();
    },
  };
}
