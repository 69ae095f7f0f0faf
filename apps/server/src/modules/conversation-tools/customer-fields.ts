import { type Conversation, email as emailSchema } from '@parley/contracts';
import { eq, sql } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import { contacts } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, invalid } from '../../platform/errors.ts';
import { setContactPhone } from '../contacts/commands.ts';
import { assertCanView } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import { loadToolSettings } from './settings.ts';

/**
 * OI-9: an operator edits one field of the customer panel. Only fields the workspace marked editable;
 * an e-mail must be one. The change is announced as the conversation's contact changing.
 */
export async function editCustomerField(
  tx: Tx,
  input: { actor: OperatorPrincipal; conversationId: string; key: string; value: string | null },
): Promise<Conversation> {
  const { actor } = input;
  const current = await loadConversation(tx.db, actor.workspaceId, input.conversationId, { forUpdate: true });
  assertCanView(actor, current);
  const settings = await loadToolSettings(tx.db, actor.workspaceId);
  const field = settings.customerFields.find((f) => f.key === input.key);
  if (!field?.editable) throw new AppError('forbidden', `${input.key}: this field is not editable`, 'key');
  const value = input.value === '' ? null : input.value;
  if (input.key === 'email' && value !== null && !emailSchema.safeParse(value).success)
    throw invalid('value', 'must be an e-mail address');
  if (input.key === 'phone') {
    // Through the contacts' command, so the customer's country follows the number (ADM-3).
    await setContactPhone(tx, {
      workspaceId: actor.workspaceId,
      contactId: current.contact.id,
      phone: value,
    });
  } else if (input.key === 'name' || input.key === 'email') {
    await tx.db
      .update(contacts)
      .set({ [input.key]: value })
      .where(eq(contacts.id, current.contact.id));
  } else if (input.key.startsWith('attributes.')) {
    const name = input.key.slice('attributes.'.length);
    await tx.db
      .update(contacts)
      .set({
        attributes:
          value === null
            ? sql`${contacts.attributes} - ${name}::text`
            : sql`${contacts.attributes} || jsonb_build_object(${name}::text, ${value}::text)`,
      })
      .where(eq(contacts.id, current.contact.id));
  } else {
    throw new AppError('forbidden', `${input.key}: this field is not editable`, 'key');
  }
  const conversation = await loadConversation(tx.db, actor.workspaceId, current.id);
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'conversation.updated',
    payload: {
      conversation,
      change: 'contact',
      actorId: actor.userId,
      previousAssigneeId: current.assigneeId,
    },
  });
  return conversation;
}
