import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { customStatuses } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/log.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';

/** ROUTE-1: an admin-defined "unavailable" reason. */
export async function createCustomStatus(tx: Tx, input: { actor: OperatorPrincipal; name: string }) {
  authorize(input.actor, 'workspace.manage');
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
