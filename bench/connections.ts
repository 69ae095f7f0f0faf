/**
 * Many connections on one node: V visitors with their sockets open (presence) and O operators, while
 * some of the visitors chat over their sockets. As in a real team, BENCH_SUPERVISORS (10, the owner
 * among them) watch every conversation and the other operators are connected members of the default
 * team, each receiving the conversations routed to them. Prints the server's RSS, the delivery p99 (a
 * visitor's send to the first supervisor socket showing it; also to the assigned operator) and
 * checks that each visitor socket received only its own conversation's events; beside them, a bare `ws`
 * echo measured in the same run (`bare: …`).
 *
 *   npm run bench:connections                          # PGlite; 20,000 visitors, 500 operators
 *   BENCH_VISITORS=2000 BENCH_OPERATORS=50 DATABASE_URL=postgres://…/empty_db npm run bench:connections
 *
 * With DATABASE_URL, it must name an empty database (the run sets Parley up in it).
 *
 * Needs a file descriptor limit above V + O + 500 (both ends of every socket are on this machine: raise
 * it with `ulimit -n`); under a lower limit it runs as many visitors as fit, and says so. Last line: `connections: <V> visitors, <O> operators, RSS <M> MB, delivery p99 <X> ms`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startServerProcess } from '../apps/server/test/server-process.ts';
import { bareWs } from './baselines.ts';
import { percentile } from './stats.ts';
import { printSlowWindows, timelineOn } from './timeline.ts';

const operatorsN = Number(process.env.BENCH_OPERATORS ?? 500);
const askedVisitors = Number(process.env.BENCH_VISITORS ?? 20_000);
/**
 * This process's limit on open files (`ulimit -n`, from /proc/self/limits; none known elsewhere). The
 * server inherits it, and it holds one file per socket as this process does.
 */
const fileLimit = (() => {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return line?.[1] && line[1] !== 'unlimited' ? Number(line[1]) : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
})();
/** Files the server keeps besides its sockets: database files and connections, its listener, logs. */
const SPARE_FILES = 500;
/** As many visitors as asked, or as fit under the file limit beside the operators (the run says so). */
const visitorsN = Math.max(0, Math.min(askedVisitors, fileLimit - operatorsN - SPARE_FILES));
if (visitorsN < askedVisitors)
  console.log(
    `visitors: ${visitorsN} of the ${askedVisitors} asked — a process may hold ${fileLimit} open files here ` +
      `(ulimit -n) and both ends of every socket are on this machine; raise the limit to run them all`,
  );
/** Of the operators, how many are supervisors (they see every conversation); the others handle their own. */
const supervisorsN = Math.min(operatorsN, Number(process.env.BENCH_SUPERVISORS ?? 10));
const chattingN = Math.min(visitorsN, Number(process.env.BENCH_CHATTING ?? 200));
const rate = Number(process.env.BENCH_RATE ?? 200);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
/** Conversations each operator of the team may hold at once. */
const capacity = 10;

// biome-ignore lint/suspicious/noExplicitAny: responses and frames are read field by field
type Any = any;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-connections-'));
const { url, child } = await startServerProcess(
  {
    DATABASE_URL: process.env.DATABASE_URL ?? '',
    REDIS_URL: '',
    DATA_DIR: dataDir,
    WIDGET_MESSAGE_RATE_LIMIT: '1000000000',
    WIDGET_SESSION_RATE_LIMIT: '1000000000',
    // Operators are invited and accept from this one address.
    LOGIN_RATE_LIMIT: '1000000000',
  },
  // Flags for the server's node, as bench:messages (e.g. `--cpu-prof --cpu-prof-dir=.tmp`).
  { nodeArgs: process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [] },
);
const wsUrl = url.replace('http', 'ws');
/** One JSON request; as a member when `as` (its cookie and CSRF token) is given. */
const request = async (method: string, p: string, body: unknown, as?: { cookie: string; csrf: string }) => {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(as ? { cookie: as.cookie, 'x-csrf-token': as.csrf } : {}),
    },
    body: JSON.stringify(body),
  });
  const json: Any = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return { json, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' };
};
const post = (p: string, body: unknown, as?: { cookie: string; csrf: string }) =>
  request('POST', p, body, as);
const rssMb = () => {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};
const open = (u: string, headers: Record<string, string>, onMessage: (m: Any) => void) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(u, { headers });
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.type === 'ready') resolve(ws);
      onMessage(m);
    });
    ws.on('error', reject);
  });
/** Runs `fn` over `items` with at most `n` at once. */
async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

try {
  const setup = await post('/api/setup', {
    name: 'Bench Owner',
    email: 'owner@bench.test',
    password: 'bench-password',
    workspaceName: 'Bench',
  });
  const workspaceId = setup.json.currentWorkspaceId as string;
  const owner = { cookie: setup.cookie, csrf: setup.json.csrfToken as string };
  const workspace: Any = await (
    await fetch(`${url}/api/workspaces/${workspaceId}`, { headers: { cookie: owner.cookie } })
  ).json();
  const members = [{ cookie: owner.cookie, csrf: owner.csrf, userId: '' }];
  await pool(
    Array.from({ length: operatorsN - 1 }, (_, i) => i + 1),
    8,
    async (i) => {
      const invite = await post(
        `/api/workspaces/${workspaceId}/invites`,
        { email: `op${i}@bench.test`, role: i < supervisorsN ? 'supervisor' : 'operator' },
        owner,
      );
      const token = String(invite.json.url).split('/invite/')[1];
      const accepted = await post(`/api/invites/${token}/accept`, {
        name: `Operator ${i}`,
        password: 'bench-password',
      });
      members[i] = {
        cookie: accepted.cookie,
        csrf: accepted.json.csrfToken as string,
        userId: accepted.json.user.id as string,
      };
    },
  );
  // The operators form the default team and are connected: each conversation is routed to one.
  const handlers = members.slice(supervisorsN);
  const w = `/api/workspaces/${workspaceId}`;
  if (handlers.length > 0) {
    const team = (await post(`${w}/teams`, { name: 'All', rule: 'least_busy', capacity }, owner)).json;
    await request('PUT', `${w}/teams/${team.id}/members`, { userIds: handlers.map((m) => m.userId) }, owner);
    await request('PATCH', `${w}/routing`, { defaultTeamId: team.id }, owner);
  }
  const sentAt = new Map<string, number>();
  const routed = new Set<string>();
  /** Each message the first supervisor saw: when it was sent, how long it took. */
  const samples: { sentAt: number; latency: number }[] = [];
  const toAssignee = new Map<string, number>();
  const operators = await pool(members, 50, (member, index) =>
    open(`${wsUrl}/api/realtime?workspaceId=${workspaceId}`, { cookie: member.cookie }, (m) => {
      // Every operator hears a conversation leave the queue: the last one to connect counts them.
      if (index === members.length - 1 && m.type === 'event' && m.event.payload.change === 'assigned')
        routed.add(m.event.payload.conversation.id);
      if (m.type !== 'event' || m.event.name !== 'message.created') return;
      const clientId = m.event.payload.message.clientId;
      const start = sentAt.get(clientId);
      if (start === undefined) return;
      if (index === 0) samples.push({ sentAt: start, latency: performance.now() - start });
      else if (index >= supervisorsN && !toAssignee.has(clientId))
        toAssignee.set(clientId, performance.now() - start);
    }),
  );
  await pool(handlers, 8, (m) => request('PUT', `${w}/me/status`, { status: 'connected' }, m));
  console.log(`${operators.length} operators connected, RSS ${Math.round(rssMb())} MB`);

  // Every visitor: a session and a socket; what each socket receives is kept to check the audience.
  const seen: { conversations: Set<string>; messages: number }[] = [];
  const visitors = await pool(
    Array.from({ length: visitorsN }, (_, i) => i),
    50,
    async (i) => {
      const { json } = await post('/api/widget/sessions', {
        workspaceKey: workspace.widgetKey,
        visitorId: `conn-visitor-${i}`,
      });
      const mine = { conversations: new Set<string>(), messages: 0 };
      seen[i] = mine;
      return open(`${wsUrl}/api/realtime?visitorToken=${json.token}`, {}, (m) => {
        if (m.type !== 'event') return;
        const id = m.event.payload.conversation?.id;
        if (id) mine.conversations.add(id);
        if (m.event.name === 'message.created') mine.messages++;
      });
    },
  );
  console.log(`${visitors.length} visitors connected, RSS ${Math.round(rssMb())} MB`);

  // The chatting visitors open their conversations, then send at a fixed total rate.
  let counter = 0;
  const send = (v: number) => {
    const clientId = `conn-${v}-${counter++}`;
    sentAt.set(clientId, performance.now());
    visitors[v]!.send(JSON.stringify({ type: 'send', clientId, text: `message ${counter}` }));
  };
  for (let v = 0; v < chattingN; v++) send(v);
  const warm = Date.now() + 120_000;
  // The warm-up is over once every new conversation's assignment has reached every operator: each new
  // conversation is announced to all of them (created, then assigned), a burst of frames that is the
  // warm-up's, not the steady flow's.
  while (
    (samples.length < chattingN || routed.size < Math.min(chattingN, handlers.length * capacity)) &&
    Date.now() < warm
  )
    await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 1000));
  // Measured from here: a warm-up message still on its way counts nowhere.
  sentAt.clear();
  samples.length = 0;
  toAssignee.clear();
  let sent = 0;
  const started = performance.now();
  let peak = rssMb();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = Math.min(performance.now() - started, seconds * 1000);
      const due = Math.floor((elapsed / 1000) * rate) - sent;
      for (let i = 0; i < due; i++) send(sent++ % chattingN);
      peak = Math.max(peak, rssMb());
      if (elapsed >= seconds * 1000) {
        clearInterval(tick);
        resolve();
      }
    }, 10);
  });
  const drain = Date.now() + 5000;
  while (samples.length < sent && Date.now() < drain) await new Promise((r) => setTimeout(r, 50));
  if (timelineOn) printSlowWindows(samples, 200);
  const latencies = samples.map((s) => s.latency).sort((a, b) => a - b);
  const p99 = percentile(latencies, 0.99);
  const assigneeMs = [...toAssignee.values()].sort((a, b) => a - b);

  // Isolation: a conversation is seen by one visitor only, and the silent visitors heard nothing.
  const owners = new Map<string, number>();
  let shared = 0;
  seen.forEach((s, i) => {
    for (const id of s.conversations) {
      if (owners.has(id) && owners.get(id) !== i) shared++;
      owners.set(id, i);
    }
  });
  const overheard = seen.slice(chattingN).filter((s) => s.messages > 0).length;
  console.log(
    `delivered ${latencies.length}/${sent} to the first supervisor, ${assigneeMs.length}/${sent} to the assigned ` +
      `operator (p99 ${percentile(assigneeMs, 0.99).toFixed(1)} ms); conversations seen by another visitor: ${shared}; ` +
      `silent visitors who received a message: ${overheard}`,
  );
  if (shared > 0 || overheard > 0) process.exitCode = 1;
  const connected = { visitors: visitors.length, operators: operators.length };
  for (const ws of [...visitors, ...operators]) ws.terminate();
  // The transport's ceiling on this machine in this run (its sockets closed first: the file limit).
  const bare = await bareWs(100, 5);
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, load average ${os.loadavg()[0]?.toFixed(1)}, database ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`,
  );
  console.log(`bare: ws echo ${Math.round(bare)} msg/s (100 connections, the same run)`);
  console.log(
    `connections: ${connected.visitors} visitors, ${connected.operators} operators, RSS ${Math.round(peak)} MB, delivery p99 ${p99.toFixed(1)} ms`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit();
