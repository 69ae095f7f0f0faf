import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';
import { compactRollups } from './compaction.ts';
import { computeFigures, type FiguresInput, nowFigures, type Segment } from './figures.ts';

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The rollups are exact: on random facts (created, assigned, answered, transferred, moved between
 * teams and operators, closed, reopened, rated, deleted) and random periods — whole local days, partial days, both — the
 * figures read through the rollups equal the same definitions computed directly on the facts, before
 * and after compaction, and after the workspace's time zone changes.
 */
describe('metric rollups', () => {
  let server: TestServer;
  let workspaceId: string;
  const db = () => server.parley.ctx.db;
  const seed = Number(process.env.METRICS_SEED ?? 20261202);
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const day0 = Date.UTC(2026, 10, 1);
  const span = 12 * 86_400_000;
  const teams = ['00000000-0000-4000-8001-000000000001', '00000000-0000-4000-8001-000000000002'];
  let users: string[] = [];

  beforeAll(async () => {
    // No queue sweep: the facts here are written by hand, nothing must route them meanwhile.
    server = await startTestServer({}, { sweepMs: 3_600_000 } as Parameters<typeof startTestServer>[1]);
    const owner = await setupOwner(server.url);
    workspaceId = owner.workspaceId;
    await db().execute(sql`UPDATE workspaces SET timezone = 'America/New_York' WHERE id = ${workspaceId}`);
    for (const [i, id] of teams.entries()) {
      await db().execute(
        sql`INSERT INTO teams (id, workspace_id, name) VALUES (${id}, ${workspaceId}, ${`T${i}`})`,
      );
    }
    await db().execute(sql`INSERT INTO users (email, name, password_hash)
      SELECT 'op' || g || '@example.com', 'Op ' || g, 'x' FROM generate_series(1, 3) g`);
    users = (
      await db().execute<{ id: string }>(
        sql`SELECT id FROM users WHERE email LIKE 'op%@example.com' ORDER BY email`,
      )
    ).rows.map((r) => r.id);
    await db().execute(sql`INSERT INTO contacts (id, workspace_id, name)
      VALUES ('00000000-0000-4000-8003-000000000001', ${workspaceId}, 'C')`);
  });
  afterAll(() => server?.close());

  const at = (ms: number) => new Date(ms).toISOString();

  /** Random conversations with their assignments and transfers, written as the app would leave them. */
  async function generate(n: number, firstNumber: number) {
    for (let i = 0; i < n; i++) {
      const created = day0 + Math.floor(random() * span);
      const routed = random() < 0.85;
      const queued = routed ? created + Math.floor(random() * 5000) : null;
      const assigned = routed && random() < 0.8 ? (queued ?? created) + Math.floor(random() * 600_000) : null;
      const replied = assigned && random() < 0.8 ? assigned + Math.floor(random() * 300_000) : null;
      const closed = replied && random() < 0.6 ? replied + Math.floor(random() * 3 * 86_400_000) : null;
      const user = pick(users);
      const team = random() < 0.1 ? null : pick(teams);
      const channel = pick(['web', 'whatsapp', 'email'] as const);
      // Business-hours parts (any values: the rollups must carry them), for the first team's conversations.
      const hours = team !== null && team === teams[0];
      const { rows } = await db().execute<{ id: string }>(sql`
        INSERT INTO conversations (workspace_id, number, status, channel, contact_id, assignee_id, team_id,
          out_of_hours, queued_at, created_at, first_assigned_at, assigned_at, first_operator_reply_at,
          closed_at, response_sum_ms, response_count, first_action_at, burst_started_at, awaiting_first_reply,
          wait_bh_ms, response_bh_sum_ms, response_bh_count, duration_bh_ms)
        VALUES (${workspaceId}, ${firstNumber + i}, ${closed ? 'closed' : 'open'}, ${channel},
          '00000000-0000-4000-8003-000000000001', ${assigned ? user : null}, ${team},
          ${!routed && random() < 0.5}, ${queued ? at(queued) : null}, ${at(created)},
          ${assigned ? at(assigned) : null}, ${assigned ? at(assigned) : null}, ${replied ? at(replied) : null},
          ${closed ? at(closed) : null}, ${replied ? replied - created : 0}, ${replied ? 1 : 0},
          ${replied ? at(replied) : closed ? at(closed) : null},
          ${random() < 0.5 ? at(created + 1000) : null}, ${Boolean(assigned && !replied)},
          ${hours && assigned && queued ? Math.floor((assigned - queued) / 2) : null},
          ${hours && replied ? Math.floor((replied - created) / 3) : 0}, ${hours && replied ? 1 : 0},
          ${hours && closed ? Math.floor((closed - created) / 5) : null})
        RETURNING id`);
      const id = rows[0]!.id;
      if (closed && random() < 0.5) {
        await db().execute(sql`UPDATE conversations SET rating = ${1 + Math.floor(random() * 5)},
          rated_at = ${at(closed + Math.floor(random() * 2 * 86_400_000))} WHERE id = ${id}`);
      }
      if (assigned) {
        await db().execute(sql`INSERT INTO conversation_assignments (workspace_id, conversation_id, cycle, user_id,
            team_id, channel, how, assigned_at, first_reply_at, response_sum_ms, response_count, first_reply_bh_ms)
          VALUES (${workspaceId}, ${id}, 1, ${user}, ${team}, ${channel}, 'automatic', ${at(assigned)},
            ${replied ? at(replied) : null}, 0, 0, ${hours && replied ? Math.floor((replied - assigned) / 2) : null})`);
      }
      const transfers = random() < 0.3 ? 1 + Math.floor(random() * 3) : 0;
      for (let k = 0; k < transfers; k++) {
        const when = created + Math.floor(random() * 2 * 86_400_000);
        await db().execute(sql`INSERT INTO transfers (workspace_id, conversation_id, from_user_id, to_user_id, created_at)
          VALUES (${workspaceId}, ${id}, ${user}, ${pick(users)}, ${at(when)})`);
      }
    }
  }

  /** Changes after the fact, as later events make them. */
  async function mutate() {
    const { rows } = await db().execute<{ id: string }>(
      sql`SELECT id FROM conversations WHERE workspace_id = ${workspaceId} ORDER BY number`,
    );
    for (const { id } of rows) {
      const r = random();
      if (r < 0.1) {
        await db().execute(
          sql`UPDATE conversations SET team_id = ${pick([...teams, null])} WHERE id = ${id}`,
        );
      } else if (r < 0.2) {
        await db().execute(sql`UPDATE conversations SET status = 'closed',
          closed_at = created_at + interval '1 day' * ${random() * 4},
          first_action_at = coalesce(first_action_at, created_at + interval '1 hour') WHERE id = ${id}`);
      } else if (r < 0.25) {
        await db().execute(sql`UPDATE conversations SET status = 'open', closed_at = NULL WHERE id = ${id}`);
      } else if (r < 0.32) {
        await db().execute(sql`UPDATE conversations SET response_sum_ms = response_sum_ms + 4321,
          response_count = response_count + 1, first_operator_reply_at = coalesce(first_operator_reply_at, created_at + interval '30 seconds')
          WHERE id = ${id}`);
      } else if (r < 0.36) {
        await db().execute(sql`UPDATE conversation_assignments SET first_reply_at = assigned_at + interval '42 seconds'
          WHERE conversation_id = ${id} AND first_reply_at IS NULL`);
        await db().execute(
          sql`UPDATE conversations SET awaiting_first_reply = false, burst_started_at = NULL WHERE id = ${id}`,
        );
      } else if (r < 0.38) {
        await db().execute(
          sql`UPDATE conversations SET burst_started_at = created_at + interval '1 hour' WHERE id = ${id}`,
        );
      } else if (r < 0.4) {
        await db().execute(sql`INSERT INTO transfers (workspace_id, conversation_id, created_at)
          SELECT workspace_id, id, created_at + interval '1 day' * ${random() * 3} FROM conversations WHERE id = ${id}`);
      } else if (r < 0.43) {
        await db().execute(sql`DELETE FROM conversations WHERE id = ${id}`);
      } else if (r < 0.46) {
        // Rated (again: a correction moves it to its new day and value).
        await db().execute(sql`UPDATE conversations SET rating = ${1 + Math.floor(random() * 5)},
          rated_at = created_at + interval '1 hour' * ${Math.floor(random() * 100)} WHERE id = ${id}`);
      } else if (r < 0.5) {
        // Handed to someone else, or back to the queue.
        await db().execute(
          sql`UPDATE conversations SET assignee_id = ${pick([...users, null])} WHERE id = ${id}`,
        );
      }
    }
  }

  /** Random periods: whole local days, partial days at either edge, under a day. */
  function periods(): [Date, Date][] {
    const out: [Date, Date][] = [];
    for (let i = 0; i < 6; i++) {
      const from = day0 + Math.floor(random() * span) - 86_400_000;
      out.push([new Date(from), new Date(from + Math.floor(random() * 6 * 86_400_000) + 1)]);
    }
    // Local midnights in New York (UTC-5 in November): whole days only.
    const ny = (d: number) => new Date(day0 + d * 86_400_000 + 5 * 3_600_000);
    out.push([ny(2), ny(5)], [ny(0), ny(12)], [ny(3), new Date(ny(7).getTime() + 3_600_000)]);
    return out;
  }

  async function compare(label: string) {
    for (const [from, to] of periods()) {
      const cases: [Segment | undefined, Partial<FiguresInput>][] = [
        [undefined, {}],
        [undefined, { channel: 'web' }],
        [undefined, { teamId: teams[0] }],
        ['channel', {}],
        ['team', { channel: 'whatsapp' }],
        ['operator', {}],
        [undefined, { operatorId: users[0] }],
      ];
      for (const [segment, filter] of cases) {
        {
          const input: FiguresInput = { workspaceId, from, to, segment, ...filter };
          const viaRollups = await computeFigures(db(), input);
          const direct = await computeFigures(db(), input, { direct: true });
          const period = (f: typeof direct.figures) => f;
          const sorted = (r: typeof direct) => ({
            figures: period(r.figures),
            segments: [...r.segments]
              .sort((a, b) => String(a.key).localeCompare(String(b.key)))
              .map((s) => ({ key: s.key, figures: period(s.figures) })),
          });
          expect(
            sorted(viaRollups),
            `${label} ${from.toISOString()}…${to.toISOString()} ${segment} ${JSON.stringify(filter)} seed ${seed}`,
          ).toEqual(sorted(direct));
        }
      }
    }
  }

  /** The "now" counts alone (the operators' overview), by every segment and scope. */
  async function compareNow(label: string) {
    const cases: (Partial<FiguresInput> & { segment?: Segment })[] = [
      {},
      { segment: 'operator' },
      { segment: 'operator', teamId: teams[1] },
      { segment: 'team', channel: 'email' },
      { operatorId: users[1] },
      { segment: 'operator', operatorId: users[2] },
    ];
    for (const scope of cases) {
      const input = { workspaceId, ...scope };
      const sorted = (m: Map<string | null, unknown>) =>
        [...m].filter(([, v]) => JSON.stringify(v) !== '{"active":0,"pending":0,"queued":0}').sort();
      expect(sorted(await nowFigures(db(), input)), `${label} ${JSON.stringify(scope)}`).toEqual(
        sorted(await nowFigures(db(), input, { direct: true })),
      );
    }
  }

  it('equal the direct computation on random facts', async () => {
    await generate(250, 1);
    await compare('appended');
    await compareNow('appended');
    await mutate();
    await compare('mutated');
    await compareNow('mutated');
    expect(await compactRollups(db())).toBe(true);
    const { rows } = await db().execute<{ n: string }>(
      sql`SELECT count(*) AS n FROM metric_days WHERE NOT compacted`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
    await compare('compacted');
    await compareNow('compacted');
    await generate(60, 1000);
    await mutate();
    await compare('appended after compaction');
    await compareNow('appended after compaction');
    await db().execute(
      sql`UPDATE workspaces SET timezone = 'Asia/Kolkata', service_level_seconds = 45 WHERE id = ${workspaceId}`,
    );
    await compare('rebuilt');
    // The whole days are read from the rollups (the comparison above could not pass by accident).
    const whole: FiguresInput = { workspaceId, from: new Date(day0 - 86_400_000), to: new Date(day0 + span) };
    const before = await computeFigures(db(), whole);
    await db().execute(
      sql`INSERT INTO metric_days (workspace_id, day, channel, total) VALUES (${workspaceId}, '2026-11-05', 'web', 1)`,
    );
    expect((await computeFigures(db(), whole)).figures.total).toBe(before.figures.total + 1);
    expect((await computeFigures(db(), whole, { direct: true })).figures.total).toBe(before.figures.total);
  }, 300_000);
});
