/**
 * The message path under load: N visitors write over HTTP, M operators listen on WebSockets; every
 * message is persisted and delivered. Prints messages/s and visitor→operator latency, and in the same
 * run the figures of a bare `ws` echo and of bare batched inserts on the same machine and database.
 *
 *   npm run bench:messages                       # PGlite in a temporary directory
 *   DATABASE_URL=postgres://… npm run bench:messages
 *   BENCH_VISITORS=200 BENCH_OPERATORS=20 BENCH_SECONDS=15 npm run bench:messages
 *
 * Then the open loop (BENCH_OPEN=0 skips it): a generator in its own process sends over visitor
 * sockets at fixed total rates (BENCH_OPEN_RATES, BENCH_OPEN_STEP_SECONDS) and reports the highest
 * rate whose p99 stays under 50 ms: `parley open-loop: <N> msg/s at p99 <X> ms`.
 *
 * BENCH_SERVER_LOG=<file> appends what the server prints there (with BENCH_NODE_ARGS=--trace-gc-nvp,
 * every collection's pause and what it promoted).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { startServerProcess } from '../apps/server/test/server-process.ts';
import { bareInserts, bareWs } from './baselines.ts';
import { percentile } from './stats.ts';

const visitorsN = Number(process.env.BENCH_VISITORS ?? 100);
const operatorsN = Number(process.env.BENCH_OPERATORS ?? 10);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
/** Monitoring pages kept open during a second closed-loop run (0 skips that run). */
const supervisorsN = Number(process.env.BENCH_SUPERVISORS ?? 3);
const databaseUrl = process.env.DATABASE_URL;

const round = (n: number) => Math.round(n);

async function startServer(): Promise<{
  url: string;
  child: ChildProcess;
  dataDir: string;
  drop(): Promise<void>;
}> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  let dbUrl = databaseUrl;
  const name = `parley_bench_${Date.now()}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  if (databaseUrl) {
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(databaseUrl);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
  }
  // BENCH_PROFILE=1 writes a CPU profile of the server (.cpuprofile) into .tmp/ for a look at hot spots.
  // BENCH_NODE_ARGS passes other flags to the server's node (e.g. `--import ./counter.mjs`).
  const { url, child } = await startServerProcess(
    { DATABASE_URL: dbUrl ?? '', REDIS_URL: '', DATA_DIR: dataDir, WIDGET_MESSAGE_RATE_LIMIT: '1000000000' },
    {
      nodeArgs: process.env.BENCH_PROFILE
        ? ['--cpu-prof', '--cpu-prof-dir=.tmp']
        : process.env.BENCH_NODE_ARGS
          ? process.env.BENCH_NODE_ARGS.split(' ')
          : [],
    },
  );
  return {
    url,
    child,
    dataDir,
    drop: async () => (databaseUrl ? admin(`DROP DATABASE ${name} WITH (FORCE)`) : undefined),
  };
}

async function json(url: string, init: RequestInit & { cookie?: string; csrf?: string } = {}) {
  const res = await fetch(url, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.csrf ? { 'x-csrf-token': init.csrf } : {}),
      ...(init.headers as Record<string, string>),
    },
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  const body: any = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(body)}`);
  return { body, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' };
}

interface BenchSetup {
  widgetKey: string;
  workspaceId: string;
  /** Operator session cookies (the first is the owner's). */
  cookies: string[];
  /** Visitor tokens, each with an open conversation after the warm-up. */
  visitors: string[];
}

async function parleySetup(url: string): Promise<BenchSetup> {
  const setup = await json(`${url}/api/setup`, {
    method: 'POST',
    body: JSON.stringify({
      name: 'Bench Owner',
      email: 'owner@bench.test',
      password: 'bench-password',
      workspaceName: 'Bench',
    }),
  });
  const owner = { cookie: setup.cookie, csrf: setup.body.csrfToken as string };
  const workspaceId = setup.body.currentWorkspaceId as string;
  const { body: workspace } = await json(`${url}/api/workspaces/${workspaceId}`, { cookie: owner.cookie });

  // Operators: invited supervisors, who see every conversation (the widest fan-out).
  const operators: string[] = [owner.cookie];
  for (let i = 1; i < operatorsN; i++) {
    const invite = await json(`${url}/api/workspaces/${workspaceId}/invites`, {
      method: 'POST',
      cookie: owner.cookie,
      csrf: owner.csrf,
      body: JSON.stringify({ email: `op${i}@bench.test`, role: 'supervisor' }),
    });
    const token = String(invite.body.url).split('/invite/')[1];
    const accepted = await json(`${url}/api/invites/${token}/accept`, {
      method: 'POST',
      body: JSON.stringify({ name: `Operator ${i}`, password: 'bench-password' }),
    });
    operators.push(accepted.cookie);
  }

  const visitors = await Promise.all(
    Array.from({ length: visitorsN }, async (_, i) => {
      const { body } = await json(`${url}/api/widget/sessions`, {
        method: 'POST',
        body: JSON.stringify({ workspaceKey: workspace.widgetKey, visitorId: `bench-visitor-${i}` }),
      });
      return body.token as string;
    }),
  );
  // Warm-up: each visitor's first message opens its conversation (the full transaction path); the
  // measured runs are the steady state of messages to open conversations.
  await Promise.all(
    visitors.map((token, v) =>
      json(`${url}/api/widget/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ clientId: `warmup-${v}`, text: 'hello' }),
      }),
    ),
  );
  await new Promise((r) => setTimeout(r, 500));
  return { widgetKey: workspace.widgetKey as string, workspaceId, cookies: operators, visitors };
}

/** A socket on the workspace feed, resolved once the server says `ready`. */
/** The part of a feed event the bench reads. */
interface FeedEvent {
  name: string;
  payload: { message?: { clientId?: string } };
}

function feedSocket(url: string, workspaceId: string, cookie: string, onEvent: (event: FeedEvent) => void) {
  return new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/api/realtime?workspaceId=${workspaceId}`, {
      headers: { cookie },
    });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'ready') resolve(ws);
      if (message.type === 'event') onEvent(message.event);
    });
    ws.on('error', reject);
  });
}

/**
 * What an open monitoring page costs the server: the console marks the page's queries stale at most
 * once a second while events arrive (`use-realtime.ts`), then refetches the figures (per team) and the
 * three case lists and the operator strip. Returns a stop function with the refresh count and timings.
 */
async function monitoringPages(url: string, setup: BenchSetup, pages: number) {
  const base = `${url}/api/workspaces/${setup.workspaceId}`;
  const requests = [
    '/metrics?period=today&segment=team',
    '/monitoring/cases?kind=current',
    '/monitoring/cases?kind=recover',
    '/monitoring/cases?kind=queued',
    '/operators',
  ];
  const timings: number[] = [];
  let stopped = false;
  const sockets = await Promise.all(
    Array.from({ length: pages }, (_, i) => {
      const cookie = setup.cookies[i % setup.cookies.length]!;
      let pending: NodeJS.Timeout | null = null;
      const refresh = async () => {
        pending = null;
        if (stopped) return;
        const started = performance.now();
        await Promise.all(requests.map((r) => json(`${base}${r}`, { cookie })));
        timings.push(performance.now() - started);
      };
      return feedSocket(url, setup.workspaceId, cookie, () => {
        if (!pending && !stopped) pending = setTimeout(() => void refresh(), 1000);
      });
    }),
  );
  return () => {
    stopped = true;
    for (const ws of sockets) ws.close();
    timings.sort((a, b) => a - b);
    return { refreshes: timings.length, p95: percentile(timings, 0.95) };
  };
}

async function closedLoop(url: string, setup: BenchSetup) {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  // Latency is measured to the first operator socket that shows the message.
  const sockets = await Promise.all(
    setup.cookies.map((cookie, index) =>
      feedSocket(url, setup.workspaceId, cookie, (event) => {
        if (index !== 0 || event.name !== 'message.created') return;
        const start = sentAt.get(event.payload.message?.clientId ?? '');
        if (start !== undefined) {
          latencies.push(performance.now() - start);
          delivered++;
        }
      }),
    ),
  );
  let sent = 0;
  let stop = false;
  const started = performance.now();
  await Promise.all(
    setup.visitors.map(async (token, v) => {
      for (let n = 0; !stop; n++) {
        const clientId = `bench-${v}-${n}-${Math.round(started)}`;
        sentAt.set(clientId, performance.now());
        await json(`${url}/api/widget/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: JSON.stringify({ clientId, text: `message ${n} from visitor ${v}` }),
        });
        sent++;
        if (performance.now() - started > seconds * 1000) stop = true;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const deadline = Date.now() + Number(process.env.BENCH_DRAIN_MS ?? 5000);
  while (delivered < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const ws of sockets) ws.close();
  latencies.sort((a, b) => a - b);
  return {
    sent,
    delivered,
    rate: delivered / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

/**
 * The open loop: a separate process (bench/open-loop.ts) sends over visitor sockets at fixed total
 * rates, step by step, and measures delivery to an operator socket.
 */
async function openLoopRun(
  url: string,
  setup: BenchSetup,
): Promise<{ rate: number; sent: number; delivered: number; p50: number; p99: number }[]> {
  const rates = (process.env.BENCH_OPEN_RATES ?? '250,500,1000,1500,2000,3000,4000,5000,6000,8000')
    .split(',')
    .map(Number);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'open-loop.ts')], {
    env: {
      ...process.env,
      BENCH_OPEN_INPUT: JSON.stringify({
        url,
        widgetKey: setup.widgetKey,
        workspaceId: setup.workspaceId,
        cookies: setup.cookies,
        visitors: Number(process.env.BENCH_OPEN_VISITORS ?? visitorsN),
        stepSeconds: Number(process.env.BENCH_OPEN_STEP_SECONDS ?? 4),
        warmSeconds: Number(process.env.BENCH_OPEN_WARM_SECONDS ?? 3),
        all: process.env.BENCH_OPEN_ALL === '1',
        rates,
      }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`open-loop generator exited with ${code}`);
  return (JSON.parse(out.trim().split('\n').at(-1)!) as { steps: [] }).steps;
}

const server = await startServer();
try {
  console.log(
    `message path: ${visitorsN} visitors, ${operatorsN} operators, ${seconds} s, database ${databaseUrl ? 'PostgreSQL' : 'PGlite'}, ` +
      `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})`,
  );
  const setup = await parleySetup(server.url);
  const parley = await closedLoop(server.url, setup);
  console.log(`parley: sent ${parley.sent}, delivered ${parley.delivered} to the first operator socket`);
  // The same closed loop again while supervisors keep the monitoring page open (issue 7, MON-7).
  let supervision: { run: typeof parley; refreshes: number; p95: number } | null = null;
  if (supervisorsN > 0) {
    const stopPages = await monitoringPages(server.url, setup, supervisorsN);
    const run = await closedLoop(server.url, setup);
    supervision = { run, ...stopPages() };
  }
  const openLoop = process.env.BENCH_OPEN === '0' ? null : await openLoopRun(server.url, setup);
  const ws = await bareWs(visitorsN + operatorsN, seconds);
  const inserts = await bareInserts(databaseUrl);
  console.log(
    `parley: ${round(parley.rate)} msg/s p50 ${parley.p50.toFixed(1)} ms p99 ${parley.p99.toFixed(1)} ms | ` +
      `bare ws: ${round(ws)} msg/s | bare inserts: ${round(inserts)} rows/s`,
  );
  if (supervision) {
    console.log(
      `supervision: operators see messages at ${round(parley.rate)} msg/s p99 ${parley.p99.toFixed(1)} ms alone, ` +
        `${round(supervision.run.rate)} msg/s p99 ${supervision.run.p99.toFixed(1)} ms with ${supervisorsN} monitoring pages open ` +
        `(${supervision.refreshes} page refreshes, p95 ${supervision.p95.toFixed(1)} ms each)`,
    );
  }
  if (openLoop) {
    const best = openLoop.filter((s) => s.p99 < 50).at(-1);
    console.log(
      best
        ? `parley open-loop: ${best.rate} msg/s at p99 ${best.p99.toFixed(1)} ms | bare ws: ${round(ws)} msg/s | bare inserts: ${round(inserts)} rows/s`
        : `parley open-loop: 0 msg/s at p99 ${(openLoop[0]?.p99 ?? 0) >= 1e9 ? '>drain' : openLoop[0]?.p99.toFixed(1)} ms (no step of ${openLoop[0]?.rate} msg/s or more under 50 ms) | bare ws: ${round(ws)} msg/s | bare inserts: ${round(inserts)} rows/s`,
    );
  }
} finally {
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.on('exit', r));
  fs.rmSync(server.dataDir, { recursive: true, force: true });
  await server.drop();
}
