import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, setupOwner, startTestServer, type TestServer, waitFor } from '../../../test/harness.ts';

describe('auth', () => {
  let server: TestServer;
  let smtp: SMTPServer;
  const mails: string[] = [];

  beforeAll(async () => {
    // A real SMTP exchange: the reset link travels through an SMTP server started here.
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, done) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => {
          raw += chunk.toString('utf8');
        });
        stream.on('end', () => {
          // Undo quoted-printable soft breaks and escapes so the link can be read back.
          mails.push(raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='));
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    server = await startTestServer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      loginRateLimit: 30,
      lockoutThreshold: 4,
    });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('offers setup once, then refuses a second owner', async () => {
    const anon = new Client(server.url);
    expect((await anon.get('/api/setup')).body).toEqual({ needsSetup: true });
    const owner = await setupOwner(server.url);
    expect(owner.workspaceId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await anon.get('/api/setup')).body).toEqual({ needsSetup: false });
    const again = await anon.post('/api/setup', {
      name: 'Mallory',
      email: 'mallory@example.com',
      password: 'correct horse',
      workspaceName: 'Evil',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('logs in with an httpOnly SameSite cookie and logs out', async () => {
    const client = new Client(server.url);
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36',
      },
      body: JSON.stringify({ email: 'OWNER@example.com', password: 'correct horse' }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/parley_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    client.cookie = cookie.split(';')[0]!;
    const session = await client.get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe('owner@example.com');
    expect(session.body.workspaces[0].role).toBe('owner');

    const out = await client.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect((await client.get('/api/auth/session')).status).toBe(401);
  });

  it('records logins and logouts with IP, browser and OS', async () => {
    const owner = await new Client(server.url);
    await owner.request(
      'POST',
      '/api/auth/login',
      { email: 'owner@example.com', password: 'correct horse' },
      {
        'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
      },
    );
    const wid = (await owner.get('/api/auth/session')).body.currentWorkspaceId;
    const history = await owner.get(`/api/workspaces/${wid}/connection-history`);
    expect(history.status).toBe(200);
    const kinds = history.body.map((e: { kind: string }) => e.kind);
    expect(kinds).toContain('logout');
    const latest = history.body[0];
    expect(latest).toMatchObject({
      kind: 'login',
      ip: '127.0.0.1',
      browser: 'Firefox 128',
      os: 'Windows 10',
    });
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const client = new Client(server.url);
    await client.post('/api/auth/login', { email: 'owner@example.com', password: 'correct horse' });
    const wid = (await client.get('/api/auth/session')).body.currentWorkspaceId;
    const csrf = client.csrf;
    client.csrf = '';
    const res = await client.patch(`/api/workspaces/${wid}`, { name: 'Hijacked' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_failed');
    client.csrf = csrf;
    expect((await client.get(`/api/workspaces/${wid}`)).body.name).toBe('Acme');
  });

  it('locks an account after repeated wrong passwords', async () => {
    const client = new Client(server.url);
    await setupMember();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await client.post('/api/auth/login', { email: 'locked@example.com', password: 'wrong one' })).status,
      );
    }
    // Locked answers as a wrong password does, so it tells nobody the account exists.
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const right = await client.post('/api/auth/login', {
      email: 'locked@example.com',
      password: 'correct horse',
    });
    expect(right.status).toBe(401);
    expect(right.body.error.message).toMatch(/locked/);
  });

  it('resets a password through a link sent by e-mail', async () => {
    const client = new Client(server.url);
    const res = await client.post('/api/auth/password-reset', { email: 'owner@example.com' });
    expect(res.status).toBe(202);
    // Sent in the background (the answer does not wait for the mail server): it arrives.
    const mail = await waitFor(() => mails.find((m) => m.includes('reset-password?token=')));
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail!)![1]!;
    const confirm = await client.post('/api/auth/password-reset/confirm', {
      token,
      password: 'a new secret',
    });
    expect(confirm.status).toBe(204);
    const reuse = await client.post('/api/auth/password-reset/confirm', { token, password: 'another one!' });
    expect(reuse.status).toBe(404);
    expect(reuse.body.error.field).toBe('token');
    const login = await client.post('/api/auth/login', {
      email: 'owner@example.com',
      password: 'a new secret',
    });
    expect(login.status).toBe(200);
    const old = await client.post('/api/auth/login', {
      email: 'owner@example.com',
      password: 'correct horse',
    });
    expect(old.status).toBe(401);
  });

  it('rate-limits a burst of logins from one IP', async () => {
    const client = new Client(server.url);
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        client.post('/api/auth/login', { email: 'nobody@example.com', password: 'x' }),
      ),
    );
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body.error.code).toBe('rate_limited');
  });

  async function setupMember() {
    const owner = new Client(server.url);
    await owner.post('/api/auth/login', { email: 'owner@example.com', password: 'correct horse' });
    const wid = (await owner.get('/api/auth/session')).body.currentWorkspaceId;
    const invite = await owner.post(`/api/workspaces/${wid}/invites`, {
      email: 'locked@example.com',
      role: 'operator',
    });
    const token = String(invite.body.url).split('/invite/')[1];
    await new Client(server.url).post(`/api/invites/${token}/accept`, {
      name: 'Lou',
      password: 'correct horse',
    });
  }
});
