import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * The flags `npm start` gives node (package.json's `start`, e.g. the young generation's size), so the
 * benchmarks and the multi-node tests run the server as it runs in production.
 */
export function startNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
}

/**
 * A real Parley server process on a free loopback port, as another node of an installation would be;
 * used by the multi-node tests and the benchmarks. Resolves once it listens.
 */
export async function startServerProcess(
  env: Record<string, string>,
  opts: { nodeArgs?: string[] } = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [...startNodeFlags(), ...(opts.nodeArgs ?? []), '--import', 'tsx', 'apps/server/src/main.ts'],
    {
      cwd: root,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', PARLEY_SERVE_WEB: '0', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      // Only the tail is kept (for the "listening" line, and to tell why it exited): a benchmark's
      // server logs for minutes.
      out = (out + d).slice(-4000);
      if (process.env.BENCH_SERVER_LOG) fs.appendFileSync(process.env.BENCH_SERVER_LOG, d);
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out.slice(-2000)}`)));
  });
  return { url, child };
}

export async function stopServerProcess(server: ServerProcess): Promise<void> {
  // Already gone: exited, or ended by a signal (a test's SIGKILL), whose 'exit' has been emitted.
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  await new Promise((resolve) => server.child.on('exit', resolve));
}
