/**
 * Routing under contention, two bursts for a team of M operators whose statuses flip meanwhile:
 * N first messages at once (assignments per second, creating the conversations included, and how
 * long after the last arrival the last assignment came), then a queue of N drained when everyone
 * comes back from a break (the router's own assignments per second). The last line,
 * `violations: N`, counts every broken ROUTE-4 rule found by replaying the outbox in commit order
 * (N must be 0). Beside them, bare 1,000-row INSERTs on the same database in the same run.
 * `BENCH_PROFILE=1` writes a CPU profile of the server into .tmp/.
 *
 *   npm run bench:routing                          # PGlite in a temporary directory
 *   DATABASE_URL=postgres://… npm run bench:routing
 *   BENCH_CONVERSATIONS=1000 BENCH_OPERATORS=20 npm run bench:routing
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import WebSocket from 'ws';
import { auditRouting } from '../apps/server/src/modules/routing/invariants.ts';
import { openDatabase } from '../apps/server/src/platform/db/client.ts';
import { startServerProcess, stopServerProcess } from '../apps/server/test/server-process.ts';
import { bareInserts } from './baselines.ts';

const conversationsN = Number(process.env.BENCH_CONVERSATIONS ?? 600);
const operatorsN = Number(process.env.BENCH_OPERATORS ?? 20);
// The largest team capacity there is: the arrivals, then a queue of up to N more, fit in it.
const capacity = 50;
const queuedN = Math.min(conversationsN, capacity * operatorsN - conversationsN);
const databaseUrl = process.env.DATABASE_URL;

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(sql);
  await client.end();
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
type Json = any;

async function call(
  url: string,
  init: {
    method?: string;
    body?: unknown;
    cookie?: string;
    csrf?: string;
    token?: string;
    retries?: number;
  } = {},
): Promise<{ body: Json; cookie: string }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.csrf ? { 'x-csrf-token': init.csrf } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  // A busy pool answers 503 with Retry-After (a loaded machine): the clients the bench plays retry.
  if (res.status === 503 && (init.retries ?? 0) < 5) {
    await new Promise((r) => setTimeout(r, 1000));
    return call(url, { ...init, retries: (init.retries ?? 0) + 1 });
  }
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  return { body: text ? JSON.parse(text) : null, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-routing-'));
const dbName = `parley_bench_routing_${Date.now()}`;
let dbUrl: string | undefined;
if (databaseUrl) {
  await admin(`CREATE DATABASE ${dbName}`);
  const u = new URL(databaseUrl);
  u.pathname = `/${dbName}`;
  dbUrl = u.toString();
}

// BENCH_PROFILE=1 writes a CPU profile of the server (.cpuprofile) into .tmp/ for a look at hot spots.
// BENCH_NODE_ARGS passes other flags to the server's node (e.g. `--import ./counter.mjs`).
const server = await startServerProcess(
  {
    DATABASE_URL: dbUrl ?? '',
    REDIS_URL: '',
    DATA_DIR: dataDir,
    WIDGET_SESSION_RATE_LIMIT: '1000000',
    LOGIN_RATE_LIMIT: '1000000',
  },
  {
    nodeArgs: process.env.BENCH_PROFILE
      ? ['--cpu-prof', '--cpu-prof-dir=.tmp']
      : process.env.BENCH_NODE_ARGS
        ? process.env.BENCH_NODE_ARGS.split(' ')
        : [],
  },
);
const { url } = server;
if (process.env.BENCH_SERVER_LOG) {
  const log = fs.createWriteStream(process.env.BENCH_SERVER_LOG);
  server.child.stdout!.pipe(log);
}
server.child.on('exit', (code, signal) => console.log(`server exited: ${code} ${signal}`));

let workspaceId = '';
let elapsed = 0;
let created = 0;
let drainSeconds = 0;
let arrivalsAssigned = 0;
let drainFlips = 0;
let assigned = 0;
let flips = 0;
const sockets: WebSocket[] = [];
try {
  const setup = await call(`${url}/api/setup`, {
    method: 'POST',
    body: {
      name: 'Bench Owner',
      email: 'owner@bench.test',
      password: 'bench-password',
      workspaceName: 'Bench',
    },
  });
  const owner = { cookie: setup.cookie, csrf: setup.body.csrfToken as string };
  workspaceId = setup.body.currentWorkspaceId;
  const w = `${url}/api/workspaces/${workspaceId}`;
  const widgetKey = (await call(w, owner)).body.widgetKey as string;

  const operators: { cookie: string; csrf: string; userId: string }[] = [];
  for (let i = 0; i < operatorsN; i++) {
    const invite = await call(`${w}/invites`, {
      ...owner,
      method: 'POST',
      body: { email: `op${i}@bench.test`, role: 'operator' },
    });
    const token = String(invite.body.url).split('/invite/')[1];
    const accepted = await call(`${url}/api/invites/${token}/accept`, {
      method: 'POST',
      body: { name: `Operator ${i}`, password: 'bench-password' },
    });
    operators.push({ cookie: accepted.cookie, csrf: accepted.body.csrfToken, userId: accepted.body.user.id });
    const ws = new WebSocket(`${url.replace('http', 'ws')}/api/realtime?workspaceId=${workspaceId}`, {
      headers: { cookie: accepted.cookie },
    });
    await new Promise((resolve) => ws.on('message', resolve));
    sockets.push(ws);
  }
  const team = await call(`${w}/teams`, {
    ...owner,
    method: 'POST',
    body: { name: 'All', rule: 'least_busy', capacity },
  });
  await call(`${w}/teams/${team.body.id}/members`, {
    ...owner,
    method: 'PUT',
    body: { userIds: operators.map((o) => o.userId) },
  });
  await call(`${w}/routing`, { ...owner, method: 'PATCH', body: { defaultTeamId: team.body.id } });

  const sessions = async (n: number) => {
    const tokens: string[] = [];
    for (let i = 0; i < n; i++) {
      tokens.push(
        (await call(`${url}/api/widget/sessions`, { method: 'POST', body: { workspaceKey: widgetKey } })).body
          .token,
      );
    }
    return tokens;
  };
  const firstMessages = (tokens: string[], label: string) =>
    Promise.all(
      tokens.map((token, i) =>
        call(`${url}/api/widget/messages`, {
          method: 'POST',
          token,
          body: { clientId: `${label}-${i}-x`, text: `${label} customer ${i}` },
        }),
      ),
    );
  const setAll = (status: string) =>
    Promise.all(operators.map((op) => call(`${w}/me/status`, { ...op, method: 'PUT', body: { status } })));
  /** Flips random operators between Connected and On break until stopped; counts the flips. */
  const flipStatuses = () => {
    let flipping = true;
    let n = 0;
    const running = (async () => {
      while (flipping) {
        const op = operators[Math.floor(Math.random() * operators.length)]!;
        const status = Math.random() < 0.3 ? 'on_break' : 'connected';
        await call(`${w}/me/status`, { ...op, method: 'PUT', body: { status } });
        n++;
      }
    })();
    return async () => {
      flipping = false;
      await running;
      return n;
    };
  };
  const assignedReaches = async (n: number) => {
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline) {
      const queue = (await call(`${w}/operators`, owner)).body as { active: number }[];
      assigned = queue.reduce((sum, o) => sum + o.active, 0);
      if (assigned >= n) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  // 1. Arrivals: N first messages at once while statuses flip; routed as they are created. Once
  //    every first message is in, everyone is Connected again so that all can be assigned.
  let tokens = await sessions(conversationsN);
  let stopFlips = flipStatuses();
  const started = performance.now();
  await firstMessages(tokens, 'arrival');
  created = (performance.now() - started) / 1000;
  flips = await stopFlips();
  await setAll('connected');
  await assignedReaches(conversationsN);
  elapsed = (performance.now() - started) / 1000;
  arrivalsAssigned = assigned;

  // 2. The router alone: N more wait in the queue while everyone is on break; everyone comes back at
  //    once and statuses flip while the queue drains.
  await setAll('on_break');
  tokens = await sessions(queuedN);
  await firstMessages(tokens, 'queued');
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; ) {
    const queue = (await call(`${w}/queue`, owner)).body as { queued: number };
    if (queue.queued >= queuedN) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const drainStarted = performance.now();
  await setAll('connected');
  stopFlips = flipStatuses();
  // Flips stop once most of the queue is gone; then everyone is Connected so that the rest can go.
  await assignedReaches(conversationsN + Math.floor(queuedN * 0.9));
  drainFlips = await stopFlips();
  await setAll('connected');
  await assignedReaches(conversationsN + queuedN);
  drainSeconds = (performance.now() - drainStarted) / 1000;
} finally {
  for (const ws of sockets) ws.close();
  await stopServerProcess(server);
}

// The server is stopped: its database (and the embedded one's lock) is free to read the outbox.
const database = await openDatabase({ url: dbUrl, dataDir });
const audit = await auditRouting(database.db, workspaceId);
// The server's own clock: from the first conversation of the first burst created to its last one
// assigned by the router.
const { rows: spans } = await database.db.execute<{
  first: string;
  lastCreated: string;
  lastAssigned: string;
}>(sql`
  WITH arrivals AS (
    SELECT created_at, name, payload->>'change' AS change FROM events
    WHERE workspace_id = ${workspaceId} AND payload->'conversation'->>'id' IN (
      SELECT payload->'conversation'->>'id' FROM events
      WHERE workspace_id = ${workspaceId} AND name = 'message.created' AND payload->'message'->>'text' LIKE 'arrival %'))
  SELECT min(created_at) FILTER (WHERE name = 'conversation.created') AS "first",
    max(created_at) FILTER (WHERE name = 'conversation.created') AS "lastCreated",
    max(created_at) FILTER (WHERE name = 'conversation.updated' AND change = 'assigned') AS "lastAssigned"
  FROM arrivals`);
const span = spans[0]!;
const seconds = (from: string, to: string) => (new Date(to).getTime() - new Date(from).getTime()) / 1000;
await database.close();
if (databaseUrl) await admin(`DROP DATABASE ${dbName} WITH (FORCE)`);
fs.rmSync(dataDir, { recursive: true, force: true });

console.log(
  `routing: ${conversationsN} conversations, ${operatorsN} operators (capacity ${capacity}), ${flips} status flips, ` +
    `database ${databaseUrl ? 'PostgreSQL' : 'PGlite'}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
console.log(
  `routing: ${arrivalsAssigned}/${conversationsN} assigned in ${elapsed.toFixed(1)} s, ${Math.round(conversationsN / elapsed)} assignments/s (creating the conversations included)`,
);
console.log(
  `routing: the first messages answered in ${created.toFixed(1)} s (${Math.round(conversationsN / created)}/s); ` +
    `server side: created over ${seconds(span.first, span.lastCreated).toFixed(1)} s, the last assigned ` +
    `${seconds(span.lastCreated, span.lastAssigned).toFixed(1)} s after the last arrival`,
);
console.log(
  `routing: ${assigned - arrivalsAssigned}/${queuedN} queued drained in ${drainSeconds.toFixed(1)} s, ${Math.round((assigned - arrivalsAssigned) / drainSeconds)} assignments/s (${drainFlips} status flips meanwhile)`,
);
// The database's ceiling in this run, on this machine: rows a second with 1,000-row INSERTs.
console.log(
  `routing: bare 1,000-row INSERTs ${Math.round(await bareInserts(databaseUrl))} rows/s (the same run)`,
);
for (const violation of audit.violations.slice(0, 20)) console.log(`violation: ${violation}`);
console.log(`violations: ${audit.violations.length} (${audit.assignments} router assignments checked)`);
