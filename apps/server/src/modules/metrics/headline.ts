import type { AdminHeadline } from '@parley/contracts';
import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { workspaces } from '../../platform/db/schema.ts';
import { computeFigures } from './figures.ts';
import { localMidnight } from './period.ts';

/**
 * ADM-1: unassigned and active chats now, chats completed since local midnight and the team with
 * the most assignments since then (SPEC §3 "completed today", "team with highest load today").
 * Active and completed are `computeFigures`' own figures for today.
 */
export async function adminHeadline(
  db: Queryable,
  workspaceId: string,
  now: Date = new Date(),
): Promise<AdminHeadline> {
  const [workspace] = await db
    .select({ timezone: workspaces.timezone })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const since = localMidnight(now, workspace?.timezone ?? 'UTC');
  const [{ figures }, unassigned, load] = await Promise.all([
    computeFigures(db, { workspaceId, from: since, to: now }),
    db.execute(sql`SELECT count(*) AS n FROM conversations c
      WHERE c.workspace_id = ${workspaceId} AND c.status = 'open' AND c.assignee_id IS NULL`),
    db.execute(sql`SELECT a.team_id, t.name, count(*) AS n FROM conversation_assignments a
      LEFT JOIN teams t ON t.id = a.team_id
      WHERE a.workspace_id = ${workspaceId} AND a.assigned_at >= ${since.toISOString()}::timestamptz
        AND a.assigned_at < ${now.toISOString()}::timestamptz AND a.team_id IS NOT NULL
      GROUP BY a.team_id, t.name ORDER BY n DESC, t.name ASC LIMIT 1`),
  ]);
  const top = load.rows[0] as { team_id: string; name: string | null; n: string | number } | undefined;
  return {
    unassigned: Number((unassigned.rows[0] as { n: string | number }).n),
    active: figures.active,
    completedToday: figures.closed,
    topTeamToday: top ? { id: top.team_id, name: top.name, assignments: Number(top.n) } : null,
    since: since.toISOString(),
  };
}
