import {
  type ConversationToolSettings,
  type CustomerField,
  type conversationToolSettingsBody,
  defaultCustomerFields,
} from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { publish } from '../../events/publish.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { conversationToolSettings } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { recordAudit } from '../audit/log.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';

/** The workspace's rating prompt and customer panel; defaults until an admin saves them. */
export async function loadToolSettings(
  db: Queryable,
  workspaceId: string,
): Promise<ConversationToolSettings> {
  const [row] = await db
    .select()
    .from(conversationToolSettings)
    .where(eq(conversationToolSettings.workspaceId, workspaceId));
  return {
    csatEnabled: row?.csatEnabled ?? true,
    csatComment: row?.csatComment ?? true,
    customerFields: (row?.customerFields as CustomerField[] | null) ?? defaultCustomerFields,
  };
}

/** Settings → Conversations: rating prompt on/off, comment on/off, the customer panel's fields. */
export async function updateToolSettings(
  tx: Tx,
  input: { actor: OperatorPrincipal; changes: z.infer<typeof conversationToolSettingsBody> },
): Promise<ConversationToolSettings> {
  const { actor, changes } = input;
  authorize(actor, 'workspace.manage');
  const before = await loadToolSettings(tx.db, actor.workspaceId);
  const after: ConversationToolSettings = {
    csatEnabled: changes.csatEnabled ?? before.csatEnabled,
    csatComment: changes.csatComment ?? before.csatComment,
    customerFields: changes.customerFields ?? before.customerFields,
  };
  const values = { ...after, updatedAt: new Date() };
  await tx.db
    .insert(conversationToolSettings)
    .values({ workspaceId: actor.workspaceId, ...values })
    .onConflictDoUpdate({ target: conversationToolSettings.workspaceId, set: values });
  const changed = Object.keys(changes) as (keyof ConversationToolSettings)[];
  await recordAudit(tx.db, actor, {
    action: 'conversation_tools.updated',
    target: { type: 'workspace', id: actor.workspaceId },
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, after[k]])),
  });
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'conversation_tools.updated',
    payload: { settings: after },
  });
  return after;
}
