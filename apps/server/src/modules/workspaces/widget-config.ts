import type { WidgetConfig } from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { workspaces } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { authorize, can, type OperatorPrincipal } from './policy.ts';

export async function getWidgetConfig(
  db: Queryable,
  actor: OperatorPrincipal,
  publicUrl: string,
): Promise<WidgetConfig> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, actor.workspaceId));
  if (!row) throw notFound('workspace');
  return {
    widgetKey: row.widgetKey,
    snippet: `<script src="${publicUrl}/widget.js" data-workspace="${row.widgetKey}" async></script>`,
    identitySecret: can(actor, 'workspace.manage') ? row.widgetSecret : null,
    prechat: { enabled: row.prechatEnabled, requireEmail: row.prechatRequireEmail },
    offlineForm: row.widgetOfflineForm,
  };
}

export async function updateWidgetConfig(
  tx: Tx,
  input: {
    actor: OperatorPrincipal;
    prechat?: { enabled: boolean; requireEmail: boolean } | undefined;
    offlineForm?: boolean | undefined;
    publicUrl: string;
  },
) {
  authorize(input.actor, 'workspace.manage');
  const { prechat, offlineForm } = input;
  await tx.db
    .update(workspaces)
    .set({
      ...(prechat ? { prechatEnabled: prechat.enabled, prechatRequireEmail: prechat.requireEmail } : {}),
      ...(offlineForm !== undefined ? { widgetOfflineForm: offlineForm } : {}),
    })
    .where(eq(workspaces.id, input.actor.workspaceId));
  return getWidgetConfig(tx.db, input.actor, input.publicUrl);
}
