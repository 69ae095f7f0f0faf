/**
 * Start-up time of `npm start` (the server built at install, apps/server/dist/main.js) on the embedded
 * database: until the server listens and answers /healthz, first on a new data directory, then again
 * on the one just created. Prints `startup: new <X> s, existing <Y> s`.
 *
 *   npm run bench:startup
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNodeFlags } from '../apps/server/test/server-process.ts';

const root = path.resolve(import.meta.dirname, '..');
const main = path.join(root, 'apps/server/dist/main.js');
if (!fs.existsSync(main)) throw new Error('apps/server/dist/main.js is missing: run `npm run build:server`');

async function start(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [...startNodeFlags(), main], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      DATABASE_URL: '',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out.slice(-2000)}`)));
    });
    const res = await fetch(`${url}/healthz`);
    if (!res.ok) throw new Error(`healthz: ${res.status}`);
    return (performance.now() - started) / 1000;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('exit', resolve));
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-startup-'));
try {
  const fresh = await start(dataDir);
  const existing = await start(dataDir);
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, load average ${os.loadavg()[0]?.toFixed(1)}`,
  );
  console.log(`startup: new ${fresh.toFixed(2)} s, existing ${existing.toFixed(2)} s`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
