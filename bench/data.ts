/**
 * A large workspace generated in SQL for the benchmarks: one workspace (Europe/Madrid), 3 teams,
 * 20 operators, N/10 contacts and N conversations over 90 days up to now (97 % closed), with their
 * assignments and transfers — the part of `bench/metrics.ts`'s generator the list needs (copied: that
 * file does not export it), plus what the administrator's list filters on: phones and countries,
 * e-mails and external ids, ratings and tags. No messages (the list never reads them).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type Db, openDatabase } from '../apps/server/src/platform/db/client.ts';

async function adminQuery(databaseUrl: string, query: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(query);
  await client.end();
}

/**
 * A fresh database for a bench: a new PostgreSQL database beside `DATABASE_URL` when it is set, else
 * an embedded one in a temporary directory. `drop()` closes and removes it (`keep` leaves PostgreSQL's).
 * `reuse` names a PostgreSQL database an earlier run kept: it is opened as it is (and never dropped).
 */
export async function benchDatabase(label: string, options: { reuse?: string } = {}) {
  const databaseUrl = process.env.DATABASE_URL;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-bench-${label}-`));
  if (options.reuse && !/^[a-z0-9_]+$/.test(options.reuse)) throw new Error('reuse: not a database name');
  const dbName = options.reuse ?? `parley_bench_${label}_${Date.now()}`;
  let url: string | undefined;
  if (databaseUrl) {
    if (!options.reuse) await adminQuery(databaseUrl, `CREATE DATABASE ${dbName}`);
    const u = new URL(databaseUrl);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  // Generating a million conversations takes statements of minutes: no query timeout here.
  const database = await openDatabase({ url, dataDir, poolSize: 4, queryTimeoutMs: 0 });
  const reuseName = options.reuse;
  return {
    ...database,
    dbName,
    dataDir,
    async drop(options: { keep?: boolean } = {}) {
      await database.close();
      if (databaseUrl && !options.keep && !reuseName)
        await adminQuery(databaseUrl, `DROP DATABASE ${dbName} WITH (FORCE)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const benchWorkspaceId = '00000000-0000-4000-8000-000000000001';
export const benchTeamId = (n: 1 | 2 | 3) => `00000000-0000-4000-8001-00000000000${n}`;
export const benchOperatorId = (n: number) =>
  `00000000-0000-4000-8002-0000000000${String(n).padStart(2, '0')}`;
export const benchTagId = (n: number) => `00000000-0000-4000-8005-00000000000${n}`;

export async function generateWorkspace(db: Db, N: number, log: (what: string) => void): Promise<void> {
  const run = (query: string) => db.execute(sql.raw(query));
  const w = benchWorkspaceId;
  const contactsN = Math.ceil(N / 10);
  await run(`INSERT INTO workspaces (id, name, timezone, widget_key, widget_secret)
    VALUES ('${w}', 'Bench', 'Europe/Madrid', 'bench-key', 'bench-secret')`);
  await run(`INSERT INTO teams (id, workspace_id, name)
    SELECT ('00000000-0000-4000-8001-00000000000' || g)::uuid, '${w}', 'Team ' || g FROM generate_series(1, 3) g`);
  await run(`INSERT INTO users (id, email, name, password_hash)
    SELECT ('00000000-0000-4000-8002-0000000000' || lpad(g::text, 2, '0'))::uuid, 'op' || g || '@bench.test', 'Operator ' || g, 'x'
    FROM generate_series(1, 20) g`);
  await run(`INSERT INTO memberships (workspace_id, user_id, role, last_active_at)
    SELECT '${w}', id, 'admin', now() FROM users`);
  // Phones of four countries (country as libphonenumber-js derives it), every tenth contact without one.
  await run(`INSERT INTO contacts (id, workspace_id, name, email, external_id, phone, country)
    SELECT ('00000000-0000-4000-8003-' || lpad(to_hex(g), 12, '0'))::uuid, '${w}', 'Customer ' || g,
      'customer' || g || '@example.com', 'ext-' || g,
      CASE WHEN g % 10 = 0 THEN NULL ELSE (ARRAY['+34 6', '+33 6', '+49 15', '+1 202'])[1 + g % 4] || lpad((g % 10000000)::text, 7, '0') END,
      CASE WHEN g % 10 = 0 THEN NULL ELSE (ARRAY['ES', 'FR', 'DE', 'US'])[1 + g % 4] END
    FROM generate_series(1, ${contactsN}) g`);
  await run(`INSERT INTO tags (id, workspace_id, name, colour)
    SELECT ('00000000-0000-4000-8005-00000000000' || g)::uuid, '${w}', 'tag ' || g, '#336699' FROM generate_series(1, 5) g`);
  log('workspace, teams, operators, contacts, tags');
  const chunk = 100_000;
  const open = Math.ceil(N * 0.03);
  for (let from = 1; from <= N; from += chunk) {
    const to = Math.min(N, from + chunk - 1);
    await run(`INSERT INTO conversations (id, workspace_id, number, status, channel, contact_id, assignee_id, team_id,
        out_of_hours, queued_at, created_at, cycle_started_at, last_activity_at, first_assigned_at, assigned_at,
        first_operator_reply_at, last_customer_message_at, last_operator_message_at, closed_at, burst_started_at,
        response_sum_ms, response_count, first_action_at, first_author, transfer_count, rating)
      SELECT ('00000000-0000-4000-8004-' || lpad(to_hex(g), 12, '0'))::uuid, '${w}', g,
        CASE WHEN g > ${N} - ${open} THEN 'open' ELSE 'closed' END,
        (ARRAY['web','web','web','whatsapp','messenger','instagram','telegram','email'])[1 + g % 8],
        ('00000000-0000-4000-8003-' || lpad(to_hex(1 + g % ${contactsN}), 12, '0'))::uuid,
        CASE WHEN g % 50 = 0 AND g > ${N} - ${open} THEN NULL
          ELSE ('00000000-0000-4000-8002-0000000000' || lpad((1 + g % 20)::text, 2, '0'))::uuid END,
        ('00000000-0000-4000-8001-00000000000' || (1 + g % 3))::uuid,
        g % 97 = 0 AND g % 50 = 0, c, c, c, c + make_interval(secs => 60 + g % 600),
        c + make_interval(secs => 5 + g % 40), c + make_interval(secs => 5 + g % 40),
        c + make_interval(secs => 20 + g % 300), c + interval '4 minutes', c + interval '5 minutes',
        CASE WHEN g > ${N} - ${open} THEN NULL ELSE c + make_interval(secs => 120 + g % 3600) END,
        CASE WHEN g > ${N} - ${open} AND g % 3 = 0 THEN now() - make_interval(mins => g % 120) END,
        60000 + (g % 30) * 1000, 2, c + interval '50 seconds', (ARRAY['contact', 'operator'])[1 + (g % 7 = 0)::int],
        (g % 20 = 0)::int, CASE WHEN g % 3 = 0 THEN 1 + g % 5 END
      FROM (SELECT g, now() - interval '90 days' * (1 - g::float / ${N}) AS c FROM generate_series(${from}, ${to}) g) s`);
    // A fifth of the conversations carry a tag (each of the five tags on one in 25), some two; each
    // tag row carries its conversation's team, as the tag command writes it.
    const team = `('00000000-0000-4000-8001-00000000000' || (1 + g % 3))::uuid`;
    await run(`INSERT INTO conversation_tags (conversation_id, tag_id, workspace_id, team_id)
      SELECT ('00000000-0000-4000-8004-' || lpad(to_hex(g), 12, '0'))::uuid,
        ('00000000-0000-4000-8005-00000000000' || (1 + (g / 5) % 5))::uuid, '${w}'::uuid, ${team}
      FROM generate_series(${from}, ${to}) g WHERE g % 5 = 0
      UNION ALL
      SELECT ('00000000-0000-4000-8004-' || lpad(to_hex(g), 12, '0'))::uuid,
        ('00000000-0000-4000-8005-00000000000' || (1 + (g / 5 + 1) % 5))::uuid, '${w}'::uuid, ${team}
      FROM generate_series(${from}, ${to}) g WHERE g % 25 = 0`);
  }
  log(`${N.toLocaleString('en')} conversations`);
  await fillAssignmentsAndTransfers(db, N);
  log('assignments and transfers');
  // As autovacuum leaves a table this size: statistics and the visibility map (index-only scans).
  await run('VACUUM ANALYZE');
  log('vacuum analyze');
}

/**
 * One assignment per assigned conversation (as its clocks say) and one transfer per transferred
 * one, generated from the conversations already written (numbered 1…N).
 */
export async function fillAssignmentsAndTransfers(db: Db, N: number, chunk = 100_000): Promise<void> {
  const run = (query: string) => db.execute(sql.raw(query));
  for (let from = 1; from <= N; from += chunk) {
    const to = Math.min(N, from + chunk - 1);
    await run(`INSERT INTO conversation_assignments (workspace_id, conversation_id, cycle, user_id, team_id, channel,
        how, assigned_at, ended_at, end_reason, first_reply_at, response_sum_ms, response_count)
      SELECT workspace_id, id, 1, assignee_id, team_id, channel, 'automatic', assigned_at, closed_at,
        CASE WHEN closed_at IS NOT NULL THEN 'close' END, first_operator_reply_at, response_sum_ms, response_count
      FROM conversations WHERE number BETWEEN ${from} AND ${to} AND assignee_id IS NOT NULL`);
    await run(`INSERT INTO transfers (workspace_id, conversation_id, from_user_id, to_user_id, created_at)
      SELECT workspace_id, id, assignee_id, assignee_id, created_at + interval '2 minutes'
      FROM conversations WHERE number BETWEEN ${from} AND ${to} AND transfer_count > 0`);
  }
}
