import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../../..');

/** Starts the server as `npm start` would, with `env`, and returns how it ended. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    env: { ...process.env, PORT: '0', DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'silent', ...env },
    cwd: root,
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('a server that cannot start', () => {
  let dir: string;
  let busy: net.Server;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-startup-'));
    busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    busy?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says in one line which setting to fix, exits 1, and never prints a password or a stack', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'not a directory');
    const port = (busy.address() as net.AddressInfo).port;
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'abc' }, /PORT must be a whole number from 0 to 65535, not "abc"/],
      [{ DATABASE_URL: 'mysql://u:hunter22@localhost/x' }, /DATABASE_URL must start with postgres:\/\//],
      [
        { DATA_DIR: file },
        /cannot use the data directory .*a-file \(DATA_DIR\): it is a file, not a directory/,
      ],
      [
        { DATABASE_URL: 'postgres://parley:hunter22@127.0.0.1:1/parley' },
        /cannot connect to PostgreSQL at 127\.0\.0\.1:1\/parley \(DATABASE_URL\): the connection was refused/,
      ],
      [
        { DATA_DIR: path.join(dir, 'redis'), REDIS_URL: 'redis://:hunter22@127.0.0.1:1' },
        /cannot connect to Redis at 127\.0\.0\.1:1 \(REDIS_URL\): the connection was refused/,
      ],
      [
        { DATA_DIR: path.join(dir, 'port'), HOST: '127.0.0.1', PORT: String(port) },
        new RegExp(`port ${port} is already in use`),
      ],
    ];
    const results = await Promise.all(cases.map(([env]) => start(env)));
    results.forEach(({ code, stderr }, i) => {
      expect(code, stderr).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines.at(-1), stderr).toMatch(/^parley: could not start: /);
      expect(lines.at(-1)).toMatch(cases[i]![1]);
      expect(stderr).not.toContain('hunter22');
      expect(stderr).not.toMatch(/^\s+at /m);
    });
  }, 60_000);
});
