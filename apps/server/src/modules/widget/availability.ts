import { eq } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import { subscribe } from '../../events/subscribers.ts';
import type { Db } from '../../platform/db/client.ts';
import { workspaces } from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { availability } from './queries.ts';

/**
 * Tells the visitors' widgets when "someone can answer" changed: computed under the workspace row
 * lock and compared with what they were last told, so concurrent changes publish in order and
 * only real changes reach them. Returns the new value when it was published.
 */
export async function announceAvailability(db: Db, workspaceId: string): Promise<boolean | null> {
  return transaction(db, async (tx) => {
    const [workspace] = await tx.db
      .select()
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId))
      .for('update');
    if (!workspace) return null;
    const { online } = await availability(tx.db, workspace);
    if (workspace.widgetAvailable === online) return null;
    await tx.db.update(workspaces).set({ widgetAvailable: online }).where(eq(workspaces.id, workspaceId));
    await publish(tx, { workspaceId, name: 'widget.availability', payload: { available: online } });
    return online;
  });
}

/**
 * Whatever can change who is available: an operator's effective status (chosen, connected again,
 * disconnected), team membership or hours, the default team, a member leaving. Messages never do,
 * so this costs nothing per message.
 */
export function registerWidgetAvailability() {
  subscribe({
    name: 'widget-availability',
    events: [
      'operator.status_changed',
      'member.updated',
      'member.removed',
      'team.updated',
      'team.deleted',
      'workspace.updated',
    ],
    handle: async (event, { db }) => {
      await announceAvailability(db, event.workspaceId);
    },
  });
}
