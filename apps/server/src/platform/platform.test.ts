import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { startTestServer, type TestServer, waitFor } from '../../test/harness.ts';
import { lockDataDir } from './db/lock.ts';

describe('platform', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('answers /healthz with version and database kind', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { database: string };
    expect(body).toMatchObject({ status: 'ok', version: '0.1.0' });
    expect(body.database).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  });

  it('answers /readyz when the database answers', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      database: 'ok',
      redis: process.env.REDIS_URL ? 'ok' : 'not used',
    });
  });

  it('serves an OpenAPI document generated from the contracts', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by path
    const doc: any = await (await fetch(`${server.url}/api/openapi.json`)).json();
    expect(doc.openapi).toMatch(/^3\./);
    const invite = doc.paths['/api/workspaces/{workspaceId}/invites'].post;
    const schema = invite.requestBody.content['application/json'].schema;
    expect(schema.required).toContain('email');
    expect(schema.properties.role.enum).toEqual(['owner', 'admin', 'supervisor', 'operator']);
  });

  it('answers unknown API routes with the one error shape', async () => {
    const res = await fetch(`${server.url}/api/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /api/nope' } });
  });

  it('locks the embedded data directory against a second process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-lock-'));
    const release = lockDataDir(dir);
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
        env: { ...process.env, DATA_DIR: dir, PORT: '0', DATABASE_URL: '', REDIS_URL: '' },
        cwd: path.resolve(import.meta.dirname, '../../../..'),
      });
      // Never left running: a test that timed out would leave a server behind once the lock is gone.
      onTestFinished(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(/locked by another Parley process/);
      expect(stderr).toContain(path.join(dir, 'parley.lock'));
    } finally {
      release();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // A process compiling the server's TypeScript as it starts: minutes on a loaded machine, not seconds.
  }, 180_000);

  it('stops cleanly when asked to while starting: the embedded database closed and its lock given back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-stop-starting-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
      env: { ...process.env, DATA_DIR: dir, PORT: '0', DATABASE_URL: '', REDIS_URL: '' },
      cwd: path.resolve(import.meta.dirname, '../../../..'),
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<[number | null, string | null]>((resolve) =>
      child.on('exit', (code, signal) => resolve([code, signal])),
    );
    // The lock is taken as the database opens, before its migrations: the start is under way.
    const lock = path.join(dir, 'parley.lock');
    await waitFor(() => fs.existsSync(lock), 170_000);
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    expect(output).toContain('stopping once started');
    expect(fs.existsSync(lock)).toBe(false);
  }, 180_000);

  it('locks a data directory on a file system without hard links', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-lock-nolink-'));
    const link = vi.spyOn(fs, 'linkSync').mockImplementation(() => {
      throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
    });
    try {
      const release = lockDataDir(dir);
      expect(link).toHaveBeenCalled();
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'parley.lock'), 'utf8')).pid).toBe(process.pid);
      expect(fs.readdirSync(dir)).toEqual(['parley.lock']);
      release();
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      link.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets only one of several servers starting at the same moment on a new data directory take it', async () => {
    // Seen with four processes racing on 150 new directories: one lock file created empty and written
    // after was read empty by another, taken for a stale one and taken over — 10 directories had two
    // or three owners, all alive.
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-lock-race-'));
    const rounds = 150;
    const racers = 4;
    const script = path.join(base, 'racer.mts');
    fs.writeFileSync(
      script,
      `import fs from 'node:fs';
      import path from 'node:path';
      import { lockDataDir } from ${JSON.stringify(path.join(import.meta.dirname, 'db/lock.ts'))};
      const [base, rounds] = [process.argv[2], Number(process.argv[3])];
      const wait = (name) => new Promise((resolve) => {
        const look = () => (fs.existsSync(path.join(base, name)) ? resolve() : setTimeout(look, 5));
        look();
      });
      fs.writeFileSync(path.join(base, 'ready-' + process.pid), '');
      await wait('go');
      const start = Number(fs.readFileSync(path.join(base, 'go'), 'utf8'));
      for (let r = 0; r < rounds; r++) {
        while (Date.now() < start + r * 20) {}
        const dir = path.join(base, 'r' + r);
        try {
          lockDataDir(dir);
          fs.appendFileSync(path.join(dir, 'owners'), process.pid + '\\n');
        } catch {}
      }
      fs.writeFileSync(path.join(base, 'finished-' + process.pid), '');
      // Alive until every racer is done: a lock of a process that exited may be taken over.
      await wait('exit');
      `,
    );
    const children = Array.from({ length: racers }, () =>
      spawn(process.execPath, ['--import', 'tsx', script, base, String(rounds)], {
        cwd: path.resolve(import.meta.dirname, '../../../..'),
        stdio: 'ignore',
      }),
    );
    onTestFinished(() => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(base, { recursive: true, force: true });
    });
    const count = (prefix: string) => fs.readdirSync(base).filter((f) => f.startsWith(prefix)).length;
    await waitFor(() => count('ready-') === racers, 170_000);
    fs.writeFileSync(path.join(base, 'go'), String(Date.now() + 200));
    await waitFor(() => count('finished-') === racers, 60_000);
    fs.writeFileSync(path.join(base, 'exit'), '');
    await Promise.all(children.map((child) => new Promise((resolve) => child.on('exit', resolve))));
    const owners = Array.from({ length: rounds }, (_, r) =>
      fs
        .readFileSync(path.join(base, `r${r}`, 'owners'), 'utf8')
        .trim()
        .split('\n'),
    );
    expect(owners.filter((o) => o.length !== 1)).toEqual([]);
  }, 240_000);

  it('takes over a lock left behind by a process that died, or whose pid another process now has', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-lock-'));
    const file = path.join(dir, 'parley.lock');
    const ownerOf = () => (JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }).pid;
    try {
      // A lock of an earlier version (the bare pid) of a process that is gone.
      fs.writeFileSync(file, '999999');
      let release = lockDataDir(dir);
      expect(ownerOf()).toBe(process.pid);
      release();
      expect(fs.existsSync(file)).toBe(false);
      // pid 1 lives, but it is not the process that wrote this lock: it started at another time.
      fs.writeFileSync(file, JSON.stringify({ pid: 1, started: '1' }));
      release = lockDataDir(dir);
      expect(ownerOf()).toBe(process.pid);
      // Released, it never removes a lock that another process has taken over since.
      fs.writeFileSync(file, JSON.stringify({ pid: 1, started: null }));
      release();
      expect(ownerOf()).toBe(1);
      // …and that one (a live pid, no start time to compare) is respected.
      expect(() => lockDataDir(dir)).toThrow(/locked by another Parley process \(pid 1,/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
