import type { ChannelKind, MonitoringSettings, UpdateMonitoringSettingsBody } from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { workspaces } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/log.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { DEFAULT_REPLY_WINDOWS } from './cases.ts';

const columns = {
  serviceLevelSeconds: workspaces.serviceLevelSeconds,
  serviceLevelPercent: workspaces.serviceLevelTarget,
  unansweredAfterSeconds: workspaces.unansweredAfterSeconds,
  replyWindows: workspaces.replyWindows,
};

async function read(db: Queryable, workspaceId: string): Promise<MonitoringSettings> {
  const [row] = await db.select(columns).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!row) throw notFound('workspace');
  return { ...row, replyWindows: { ...DEFAULT_REPLY_WINDOWS, ...row.replyWindows } };
}

/** Anyone who may monitor sees the settings the page's figures depend on. */
export async function monitoringSettings(
  db: Queryable,
  actor: OperatorPrincipal,
): Promise<MonitoringSettings> {
  authorize(actor, 'monitor');
  return read(db, actor.workspaceId);
}

/**
 * Owners and admins change the service level goal, the "unanswered" threshold and the reply windows.
 * A new service level target time rebuilds the workspace's rollups (database trigger), in this
 * transaction.
 */
export async function updateMonitoringSettings(
  tx: Tx,
  input: { actor: OperatorPrincipal; body: UpdateMonitoringSettingsBody },
): Promise<MonitoringSettings> {
  authorize(input.actor, 'workspace.manage');
  const before = await read(tx.db, input.actor.workspaceId);
  const [stored] = await tx.db
    .select({ replyWindows: workspaces.replyWindows })
    .from(workspaces)
    .where(eq(workspaces.id, input.actor.workspaceId))
    .for('update');
  const { replyWindows, ...rest } = input.body;
  let windows = stored?.replyWindows ?? {};
  if (replyWindows !== undefined) {
    windows = { ...windows };
    for (const [channel, seconds] of Object.entries(replyWindows) as [ChannelKind, number | null][]) {
      if (seconds === null) delete windows[channel];
      else windows[channel] = seconds;
    }
  }
  await tx.db
    .update(workspaces)
    .set({
      ...(rest.serviceLevelSeconds !== undefined ? { serviceLevelSeconds: rest.serviceLevelSeconds } : {}),
      ...(rest.serviceLevelPercent !== undefined ? { serviceLevelTarget: rest.serviceLevelPercent } : {}),
      ...(rest.unansweredAfterSeconds !== undefined
        ? { unansweredAfterSeconds: rest.unansweredAfterSeconds }
        : {}),
      replyWindows: windows,
    })
    .where(eq(workspaces.id, input.actor.workspaceId));
  const after = await read(tx.db, input.actor.workspaceId);
  await recordAudit(tx.db, input.actor, {
    action: 'monitoring.settings_changed',
    target: { type: 'workspace', id: input.actor.workspaceId },
    before,
    after,
  });
  return after;
}
