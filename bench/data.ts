/**
 * A large workspace generated in SQL for the benchmarks: one workspace (Europe/Madrid), 3 teams,
 * 20 operators, N/10 contacts and N conversations over 90 days up to now (97 % closed), with their
 * assignments and transfers — the part of `bench/metrics.ts`'s generator the list needs (copied: that
 * file does not export it), plus what the administrator's list filters on: phones and countries,
 * e-mails and external ids, ratings (rated a while after closing) and tags. No messages (the list
 * never reads them); `fillMessages` adds them and `fillOperatorHistory` the operator screens' history.
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
        response_sum_ms, response_count, first_action_at, first_author, transfer_count, rating, rated_at)
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
        (g % 20 = 0)::int, CASE WHEN g % 3 = 0 THEN 1 + g % 5 END,
        CASE WHEN g % 3 = 0 AND g <= ${N} - ${open} THEN c + make_interval(secs => 180 + g % 3600) END
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

/**
 * `per` messages a conversation (1…N), the customer's and the operator's in turn, 30 s apart — the
 * volume of a real workspace's largest table (the operator and monitoring screens never read it).
 */
export async function fillMessages(db: Db, N: number, per: number, chunk = 50_000): Promise<void> {
  for (let from = 1; from <= N; from += chunk) {
    const to = Math.min(N, from + chunk - 1);
    await db.execute(
      sql.raw(`INSERT INTO messages (workspace_id, conversation_id, author_kind, author_id, text, created_at)
      SELECT c.workspace_id, c.id, CASE WHEN k % 2 = 1 THEN 'contact' ELSE 'operator' END,
        CASE WHEN k % 2 = 1 THEN c.contact_id ELSE c.assignee_id END,
        'message ' || k, c.created_at + make_interval(secs => k * 30)
      FROM conversations c, generate_series(1, ${per}) k WHERE c.number BETWEEN ${from} AND ${to}`),
    );
  }
}

/** Operator n's id, for n up to 999,999 (the 20 of `generateWorkspace` are 1…20). */
export const benchMemberId = (n: number) => `00000000-0000-4000-8002-${String(n).padStart(12, '0')}`;

/**
 * What the operator screens read besides conversations, on a workspace from `generateWorkspace`:
 * `operators` members in all (its 20 administrators, then operators 21… with no conversations),
 * each in one or two of the three teams, all members for 400 days, in several statuses, three in
 * four with a console open; a year of connection history for each (a login, eight status changes
 * and a logout a day, a failed login every 17th day: ~10 rows a day, 730,000 for 200) and
 * `auditEntries` audit entries over that year — most by the administrators, two in five status
 * changes spread over every member, one in fifty made while impersonating, and a few rare actions
 * (a hundred `workspace.updated`, ten `widget.secret_rotated`). Open conversations whose customer
 * wrote last lose their operator's first reply: they are pending, as the overview counts them.
 */
export async function fillOperatorHistory(
  db: Db,
  input: { operators: number; auditEntries: number },
  log: (what: string) => void,
): Promise<void> {
  const run = (query: string) => db.execute(sql.raw(query));
  const w = benchWorkspaceId;
  const member = (n: string) => `('00000000-0000-4000-8002-' || lpad((${n})::text, 12, '0'))::uuid`;
  await run(`INSERT INTO users (id, email, name, password_hash, last_login_at)
    SELECT ${member('g')}, 'op' || g || '@bench.test', 'Operator ' || g, 'x', now() - make_interval(mins => g)
    FROM generate_series(21, ${input.operators}) g`);
  await run(`INSERT INTO memberships (workspace_id, user_id, role, last_active_at)
    SELECT '${w}', ${member('g')}, 'operator', now() FROM generate_series(21, ${input.operators}) g`);
  await run(`UPDATE users SET last_login_at = now() - interval '3 hours' WHERE last_login_at IS NULL`);
  // Statuses: a quarter without a console (disconnected), the rest in one of four statuses.
  await run(`UPDATE memberships m SET created_at = now() - interval '400 days',
      status = (ARRAY['connected', 'connected', 'on_break', 'phone', 'not_available'])[1 + s.n % 5],
      status_since = now() - make_interval(mins => (s.n % 90)::int),
      last_active_at = CASE WHEN s.n % 4 = 0 THEN now() - interval '2 hours' ELSE now() END
    FROM (SELECT user_id, row_number() OVER (ORDER BY user_id) AS n FROM memberships WHERE workspace_id = '${w}') s
    WHERE m.user_id = s.user_id AND m.workspace_id = '${w}'`);
  await run(`INSERT INTO team_members (team_id, user_id, workspace_id)
    SELECT ('00000000-0000-4000-8001-00000000000' || (1 + g % 3))::uuid, ${member('g')}, '${w}'::uuid
    FROM generate_series(1, ${input.operators}) g
    UNION ALL
    SELECT ('00000000-0000-4000-8001-00000000000' || (1 + (g + 1) % 3))::uuid, ${member('g')}, '${w}'::uuid
    FROM generate_series(1, ${input.operators}) g WHERE g % 4 = 0`);
  log(`${input.operators} operators in teams`);
  await run(`INSERT INTO connection_history (user_id, workspace_id, kind, detail, changed_by, ip, browser, os, created_at)
    SELECT u, '${w}', kind, CASE WHEN kind = 'status_change' THEN (ARRAY['connected', 'on_break', 'connected', 'phone',
        'connected', 'training', 'connected', 'not_available'])[k] END,
      CASE WHEN kind = 'status_change' THEN u END, '10.' || n % 256 || '.' || d % 256 || '.' || k,
      (ARRAY['Chrome 131', 'Firefox 133', 'Edge 131', 'Safari 18'])[1 + n % 4],
      (ARRAY['Windows 11', 'macOS 15', 'Ubuntu', 'Windows 10'])[1 + (n + d) % 4], at
    FROM (SELECT ${member('n')} AS u, n, d, k,
        CASE WHEN k = 0 THEN 'login' WHEN k = 9 THEN 'logout' WHEN k = 10 THEN 'login_failed' ELSE 'status_change' END AS kind,
        date_trunc('day', now()) - make_interval(days => d) + interval '8 hours'
          + make_interval(secs => CASE WHEN k = 10 THEN -300 ELSE k * 3000 END + (n * 7 + d * 13 + k) % 600) AS at
      FROM generate_series(1, ${input.operators}) n, generate_series(0, 364) d, generate_series(0, 10) k
      WHERE k < 10 OR (n + d) % 17 = 0) s
    WHERE at < now()`);
  log('a year of connection history');
  const A = input.auditEntries;
  const action = `CASE WHEN g % 100000 = 0 THEN 'widget.secret_rotated' WHEN g % 10000 = 0 THEN 'workspace.updated'
    ELSE (ARRAY['conversation.taken_over', 'export.created', 'export.created', 'team.updated',
      'operator.conversations_transferred', 'canned_answer.updated', 'tag.created', 'member.updated',
      'impersonation.started', 'impersonation.ended'])[1 + (g / 100) % 10] END`;
  await run(`INSERT INTO audit_log (workspace_id, actor_id, impersonator_id, action, target_type, target_id,
      before, after, ip, browser, os, created_at)
    SELECT '${w}', CASE WHEN g % 5 < 2 THEN ${member(`1 + g % ${input.operators}`)} ELSE ${member('1 + g % 20')} END,
      CASE WHEN g % 50 = 7 THEN ${member('1 + (g / 50) % 3')} END,
      CASE WHEN g % 5 < 2 THEN 'member.status_changed' ELSE ${action} END,
      'member', ${member(`1 + (g * 7) % ${input.operators}`)}::text,
      '{"status": "connected"}'::jsonb, '{"status": "on_break"}'::jsonb,
      '10.1.' || g % 256 || '.' || g % 7, 'Chrome 131', 'Windows 11',
      now() - interval '365 days' * (1 - g::float / ${A})
    FROM generate_series(1, ${A}) g`);
  log(`${A.toLocaleString('en')} audit entries`);
  // Pending a response: open, the customer wrote, and the assignment has no reply yet.
  await run(`UPDATE conversation_assignments a SET first_reply_at = NULL, response_sum_ms = 0, response_count = 0
    FROM conversations c WHERE c.id = a.conversation_id AND a.ended_at IS NULL
      AND c.status = 'open' AND c.burst_started_at IS NOT NULL`);
  await run(`UPDATE conversations SET first_operator_reply_at = NULL, first_action_at = NULL
    WHERE status = 'open' AND burst_started_at IS NOT NULL`);
  log('pending conversations');
}
