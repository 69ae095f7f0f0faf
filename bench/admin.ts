/**
 * The administrator's conversation list on a large workspace (ADM-2/3): fills a fresh database with
 * BENCH_CONVERSATIONS conversations (default 1,000,000 on PostgreSQL, 100,000 on PGlite; generator in
 * `bench/data.ts`), then times, through the module's own functions, the first page, a deep page, each
 * filter, the search and each sort in both directions (each a page of 25 with its capped total), and
 * an export of BENCH_EXPORT_ROWS (100,000) rows to CSV with its time and peak RSS growth.
 * Beside them, measured in the same run on the same table: 25 rows read by primary key (the floor of
 * any page) and a count of every conversation (what a list that scanned would pay), as `bare: …`.
 * The last line reads `admin: <N> conversations, p95 <X> ms (worst: <query>), export <R> rows <S> s +<M> MB`.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:admin
 *   npm run bench:admin                              # PGlite in a temporary directory
 *
 * On PostgreSQL, BENCH_KEEP=1 leaves the generated database (its name is printed) and
 * BENCH_REUSE=<that name> times the queries on it again without regenerating.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type AdminListQuery, adminSorts } from '@parley/contracts';
import { sql } from 'drizzle-orm';
import { exportColumns } from '../apps/server/src/modules/admin-conversations/exports.ts';
import {
  allAdminRows,
  listAdminConversations,
} from '../apps/server/src/modules/admin-conversations/queries.ts';
import { makeCursor } from '../apps/server/src/modules/admin-conversations/sorts.ts';
import { operatorPrincipal } from '../apps/server/src/modules/workspaces/policy.ts';
import { exportLabels } from '../apps/server/src/platform/export-labels.ts';
import { writeTable } from '../apps/server/src/platform/tabular.ts';
import {
  benchDatabase,
  benchOperatorId,
  benchTagId,
  benchTeamId,
  benchWorkspaceId,
  generateWorkspace,
} from './data.ts';
import { percentile, queryTimer } from './stats.ts';

const databaseUrl = process.env.DATABASE_URL;
let N = Number(process.env.BENCH_CONVERSATIONS ?? (databaseUrl ? 1_000_000 : 100_000));
const exportRowsWanted = Number(process.env.BENCH_EXPORT_ROWS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 15);

const reuse = databaseUrl ? process.env.BENCH_REUSE : undefined;
const database = await benchDatabase('admin', { reuse });
const { dataDir } = database;
const { db } = database;
const t0 = performance.now();
const log = (what: string) => console.log(`${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
if (!reuse) await generateWorkspace(db, N, log);
else
  N = Number(((await db.execute(sql`SELECT count(*) AS n FROM conversations`)).rows[0] as { n: string }).n);
const exportRows = Math.min(N, exportRowsWanted);
if (databaseUrl && (reuse || process.env.BENCH_KEEP)) console.log(`database ${database.dbName} (kept)`);

const actor = operatorPrincipal({
  userId: benchOperatorId(1),
  name: 'Operator 1',
  sessionId: 'bench',
  workspaceId: benchWorkspaceId,
  role: 'admin',
  grants: [],
});
const { timed, time } = queryTimer(runs);
const page = (query: Partial<AdminListQuery>) =>
  listAdminConversations(db, actor, { sort: 'created', dir: 'desc', limit: 25, ...query });

await time('first page', () => page({}));
// A deep page: the cursor of the row half-way down the default order.
const [middle] = (
  await db.execute(sql`SELECT created_at::text AS key, id FROM conversations
    ORDER BY created_at DESC, id DESC OFFSET ${Math.floor(N / 2)} LIMIT 1`)
).rows as { key: string; id: string }[];
await time('deep page (middle)', () => page({ cursor: makeCursor(middle!.key, middle!.id) }));
const day = 86_400_000;
const filters: [string, Partial<AdminListQuery>][] = [
  [
    'filter date (7 days)',
    { from: new Date(Date.now() - 7 * day).toISOString(), to: new Date().toISOString() },
  ],
  ['filter country', { country: 'FR' }],
  ['filter waiting > 30 min', { waitingMinutes: 30 }],
  ['filter status open', { status: ['open'] }],
  ['filter status in progress', { status: ['in_progress'] }],
  ['filter status closed', { status: ['closed'] }],
  ['filter team', { teamId: [benchTeamId(2)] }],
  ['filter tag', { tagId: [benchTagId(3)] }],
  ['filter operator', { operatorId: [benchOperatorId(7)] }],
  ['filter channel', { channel: ['whatsapp'] }],
  ['filter rating', { rating: ['5'] }],
  ['filter team + tag', { teamId: [benchTeamId(1)], tagId: [benchTagId(2)] }],
  ['search name', { q: 'Customer 4242' }],
  ['search phone', { q: '0012345' }],
  ['search e-mail', { q: 'customer777@' }],
];
for (const [name, query] of filters) await time(name, () => page(query));
for (const sort of adminSorts) {
  for (const dir of ['asc', 'desc'] as const) await time(`sort ${sort} ${dir}`, () => page({ sort, dir }));
}

// The export: the newest `exportRows` conversations (a date filter), streamed to a CSV file.
const [edge] = (
  await db.execute(
    sql`SELECT created_at FROM conversations ORDER BY created_at DESC OFFSET ${exportRows - 1} LIMIT 1`,
  )
).rows as { created_at: string | Date }[];
const exportFile = path.join(dataDir, 'export.csv');
const now = new Date();
global.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const exportStart = performance.now();
const written = await writeTable(
  'csv',
  exportColumns(exportLabels('en')),
  (async function* () {
    for await (const r of allAdminRows(
      db,
      actor,
      { filters: { from: new Date(edge!.created_at).toISOString() }, sort: 'created', dir: 'desc' },
      now,
    )) {
      yield { ...r, inactivityMs: now.getTime() - Date.parse(r.lastActivityAt) };
    }
  })(),
  fs.createWriteStream(exportFile),
);
const exportSeconds = (performance.now() - exportStart) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
const growthMb = (peak - baseline) / 1024 / 1024;

for (const t of timed) {
  console.log(
    `${t.name.padEnd(34)} p50 ${percentile(t.ms, 0.5).toFixed(1)} ms  p95 ${percentile(t.ms, 0.95).toFixed(1)} ms`,
  );
}
console.log(
  `export ${written.toLocaleString('en')} rows: ${exportSeconds.toFixed(1)} s, ${(fs.statSync(exportFile).size / 1024 / 1024).toFixed(1)} MB file, RSS +${growthMb.toFixed(0)} MB`,
);
const worst = timed.reduce((a, b) => (percentile(b.ms, 0.95) > percentile(a.ms, 0.95) ? b : a));
// The bare floor and the naive ceiling on the same table in the same run: 25 rows read by the
// primary key, and a count of every conversation (what a list that scanned would pay).
const bare = await time('bare: 25 rows by primary key', () =>
  db.execute(sql`SELECT * FROM conversations ORDER BY id LIMIT 25`),
);
const naive = await time('naive: count every conversation', () =>
  db.execute(sql`SELECT count(*) FROM conversations`),
);
console.log(
  `bare: 25 rows by primary key p95 ${percentile(bare.ms, 0.95).toFixed(1)} ms; naive: a count of every conversation p50 ${percentile(naive.ms, 0.5).toFixed(0)} ms (the same run)`,
);
await database.drop({ keep: Boolean(process.env.BENCH_KEEP) });
console.log(
  `admin: ${N.toLocaleString('en')} conversations, p95 ${percentile(worst.ms, 0.95).toFixed(1)} ms (worst: ${worst.name}), export ${written.toLocaleString('en')} rows ${exportSeconds.toFixed(1)} s +${growthMb.toFixed(0)} MB`,
);
