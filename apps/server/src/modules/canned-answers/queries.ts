import type { CannedAnswer } from '@parley/contracts';
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { cannedAnswers } from '../../platform/db/schema.ts';
import { can, type OperatorPrincipal } from '../workspaces/policy.ts';
import { presentCannedAnswer } from './presenter.ts';

/**
 * The answers an operator may use: the workspace's, their teams' and their own. Admins also see every
 * team's, to manage them.
 */
export async function listCannedAnswers(db: Queryable, actor: OperatorPrincipal): Promise<CannedAnswer[]> {
  const myTeams = [...actor.teamIds];
  const rows = await db
    .select()
    .from(cannedAnswers)
    .where(
      and(
        eq(cannedAnswers.workspaceId, actor.workspaceId),
        or(
          eq(cannedAnswers.scope, 'workspace'),
          and(eq(cannedAnswers.scope, 'personal'), eq(cannedAnswers.ownerId, actor.userId)),
          can(actor, 'workspace.manage')
            ? eq(cannedAnswers.scope, 'team')
            : myTeams.length > 0
              ? and(eq(cannedAnswers.scope, 'team'), inArray(cannedAnswers.teamId, myTeams))
              : undefined,
        ),
      ),
    )
    .orderBy(asc(cannedAnswers.shortcut), asc(cannedAnswers.scope));
  return rows.map(presentCannedAnswer);
}
