import { sql } from 'drizzle-orm';
import { listCases } from '../apps/server/src/modules/metrics/cases.ts';
import { computeFigures, type Segment } from '../apps/server/src/modules/metrics/figures.ts';
import { periodRange } from '../apps/server/src/modules/metrics/period.ts';
import { benchDatabase, fillAssignmentsAndTransfers } from './data.ts';
import { percentile, queryTimer } from './stats.ts';

const databaseUrl = process.env.DATABASE_URL;
let N = Number(process.env.BENCH_CONVERSATIONS ?? (databaseUrl ? 1_000_000 : 100_000));
const perConversation = Number(process.env.BENCH_MESSAGES_PER ?? 10);
const runs = Number(process.env.BENCH_RUNS ?? 15);

// On PostgreSQL, BENCH_KEEP=1 leaves the generated database (its name is printed) and
// BENCH_REUSE=<that name> times the queries on it again without regenerating.
const reuse = databaseUrl ? process.env.BENCH_REUSE : undefined;
const database = await benchDatabase('metrics', { reuse });
const { dbName } = database;
const { db } = database;
const run = (query: string) => db.execute(sql.raw(query));
const t0 = performance.now();
const log = (what: string) => console.log(`${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

if (!reuse) await generate();
else N = Number((await db.execute<{ n: string }>(sql`SELECT count(*) AS n FROM conversations`)).rows[0]!.n);

const workspaceId = '00000000-0000-4000-8000-000000000001';
// The operators are online (their consoles' heartbeats keep this fresh).
await run(`UPDATE memberships SET last_active_at = now() WHERE workspace_id = '${workspaceId}'`);
const now = new Date();
const { timed, time } = queryTimer(runs);

for (const period of ['today', '7d', '30d'] as const) {
  const range = periodRange(period, 'Europe/Madrid', now);
  for (const segment of [undefined, 'channel', 'team'] as (Segment | undefined)[]) {
    await time(`figures ${period}${segment ? ` by ${segment}` : ''}`, () =>
      computeFigures(db, { workspaceId, ...range, segment }),
    );
  }
}
// A rolling 24 hours: two partial days computed directly on the facts, the rest from the rollups.
await time('figures last 24 h', () =>
  computeFigures(db, { workspaceId, from: new Date(now.getTime() - 86_400_000), to: now }),
);
for (const kind of ['current', 'recover', 'queued'] as const) {
  await time(`${kind} cases`, () => listCases(db, { workspaceId, kind }));
}

// The naive way: average response time over 7 days recomputed from the messages themselves.
const week = periodRange('7d', 'Europe/Madrid', now);
const naiveStart = performance.now();
await db.execute(sql`
  WITH m AS (
    SELECT m.conversation_id, m.author_kind, m.created_at,
      lag(m.author_kind) OVER (PARTITION BY m.conversation_id ORDER BY m.created_at) AS prev_kind,
      lag(m.created_at) OVER (PARTITION BY m.conversation_id ORDER BY m.created_at) AS prev_at
    FROM messages m JOIN conversations c ON c.id = m.conversation_id
    WHERE c.workspace_id = ${workspaceId} AND c.created_at >= ${week.from.toISOString()}::timestamptz
      AND c.created_at < ${week.to.toISOString()}::timestamptz AND NOT m.private)
  SELECT avg(extract(epoch FROM created_at - prev_at)) FROM m
  WHERE author_kind = 'operator' AND prev_kind = 'contact'`);
const naive = performance.now() - naiveStart;
// And the same figures without the rollups (the reference computation over the facts).
await time(
  'figures 30d, no rollups',
  () => computeFigures(db, { workspaceId, ...periodRange('30d', 'Europe/Madrid', now) }, { direct: true }),
  2,
);
const direct = timed.pop()!;

for (const t of timed) {
  console.log(
    `${t.name.padEnd(26)} p50 ${percentile(t.ms, 0.5).toFixed(1)} ms  p95 ${percentile(t.ms, 0.95).toFixed(1)} ms`,
  );
}
console.log(`${'(figures 30d, no rollups)'.padEnd(26)} p50 ${percentile(direct.ms, 0.5).toFixed(1)} ms`);
const worst = timed.reduce((a, b) => (percentile(b.ms, 0.95) > percentile(a.ms, 0.95) ? b : a));
await database.drop({ keep: Boolean(process.env.BENCH_KEEP) });
if (process.env.BENCH_KEEP) console.log(`kept database ${dbName}`);
console.log(
  `metrics: ${N.toLocaleString('en')} conversations, p95 ${percentile(worst.ms, 0.95).toFixed(1)} ms (worst: ${worst.name}), naive ${naive.toFixed(0)} ms`,
);

/** The workspace's data, generated in SQL (see the header). */
async function generate() {
  // One workspace, 3 teams, 20 operators; conversations spread over 90 days up to now.
  await run(`INSERT INTO workspaces (id, name, timezone, widget_key, widget_secret)
    VALUES ('00000000-0000-4000-8000-000000000001', 'Bench', 'Europe/Madrid', 'bench-key', 'bench-secret')`);
  await run(`INSERT INTO teams (id, workspace_id, name)
    SELECT ('00000000-0000-4000-8001-00000000000' || g)::uuid, '00000000-0000-4000-8000-000000000001', 'Team ' || g
    FROM generate_series(1, 3) g`);
  await run(`INSERT INTO users (id, email, name, password_hash)
    SELECT ('00000000-0000-4000-8002-0000000000' || lpad(g::text, 2, '0'))::uuid, 'op' || g || '@bench.test', 'Operator ' || g, 'x'
    FROM generate_series(1, 20) g`);
  await run(`INSERT INTO memberships (workspace_id, user_id, role, last_active_at)
    SELECT '00000000-0000-4000-8000-000000000001', id, 'operator', now() FROM users`);
  await run(`INSERT INTO contacts (id, workspace_id, name)
    SELECT ('00000000-0000-4000-8003-' || lpad(to_hex(g), 12, '0'))::uuid, '00000000-0000-4000-8000-000000000001', 'Customer ' || g
    FROM generate_series(1, ${Math.ceil(N / 10)}) g`);
  log('workspace, teams, operators, contacts');

  // The bulk fill writes final states in a few statements; the rollups are then built from the facts
  // by `metric_rebuild` (the same definitions the triggers apply row by row; rollups.test.ts checks
  // both against the direct computation). The triggers are on again for the changes made afterwards.
  const triggerTables = ['conversations', 'conversation_assignments', 'transfers'];
  for (const t of triggerTables) await run(`ALTER TABLE ${t} DISABLE TRIGGER USER`);

  // Conversations: created uniformly over 90 days; 97 % closed, the rest open (some queued, some to recover).
  const chunk = 100_000;
  for (let from = 1; from <= N; from += chunk) {
    const to = Math.min(N, from + chunk - 1);
    await run(`INSERT INTO conversations (id, workspace_id, number, status, channel, contact_id, assignee_id, team_id,
        out_of_hours, queued_at, created_at, cycle_started_at, last_activity_at, first_assigned_at, assigned_at,
        first_operator_reply_at, last_customer_message_at, last_operator_message_at, closed_at, burst_started_at,
        response_sum_ms, response_count, first_action_at, first_author, transfer_count)
      SELECT ('00000000-0000-4000-8004-' || lpad(to_hex(g), 12, '0'))::uuid, '00000000-0000-4000-8000-000000000001', g,
        CASE WHEN g > ${N} - ${Math.ceil(N * 0.03)} THEN 'open' ELSE 'closed' END,
        (ARRAY['web','web','web','whatsapp','messenger','instagram','telegram','email'])[1 + g % 8],
        ('00000000-0000-4000-8003-' || lpad(to_hex(1 + g % ${Math.ceil(N / 10)}), 12, '0'))::uuid,
        CASE WHEN g % 50 = 0 AND g > ${N} - ${Math.ceil(N * 0.03)} THEN NULL
          ELSE ('00000000-0000-4000-8002-0000000000' || lpad((1 + g % 20)::text, 2, '0'))::uuid END,
        ('00000000-0000-4000-8001-00000000000' || (1 + g % 3))::uuid,
        g % 97 = 0 AND g % 50 = 0, c, c, c, c + interval '5 minutes', c + interval '20 seconds', c + interval '20 seconds',
        c + interval '50 seconds', c + interval '4 minutes', c + interval '5 minutes',
        CASE WHEN g > ${N} - ${Math.ceil(N * 0.03)} THEN NULL ELSE c + interval '6 minutes' END,
        NULL, 60000 + (g % 30) * 1000, 2, c + interval '50 seconds', 'contact', (g % 20 = 0)::int
      FROM (SELECT g, now() - interval '90 days' * (1 - g::float / ${N}) AS c FROM generate_series(${from}, ${to}) g) s`);
  }
  log(`${N.toLocaleString('en')} conversations`);
  await fillAssignmentsAndTransfers(db, N, chunk);
  log('assignments and transfers');
  const messagesN = N * perConversation;
  for (let from = 1; from <= N; from += chunk / 2) {
    const to = Math.min(N, from + chunk / 2 - 1);
    await run(`INSERT INTO messages (workspace_id, conversation_id, author_kind, author_id, text, created_at)
      SELECT c.workspace_id, c.id, CASE WHEN k % 2 = 1 THEN 'contact' ELSE 'operator' END,
        CASE WHEN k % 2 = 1 THEN c.contact_id ELSE c.assignee_id END,
        'message ' || k, c.created_at + make_interval(secs => k * 30)
      FROM conversations c, generate_series(1, ${perConversation}) k WHERE c.number BETWEEN ${from} AND ${to}`);
  }
  log(`${messagesN.toLocaleString('en')} messages`);
  const workspace = '00000000-0000-4000-8000-000000000001';
  await run(`SELECT metric_rebuild('${workspace}')`);
  log('rollups built');
  for (const t of triggerTables) await run(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
  // Live changes since the last compaction, through the triggers: today's conversations move on
  // (answered, closed, moved to another team), leaving appended rollup rows a page must also read.
  await run(`UPDATE conversations SET response_sum_ms = response_sum_ms + 1000, response_count = response_count + 1
    WHERE workspace_id = '${workspace}' AND created_at >= now() - interval '6 hours'`);
  await run(`UPDATE conversations SET team_id = '00000000-0000-4000-8001-000000000001'
    WHERE workspace_id = '${workspace}' AND created_at >= now() - interval '2 hours' AND number % 7 = 0`);
  const { rows: appended } = await db.execute<{ n: string }>(
    sql`SELECT count(*) AS n FROM metric_days WHERE NOT compacted`,
  );
  log(
    `${Number(appended[0]!.n).toLocaleString('en')} rollup changes appended by the triggers, not compacted`,
  );
  await run('ANALYZE');
  log('analyze');
}
