/**
 * The operator-management screens on a large workspace (OPS-1, OPS-5…8, API-3): fills a fresh database
 * with BENCH_CONVERSATIONS conversations (default 1,000,000 on PostgreSQL, 100,000 on PGlite; the
 * generator of `bench/data.ts`) and BENCH_MESSAGES_PER (10) messages each, BENCH_OPERATORS (200)
 * members with a year of connection history (~10 rows a day each) and BENCH_AUDIT (1,000,000 on
 * PostgreSQL, 100,000 on PGlite) audit entries over that year, then times, through the functions the
 * routes call, each screen's queries (p50/p95 of BENCH_RUNS, 15):
 *   - the overview (every operator with status, last login, active and pending now), its search and
 *     filters, and its CSV export;
 *   - an operator's detail for today, 7 and 30 days and a year (figures from the metrics module and
 *     time in each status) and their conversation list for the same periods;
 *   - the conversation list every operator works from: by status, their own, the queue, a customer
 *     searched, a tag, the important ones, a deep page;
 *   - that operator's connection history: first and deep page, kind and date filters, the CSV export
 *     of their year;
 *   - the audit log: first and deep page, each filter (actor, action, action prefix, dates), and the
 *     CSV export of a month.
 * Beside them, measured in the same run on the same tables: 50 audit entries read by primary key (the
 * floor of any page) and a count of every audit entry (what a list that scanned would pay), as `bare: …`.
 * The last line reads `operators: <N> conversations, p95 <X> ms (worst: <query>)`.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:operators
 *   npm run bench:operators                              # PGlite in a temporary directory
 *
 * On PostgreSQL, BENCH_KEEP=1 leaves the generated database (its name is printed) and
 * BENCH_REUSE=<that name> times the queries on it again without regenerating.
 */
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { allConnections, pageConnections } from '../apps/server/src/modules/audit/connection-history.ts';
import { allAudit, pageAudit } from '../apps/server/src/modules/audit/queries.ts';
import { listConversations } from '../apps/server/src/modules/conversations/queries.ts';
import {
  listOperatorOverview,
  operatorConversations,
  operatorDetail,
} from '../apps/server/src/modules/operators/queries.ts';
import { type OperatorPrincipal, operatorPrincipal } from '../apps/server/src/modules/workspaces/policy.ts';
import { type Column, writeTable } from '../apps/server/src/platform/tabular.ts';
import {
  benchDatabase,
  benchMemberId,
  benchTagId,
  benchTeamId,
  benchWorkspaceId,
  fillMessages,
  fillOperatorHistory,
  generateWorkspace,
} from './data.ts';
import { percentile, queryTimer } from './stats.ts';

const databaseUrl = process.env.DATABASE_URL;
let N = Number(process.env.BENCH_CONVERSATIONS ?? (databaseUrl ? 1_000_000 : 100_000));
const perConversation = Number(process.env.BENCH_MESSAGES_PER ?? 10);
const operators = Number(process.env.BENCH_OPERATORS ?? 200);
const auditEntries = Number(process.env.BENCH_AUDIT ?? (databaseUrl ? 1_000_000 : 100_000));
const runs = Number(process.env.BENCH_RUNS ?? 15);

const reuse = databaseUrl ? process.env.BENCH_REUSE : undefined;
const database = await benchDatabase('operators', { reuse });
const { db } = database;
const t0 = performance.now();
const log = (what: string) => console.log(`${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
if (!reuse) {
  try {
    if (operators < 20) throw new Error('BENCH_OPERATORS: at least the 20 of the generated workspace');
    await generateWorkspace(db, N, log);
    await fillMessages(db, N, perConversation);
    log(`${(N * perConversation).toLocaleString('en')} messages`);
    await fillOperatorHistory(db, { operators, auditEntries }, log);
    await db.execute(sql`VACUUM ANALYZE`);
    log('vacuum analyze');
  } catch (err) {
    await database.drop();
    throw err;
  }
} else {
  N = Number(((await db.execute(sql`SELECT count(*) AS n FROM conversations`)).rows[0] as { n: string }).n);
}
if (databaseUrl && (reuse || process.env.BENCH_KEEP)) console.log(`database ${database.dbName} (kept)`);
const counts = (
  await db.execute(sql`SELECT (SELECT count(*) FROM memberships) AS members,
    (SELECT count(*) FROM connection_history) AS connections, (SELECT count(*) FROM audit_log) AS audit`)
).rows[0] as { members: string; connections: string; audit: string };
console.log(
  `${Number(counts.members)} operators, ${Number(counts.connections).toLocaleString('en')} connection history rows, ${Number(counts.audit).toLocaleString('en')} audit entries`,
);

// A supervisor of the workspace (administrator 1) reads the screens.
const actor = operatorPrincipal({
  userId: benchMemberId(1),
  name: 'Operator 1',
  sessionId: 'bench',
  workspaceId: benchWorkspaceId,
  role: 'admin',
  grants: [],
});
const workspaceId = benchWorkspaceId;
// Operator 7 handles a twentieth of the conversations (~50,000 over 90 days, 1,700 a month … ).
const operator = benchMemberId(7);

const { timed, time } = queryTimer(runs);
/** Streams rows to CSV into nothing (the export's work without the disk); returns the rows written. */
const discard = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
async function exportCsv<R>(columns: readonly Column<R>[], rows: AsyncIterable<R> | Iterable<R>) {
  return writeTable('csv', columns, rows, discard());
}

// OPS-1, OPS-5, OPS-6: the overview, its search and filters, its export (the route's columns).
await time('overview', () => listOperatorOverview(db, actor, {}));
await time('overview search', () => listOperatorOverview(db, actor, { q: 'operator 12' }));
await time('overview status', () => listOperatorOverview(db, actor, { status: 'on_break' }));
await time('overview team', () => listOperatorOverview(db, actor, { teamId: benchTeamId(2) }));
type Overview = Awaited<ReturnType<typeof listOperatorOverview>>[number];
const overviewColumns: Column<Overview>[] = [
  { header: 'Name', value: (o) => o.name },
  { header: 'E-mail', value: (o) => o.email },
  { header: 'Teams', value: (o) => o.teams.map((t) => t.name).join(', ') },
  { header: 'Status', value: (o) => o.status },
  { header: 'Last login', value: (o) => o.lastLoginAt },
  { header: 'Active conversations', value: (o) => o.active },
  { header: 'Pending response', value: (o) => o.pending },
];
await time('overview export (CSV)', async () =>
  exportCsv(overviewColumns, await listOperatorOverview(db, actor, {})),
);

// OPS-7: an operator's figures and status time, and their conversations, for each period.
const day = 86_400_000;
const year = { from: new Date(Date.now() - 365 * day).toISOString(), to: new Date().toISOString() };
const periods = [
  ['today', { period: 'today' }],
  ['7d', { period: '7d' }],
  ['30d', { period: '30d' }],
  ['a year', year],
] as const;
for (const [name, query] of periods) {
  await time(`detail ${name}`, () => operatorDetail(db, actor, operator, query));
}
// Their conversations a page of 50 at a time, as the console asks: the first page of each period, and
// the twentieth of the year (1,000 rows in) from its cursor.
for (const [name, query] of periods) {
  await time(`conversations ${name}`, () =>
    operatorConversations(db, actor, operator, { ...query, limit: 50 }),
  );
}
let deep: string | undefined;
for (let i = 0; i < 19; i++)
  deep =
    (await operatorConversations(db, actor, operator, { ...year, limit: 50, cursor: deep })).nextCursor ??
    undefined;
await time('conversations a year, page 20', () =>
  operatorConversations(db, actor, operator, { ...year, limit: 50, cursor: deep }),
);

// The conversation list every operator works from (what the console's Conversations screen asks):
// by status in activity order, their own, the queue, a customer searched, a tag, the important ones,
// and a deep page from its cursor.
const member = (n: number, role: 'admin' | 'operator') =>
  operatorPrincipal({
    userId: benchMemberId(n),
    name: `Operator ${n}`,
    sessionId: 'bench',
    workspaceId,
    role,
    grants: [],
  });
const busy = member(7, 'operator');
const idle = member(150, 'operator');
const lists: [string, OperatorPrincipal, Parameters<typeof listConversations>[2]][] = [
  ['list: all open', actor, { view: 'all', status: 'open', limit: 50 }],
  ['list: all closed', actor, { view: 'all', status: 'closed', limit: 50 }],
  ['list: mine open (1,500 of them)', busy, { view: 'mine', status: 'open', limit: 50 }],
  ['list: mine open (none)', idle, { view: 'mine', status: 'open', limit: 50 }],
  ['list: queue (unassigned open)', busy, { view: 'unassigned', status: 'open', limit: 50 }],
  ['list: search, frequent', actor, { view: 'all', status: 'closed', q: 'Customer 5', limit: 50 }],
  ['list: search, rare', actor, { view: 'all', status: 'closed', q: 'customer99999@', limit: 50 }],
  ['list: tag', actor, { view: 'all', status: 'closed', tagId: benchTagId(1), limit: 50 }],
  ['list: important', actor, { view: 'all', status: 'closed', important: true, limit: 50 }],
];
for (const [name, who, query] of lists) await time(name, () => listConversations(db, who, query));
let listCursor: string | undefined;
for (let i = 0; i < 19; i++)
  listCursor =
    (await listConversations(db, actor, { view: 'all', status: 'closed', limit: 50, cursor: listCursor }))
      .nextCursor ?? undefined;
await time('list: all closed, page 20', () =>
  listConversations(db, actor, { view: 'all', status: 'closed', limit: 50, cursor: listCursor }),
);

// OPS-8: the operator's connection history (as the route reads it: their rows in this workspace).
const history = { workspaceId, userId: operator };
await time('connections first page', () => pageConnections(db, { ...history, limit: 50 }));
const [middle] = (
  await db.execute(sql`SELECT created_at, id FROM connection_history WHERE user_id = ${operator}
    ORDER BY created_at DESC, id DESC OFFSET 1800 LIMIT 1`)
).rows as { created_at: string | Date; id: string }[];
const connectionsCursor = `${new Date(middle!.created_at).toISOString()}_${middle!.id}`;
await time('connections deep page', () =>
  pageConnections(db, { ...history, cursor: connectionsCursor, limit: 50 }),
);
await time('connections kind login', () => pageConnections(db, { ...history, kind: 'login', limit: 50 }));
await time('connections kind failed', () =>
  pageConnections(db, { ...history, kind: 'login_failed', limit: 50 }),
);
const monthAgo = new Date(Date.now() - 30 * day).toISOString();
const twoMonthsAgo = new Date(Date.now() - 60 * day).toISOString();
await time('connections dates', () =>
  pageConnections(db, { ...history, from: twoMonthsAgo, to: monthAgo, limit: 50 }),
);
const connectionColumns: Column<{ at: Date; kind: string; detail: string | null; ip: string | null }>[] = [
  { header: 'Time', value: (c) => c.at },
  { header: 'Event', value: (c) => c.kind },
  { header: 'Detail', value: (c) => c.detail },
  { header: 'IP', value: (c) => c.ip },
];
let connectionRows = 0;
await time('connections export (a year)', async () => {
  connectionRows = await exportCsv(connectionColumns, allConnections(db, history));
});

// API-3: the audit log.
await time('audit first page', () => pageAudit(db, { workspaceId, limit: 50 }));
const [auditMiddle] = (
  await db.execute(sql`SELECT created_at, id FROM audit_log ORDER BY created_at DESC, id DESC
    OFFSET ${Math.floor(Number(counts.audit) / 2)} LIMIT 1`)
).rows as { created_at: string | Date; id: string }[];
const auditCursor = `${new Date(auditMiddle!.created_at).toISOString()}_${auditMiddle!.id}`;
await time('audit deep page (middle)', () => pageAudit(db, { workspaceId, cursor: auditCursor, limit: 50 }));
const auditFilters: [string, Parameters<typeof pageAudit>[1]][] = [
  ['audit actor (administrator)', { workspaceId, actorId: benchMemberId(3), limit: 50 }],
  ['audit actor (operator)', { workspaceId, actorId: benchMemberId(150), limit: 50 }],
  ['audit action', { workspaceId, action: 'team.updated', limit: 50 }],
  ['audit action (rare)', { workspaceId, action: 'widget.secret_rotated', limit: 50 }],
  ['audit action prefix', { workspaceId, action: 'member.', limit: 50 }],
  ['audit action prefix (rare)', { workspaceId, action: 'workspace.', limit: 50 }],
  ['audit dates', { workspaceId, from: twoMonthsAgo, to: monthAgo, limit: 50 }],
  ['audit actor + action', { workspaceId, actorId: benchMemberId(3), action: 'export.created', limit: 50 }],
];
for (const [name, query] of auditFilters) await time(name, () => pageAudit(db, query));
type AuditView = Awaited<ReturnType<typeof pageAudit>>['items'][number];
const auditColumns: Column<AuditView>[] = [
  { header: 'Time', value: (e) => e.at },
  { header: 'Action', value: (e) => e.action },
  { header: 'Actor', value: (e) => e.actor?.name },
  { header: 'Target id', value: (e) => e.targetId },
  { header: 'After', value: (e) => (e.after == null ? null : JSON.stringify(e.after)) },
  { header: 'IP', value: (e) => e.ip },
];
// The export streams every page of its filter: a month of the log, once (it is not a page).
const exportStart = performance.now();
const auditRows = await exportCsv(auditColumns, allAudit(db, { workspaceId, from: monthAgo }));
const exportSeconds = (performance.now() - exportStart) / 1000;

for (const t of timed) {
  console.log(
    `${t.name.padEnd(34)} p50 ${percentile(t.ms, 0.5).toFixed(1)} ms  p95 ${percentile(t.ms, 0.95).toFixed(1)} ms`,
  );
}
console.log(`(connections export: ${connectionRows.toLocaleString('en')} rows)`);
console.log(`audit export, a month: ${auditRows.toLocaleString('en')} rows in ${exportSeconds.toFixed(2)} s`);
const worst = timed.reduce((a, b) => (percentile(b.ms, 0.95) > percentile(a.ms, 0.95) ? b : a));
// The bare floor and the naive ceiling on the same table in the same run.
const bare = await time('bare: 50 audit entries by primary key', () =>
  db.execute(sql`SELECT * FROM audit_log ORDER BY id LIMIT 50`),
);
const naive = await time('naive: count every audit entry', () =>
  db.execute(sql`SELECT count(*) FROM audit_log`),
);
console.log(
  `bare: 50 audit entries by primary key p95 ${percentile(bare.ms, 0.95).toFixed(1)} ms; naive: a count of every audit entry p50 ${percentile(naive.ms, 0.5).toFixed(0)} ms (the same run)`,
);
await database.drop({ keep: Boolean(process.env.BENCH_KEEP) });
console.log(
  `operators: ${N.toLocaleString('en')} conversations, p95 ${percentile(worst.ms, 0.95).toFixed(1)} ms (worst: ${worst.name})`,
);
