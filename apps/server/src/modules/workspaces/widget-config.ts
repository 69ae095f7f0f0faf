import type { WidgetConfig } from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { workspaces } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { randomToken } from '../../platform/tokens.ts';
import { recordAudit } from '../audit/log.ts';
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
  const before = await getWidgetConfig(tx.db, input.actor, input.publicUrl);
  await tx.db
    .update(workspaces)
    .set({
      ...(prechat ? { prechatEnabled: prechat.enabled, prechatRequireEmail: prechat.requireEmail } : {}),
      ...(offlineForm !== undefined ? { widgetOfflineForm: offlineForm } : {}),
    })
    .where(eq(workspaces.id, input.actor.workspaceId));
  const after = await getWidgetConfig(tx.db, input.actor, input.publicUrl);
  await recordAudit(tx.db, input.actor, {
    action: 'widget.updated',
    target: { type: 'workspace', id: input.actor.workspaceId },
    before: { prechat: before.prechat, offlineForm: before.offlineForm },
    after: { prechat: after.prechat, offlineForm: after.offlineForm },
  });
  return after;
}

/**
 * A new identity secret for `Parley.identify` (the old one leaked, or staff left): identities signed
 * with the old one stop verifying at once. Audited without the secret itself.
 */
export async function rotateWidgetSecret(tx: Tx, input: { actor: OperatorPrincipal; publicUrl: string }) {
  authorize(input.actor, 'workspace.manage');
  await tx.db
    .update(workspaces)
    .set({ widgetSecret: randomToken(32) })
    .where(eq(workspaces.id, input.actor.workspaceId));
  await recordAudit(tx.db, input.actor, {
    action: 'widget.secret_rotated',
    target: { type: 'workspace', id: input.actor.workspaceId },
  });
  return getWidgetConfig(tx.db, input.actor, input.publicUrl);
}
