import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  Client,
  type Owner,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../../test/harness.ts';
import { parseTrustProxy } from '../../platform/config.ts';
import { createMailer } from '../../platform/mailer.ts';
import { weakPasswordReason } from './password-strength.ts';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const login = (client: Client, email: string, password: string, headers: Record<string, string> = {}) =>
  client.request('POST', '/api/auth/login', { email, password }, headers);
const madeUpIp = (i: number) => `203.0.113.${i + 1}`;

describe('X-Forwarded-For is believed only from configured proxies', () => {
  it('parses TRUST_PROXY as Fastify takes it', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8')).toEqual(['127.0.0.1', '10.0.0.0/8']);
  });

  it('by default a made-up X-Forwarded-For neither escapes the login limit nor reaches the history', async () => {
    const server = await startTestServer({ loginRateLimit: 3 });
    try {
      const owner = await setupOwner(server.url);
      // The owner's own login, with a made-up header: the history records the real address.
      await login(owner.client, 'owner@example.com', 'correct horse', { 'x-forwarded-for': '198.51.100.7' });
      const history = await owner.client.get(`/api/workspaces/${owner.workspaceId}/connection-history`);
      expect(history.body[0]).toMatchObject({ kind: 'login', ip: '127.0.0.1' });

      const client = new Client(server.url);
      let status = 0;
      for (let i = 0; i < 10 && status !== 429; i++) {
        status = (await login(client, 'nobody@example.com', 'wrong one')).status;
      }
      expect(status).toBe(429);
      const statuses = [];
      for (let i = 0; i < 30; i++) {
        statuses.push(
          (await login(client, 'nobody@example.com', 'wrong one', { 'x-forwarded-for': madeUpIp(i) })).status,
        );
      }
      expect(statuses).toEqual(Array(30).fill(429));
    } finally {
      await server.close();
    }
  }, 120_000);

  it('a team behind one address signs in together; one account guessed, or many accounts tried, are stopped', async () => {
    const server = await startTestServer({ loginRateLimit: 2, loginIpRateLimit: 9 });
    try {
      const owner = await setupOwner(server.url);
      const teammates = ['ana@example.com', 'ben@example.com', 'cleo@example.com'];
      for (const email of teammates) await addMember(owner, { email, role: 'operator' });
      // Three people (and the owner) from the same address, each signing in twice: 8 logins.
      const statuses = [];
      for (const email of ['owner@example.com', ...teammates]) {
        for (let i = 0; i < 2; i++)
          statuses.push((await login(new Client(server.url), email, 'correct horse')).status);
      }
      expect(statuses).toEqual(Array(8).fill(200));
      // One account, a third time in the minute: refused, saying when to come back.
      const guessed = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ANA@example.com', password: 'guess' }),
      });
      expect(guessed.status).toBe(429);
      expect(Number(guessed.headers.get('retry-after'))).toBeGreaterThan(0);
      const { error } = (await guessed.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('rate_limited');
      expect(error.message).toMatch(/this account from this address; try again in \d+ s/);
      // The address's own ceiling (9 a minute, the refused one counted): any account is refused now.
      const tried = await login(new Client(server.url), 'dora@example.com', 'guess');
      expect(tried.status).toBe(429);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('with TRUST_PROXY=127.0.0.1 the header of that proxy is honoured', async () => {
    const server = await startTestServer({ loginRateLimit: 3, trustProxy: parseTrustProxy('127.0.0.1') });
    try {
      const owner = await setupOwner(server.url);
      await login(owner.client, 'owner@example.com', 'correct horse', { 'x-forwarded-for': '198.51.100.7' });
      const history = await owner.client.get(`/api/workspaces/${owner.workspaceId}/connection-history`);
      expect(history.body[0]).toMatchObject({ kind: 'login', ip: '198.51.100.7' });
      const client = new Client(server.url);
      const statuses = [];
      for (let i = 0; i < 5; i++) {
        statuses.push(
          (await login(client, 'nobody@example.com', 'wrong one', { 'x-forwarded-for': madeUpIp(i) })).status,
        );
      }
      // Each forwarded address is its own client: none of them reaches the limit of 3.
      expect(statuses).toEqual(Array(5).fill(401));
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe('accounts and passwords', () => {
  let server: TestServer;
  let owner: Owner;

  beforeAll(async () => {
    server = await startTestServer({ loginRateLimit: 1000, lockoutThreshold: 3 });
    owner = await setupOwner(server.url);
  });
  afterAll(() => server?.close());

  async function invite(workspaceId: string, email: string) {
    const res = await owner.client.post(`/api/workspaces/${workspaceId}/invites`, {
      email,
      role: 'operator',
    });
    expect(res.status).toBe(201);
    return String(res.body.url).split('/invite/')[1]!;
  }

  it("shows a workspace only its members' logins made while they were its members", async () => {
    const b = await owner.client.post('/api/workspaces', { name: 'Beta' });
    expect(b.status).toBe(200);
    const bob = new Client(server.url);
    const joinedB = await bob.post(`/api/invites/${await invite(b.body.id, 'bob@example.com')}/accept`, {
      name: 'Bob Builder',
      password: 'correct horse',
    });
    expect(joinedB.status).toBe(200);
    const bobId = joinedB.body.user.id;
    // Bob works in Beta from Firefox, fails once, logs out: all of it Beta's business.
    expect((await login(bob, 'bob@example.com', 'wrong one', { 'user-agent': FIREFOX })).status).toBe(401);
    expect((await login(bob, 'bob@example.com', 'correct horse', { 'user-agent': FIREFOX })).status).toBe(
      200,
    );
    expect((await bob.post('/api/auth/logout')).status).toBe(204);

    const joinedA = await new Client(server.url).post(
      `/api/invites/${await invite(owner.workspaceId, 'bob@example.com')}/accept`,
      { password: 'correct horse' },
    );
    expect(joinedA.status).toBe(200);

    const inA = await owner.client.get(
      `/api/workspaces/${owner.workspaceId}/connection-history?userId=${bobId}`,
    );
    expect(inA.status).toBe(200);
    expect(inA.body.map((e: { kind: string }) => e.kind)).toEqual(['login']);
    expect(inA.body.some((e: { browser: string | null }) => e.browser === 'Firefox 128')).toBe(false);

    const inB = await owner.client.get(`/api/workspaces/${b.body.id}/connection-history?userId=${bobId}`);
    expect(inB.body.map((e: { kind: string }) => e.kind)).toEqual([
      'login',
      'logout',
      'login',
      'login_failed',
      'login',
    ]);
    expect(inB.body[2]).toMatchObject({ browser: 'Firefox 128' });
  });

  it('answers an unknown e-mail and a locked account the same way, in similar time', async () => {
    const token = await invite(owner.workspaceId, 'lou@example.com');
    const lou = new Client(server.url);
    expect(
      (await lou.post(`/api/invites/${token}/accept`, { name: 'Lou', password: 'correct horse' })).status,
    ).toBe(200);
    const anon = new Client(server.url);
    // The work each answer cost, as CPU time of this process (the server runs in it): unlike wall
    // time it does not grow when a loaded machine makes the request wait.
    const timed = async (email: string, password: string) => {
      const start = process.cpuUsage();
      const res = await login(anon, email, password);
      const used = process.cpuUsage(start);
      return { ...res, ms: (used.user + used.system) / 1000 };
    };
    const failures = [];
    for (let i = 0; i < 5; i++) failures.push(await timed('lou@example.com', 'wrong one'));
    const unknown = [];
    for (let i = 0; i < 5; i++) unknown.push(await timed('nobody-here@example.com', 'wrong one'));
    const lockedRight = await timed('lou@example.com', 'correct horse');

    // The 4th and 5th attempts hit the lock, and even the right password meets the same answer.
    for (const res of [...failures, ...unknown, lockedRight]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual(unknown[0]!.body);
    }
    expect(unknown[0]!.body.error.code).toBe('invalid_credentials');
    // Every answer ran an Argon2 verification: an unknown e-mail is not answered much faster.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const lockedMs = median(
      failures
        .slice(3)
        .map((r) => r.ms)
        .concat(lockedRight.ms),
    );
    expect(median(unknown.map((r) => r.ms))).toBeGreaterThan(lockedMs / 4);
  });

  it('refuses common and guessable passwords on setup, invite, reset and change with a 400 naming the field', {
    timeout: 120_000,
  }, async () => {
    expect(await weakPasswordReason('password')).toMatch(/most common/);
    expect(await weakPasswordReason('iloveyou123')).toMatch(/common/);
    expect(await weakPasswordReason('P@ssw0rd!')).not.toBeNull();
    expect(await weakPasswordReason('qwertyuiop')).not.toBeNull();
    expect(await weakPasswordReason('carol@example.com', ['carol@example.com'])).toMatch(/e-mail/);
    expect(await weakPasswordReason('correct horse')).toBeNull();
    expect(await weakPasswordReason('blue lagoon tango')).toBeNull();

    const weak = (res: {
      status: number;
      body: { error: { code: string; field: string; message: string } };
    }) => {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'weak_password', field: 'password' });
      expect(res.body.error.message).toMatch(/^password: /);
    };

    // Setup is done here; a fresh installation refuses "password" for its owner.
    const fresh = await startTestServer();
    try {
      const setup = await new Client(fresh.url).post('/api/setup', {
        name: 'Pat',
        email: 'pat@example.com',
        password: 'password',
        workspaceName: 'Fresh',
      });
      weak(setup);
      expect((await new Client(fresh.url).get('/api/setup')).body).toEqual({ needsSetup: true });
    } finally {
      await fresh.close();
    }

    const token = await invite(owner.workspaceId, 'carol@example.com');
    const carol = new Client(server.url);
    weak(await carol.post(`/api/invites/${token}/accept`, { name: 'Carol', password: 'password' }));
    weak(await carol.post(`/api/invites/${token}/accept`, { name: 'Carol', password: 'carol@example.com' }));
    expect(
      (await carol.post(`/api/invites/${token}/accept`, { name: 'Carol', password: 'correct horse' })).status,
    ).toBe(200);

    // Reset: the refused password leaves the link usable.
    const mails: string[] = [];
    server.parley.ctx.mailer = {
      send: async (mail) => void mails.push(mail.text),
      post: (mail) => void mails.push(mail.text),
    };
    await new Client(server.url).post('/api/auth/password-reset', { email: 'carol@example.com' });
    const resetToken = /token=([A-Za-z0-9_-]+)/.exec(mails.join('\n'))![1]!;
    const anon = new Client(server.url);
    weak(await anon.post('/api/auth/password-reset/confirm', { token: resetToken, password: 'iloveyou123' }));
    expect(
      (
        await anon.post('/api/auth/password-reset/confirm', {
          token: resetToken,
          password: 'blue lagoon tango',
        })
      ).status,
    ).toBe(204);

    // Change: the current password is required, the new one must be strong, other sessions end.
    expect((await login(carol, 'carol@example.com', 'blue lagoon tango')).status).toBe(200);
    const other = new Client(server.url);
    expect((await login(other, 'carol@example.com', 'blue lagoon tango')).status).toBe(200);
    const wrongCurrent = await carol.put('/api/auth/password', {
      currentPassword: 'not it at all',
      password: 'green meadow violin',
    });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.body.error.field).toBe('currentPassword');
    weak(
      await carol.put('/api/auth/password', { currentPassword: 'blue lagoon tango', password: 'password1' }),
    );
    expect(
      (
        await carol.put('/api/auth/password', {
          currentPassword: 'blue lagoon tango',
          password: 'green meadow violin',
        })
      ).status,
    ).toBe(204);
    expect((await carol.get('/api/auth/session')).status).toBe(200);
    expect((await other.get('/api/auth/session')).status).toBe(401);
    expect((await login(new Client(server.url), 'carol@example.com', 'green meadow violin')).status).toBe(
      200,
    );
  });
  it('keeps answering when the mail server refuses: invites and resets the same, whether the account exists or not', async () => {
    const warned: string[] = [];
    const logger = { info() {}, warn: (_: unknown, msg: string) => void warned.push(msg) };
    server.parley.ctx.mailer = createMailer('smtp://127.0.0.1:1', logger as unknown as FastifyBaseLogger);
    await invite(owner.workspaceId, 'dora@example.com');
    for (const email of ['dora-unknown@example.com', 'carol@example.com']) {
      expect((await new Client(server.url).post('/api/auth/password-reset', { email })).status, email).toBe(
        202,
      );
    }
    // Both mails (the invitation and the existing account's reset) failed, were logged, and the
    // server is still here.
    await waitFor(() => warned.length === 2);
    expect(warned).toEqual(['e-mail not sent', 'e-mail not sent']);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
