import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { teamMembers, teams } from '../../platform/db/schema.ts';
import { forbidden, invalid } from '../../platform/errors.ts';
import { can, type OperatorPrincipal } from '../workspaces/policy.ts';

export interface Scoped {
  scope: 'personal' | 'team' | 'workspace';
  ownerId: string | null;
  teamId: string | null;
}

/**
 * Who manages a canned answer: a personal one its owner; a team one admins and the supervisors who
 * are members of that team; a workspace one admins.
 */
export async function assertMayManage(
  db: Queryable,
  actor: OperatorPrincipal,
  answer: Scoped,
): Promise<void> {
  if (answer.scope === 'personal') {
    if (answer.ownerId !== actor.userId) throw forbidden('owner of this personal answer');
    return;
  }
  if (can(actor, 'workspace.manage')) return;
  if (answer.scope === 'workspace') throw forbidden('workspace.manage');
  if (actor.role === 'supervisor' && answer.teamId) {
    const [member] = await db
      .select({ userId: teamMembers.userId })
      .from(teamMembers)
      .where(and(eq(teamMembers.teamId, answer.teamId), eq(teamMembers.userId, actor.userId)));
    if (member) return;
  }
  throw forbidden('workspace.manage, or supervisor of this team');
}

export async function assertTeamOfWorkspace(
  db: Queryable,
  workspaceId: string,
  teamId: string | null | undefined,
) {
  if (!teamId) throw invalid('teamId', 'a team answer needs its team');
  const [team] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.workspaceId, workspaceId), eq(teams.id, teamId)));
  if (!team) throw invalid('teamId', 'no such team in this workspace');
}
