/**
 * Start-up time of `npm start` (the server built at install, apps/server/dist/main.js) on the embedded
 * database: until the server listens and answers /healthz, first on a new data directory, then again
 * on the one just created. Beside it, the bare floors of the same run: a node process with the same
 * flags answering /healthz from `node:http`, and one that only opens that PGlite directory (with the
 * extension Parley loads) and runs `SELECT 1` — what any server on this machine and database needs.
 * Prints `bare: …`, then `startup: new <X> s, existing <Y> s`.
 *
 *   npm run bench:startup
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pgliteDir } from '../apps/server/src/platform/db/client.ts';
import { startNodeFlags } from '../apps/server/test/server-process.ts';

const root = path.resolve(import.meta.dirname, '..');
const main = path.join(root, 'apps/server/dist/main.js');
if (!fs.existsSync(main)) throw new Error('apps/server/dist/main.js is missing: run `npm run build:server`');

/**
 * Seconds from spawning `args` (after `npm start`'s node flags) until it prints where it listens and
 * that address answers /healthz.
 */
async function timeToHealthy(args: string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [...startNodeFlags(), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
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

const start = (dataDir: string) =>
  timeToHealthy([main], {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    DATABASE_URL: '',
    REDIS_URL: '',
  });

/** What the bare processes run last: listen, answer /healthz, say where as the server does. */
const listen = `(await import('node:http')).createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', function () {
  console.log('Server listening at http://127.0.0.1:' + this.address().port);
});`;

/** The floor of any server: node itself, listening and answering /healthz. */
const bareNode = () => timeToHealthy(['--input-type=module', '-e', listen], {});

/** The floor of the embedded database: opening an existing directory and answering one query. */
const barePglite = (pgDir: string) =>
  timeToHealthy(
    [
      '--input-type=module',
      '-e',
      `import { PGlite } from '@electric-sql/pglite';
      import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
      import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
      const db = new PGlite({ dataDir: process.env.BARE_PGDIR, extensions: { pg_trgm, unaccent } });
      await db.query('SELECT 1');
      ${listen}`,
    ],
    { BARE_PGDIR: pgDir },
  );

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-startup-'));
try {
  const fresh = await start(dataDir);
  const existing = await start(dataDir);
  const node = await bareNode();
  const pglite = await barePglite(pgliteDir(dataDir));
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, load average ${os.loadavg()[0]?.toFixed(1)}`,
  );
  console.log(
    `bare: node answering /healthz ${node.toFixed(2)} s, PGlite opening this data directory ${pglite.toFixed(2)} s`,
  );
  console.log(`startup: new ${fresh.toFixed(2)} s, existing ${existing.toFixed(2)} s`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
