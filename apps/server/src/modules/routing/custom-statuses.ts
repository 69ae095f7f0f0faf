import { labels } from '@parley/contracts';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { customStatuses } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/log.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';

/** A name as two people would compare it: case and surrounding spaces do not count. */
const comparable = (name: string) => name.trim().toLocaleLowerCase();

/**
 * The built-in statuses' names in every language the console speaks: a reason of the same name would
 * be a second "On break" in the operators' status menu, one that routes nobody's way differently.
 */
const builtInNames = new Set(
  Object.values(labels).flatMap((l) =>
    Object.entries(l.statuses)
      .filter(([status]) => status !== 'unknown')
      .map(([, name]) => comparable(name)),
  ),
);

/** One reason per name in a workspace, whatever the case, and none named as a built-in status. */
async function assertNameFree(tx: Tx, workspaceId: string, name: string) {
  if (builtInNames.has(comparable(name)))
    throw new AppError('conflict', `name: ${name} is a built-in status`, 'name');
  // Two admins adding the same name at once: the second waits for the first and then sees it.
  await tx.db.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`custom-statuses:${workspaceId}`}))`);
  const [clash] = await tx.db
    .select({ id: customStatuses.id })
    .from(customStatuses)
    .where(
      and(
        eq(customStatuses.workspaceId, workspaceId),
        sql`lower(${customStatuses.name}) = lower(${name.trim()})`,
      ),
    );
  if (clash) throw new AppError('conflict', `name: a status is called ${name} already`, 'name');
}

/** ROUTE-1: an admin-defined "unavailable" reason. */
export async function createCustomStatus(tx: Tx, input: { actor: OperatorPrincipal; name: string }) {
  authorize(input.actor, 'workspace.manage');
  await assertNameFree(tx, input.actor.workspaceId, input.name);
  const [row] = await tx.db
    .insert(customStatuses)
    .values({ workspaceId: input.actor.workspaceId, name: input.name })
    .returning({ id: customStatuses.id, name: customStatuses.name });
  await recordAudit(tx.db, input.actor, {
    action: 'status.created',
    target: { type: 'status', id: row!.id },
    after: { name: row!.name },
  });
  return row!;
}

export async function deleteCustomStatus(tx: Tx, input: { actor: OperatorPrincipal; statusId: string }) {
  authorize(input.actor, 'workspace.manage');
  const [deleted] = await tx.db
    .delete(customStatuses)
    .where(
      and(eq(customStatuses.id, input.statusId), eq(customStatuses.workspaceId, input.actor.workspaceId)),
    )
    .returning({ id: customStatuses.id, name: customStatuses.name });
  if (!deleted) throw notFound('status');
  await recordAudit(tx.db, input.actor, {
    action: 'status.deleted',
    target: { type: 'status', id: deleted.id },
    before: { name: deleted.name },
  });
}

/** The workspace's custom statuses' names by id: what an export writes for `custom:<id>`. */
export async function customStatusNames(db: Queryable, workspaceId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: customStatuses.id, name: customStatuses.name })
    .from(customStatuses)
    .where(eq(customStatuses.workspaceId, workspaceId));
  return new Map(rows.map((r) => [r.id, r.name]));
}
