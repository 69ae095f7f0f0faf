import type { RoutingSettings } from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { workspaces } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/log.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { getTeam } from './teams.ts';

export async function getRoutingSettings(db: Queryable, workspaceId: string): Promise<RoutingSettings> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!row) throw notFound('workspace');
  return {
    defaultTeamId: row.defaultTeamId,
    lookingForInfoNoticeSeconds: row.lookingNoticeSeconds,
    disconnectGraceSeconds: row.disconnectGraceSeconds,
  };
}

export async function updateRoutingSettings(
  tx: Tx,
  input: { actor: OperatorPrincipal } & Partial<RoutingSettings>,
) {
  authorize(input.actor, 'workspace.manage');
  if (input.defaultTeamId) await getTeam(tx.db, input.actor.workspaceId, input.defaultTeamId);
  const before = await getRoutingSettings(tx.db, input.actor.workspaceId);
  await tx.db
    .update(workspaces)
    .set({
      ...(input.defaultTeamId !== undefined ? { defaultTeamId: input.defaultTeamId } : {}),
      ...(input.lookingForInfoNoticeSeconds !== undefined
        ? { lookingNoticeSeconds: input.lookingForInfoNoticeSeconds }
        : {}),
      ...(input.disconnectGraceSeconds !== undefined
        ? { disconnectGraceSeconds: input.disconnectGraceSeconds }
        : {}),
    })
    .where(eq(workspaces.id, input.actor.workspaceId));
  const after = await getRoutingSettings(tx.db, input.actor.workspaceId);
  await recordAudit(tx.db, input.actor, {
    action: 'routing.updated',
    target: { type: 'workspace', id: input.actor.workspaceId },
    before,
    after,
  });
  return after;
}
