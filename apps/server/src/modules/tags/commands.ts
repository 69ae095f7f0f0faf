import type { Tag } from '@parley/contracts';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { conversationTags, tags } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/log.ts';
import { assertCanView, visibleConversationsSql } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';

const columns = { id: tags.id, name: tags.name, colour: tags.colour };

export function listTags(db: Queryable, workspaceId: string): Promise<Tag[]> {
  return db.select(columns).from(tags).where(eq(tags.workspaceId, workspaceId)).orderBy(asc(tags.name));
}

async function assertNameFree(tx: Tx, workspaceId: string, name: string, except?: string) {
  const [clash] = await tx.db
    .select({ id: tags.id })
    .from(tags)
    .where(and(eq(tags.workspaceId, workspaceId), eq(tags.name, name)));
  if (clash && clash.id !== except)
    throw new AppError('conflict', 'name: a tag has this name already', 'name');
}

/** Owners and admins manage the workspace's tags (`workspace.manage`); every change is audited. */
export async function createTag(
  tx: Tx,
  input: { actor: OperatorPrincipal; name: string; colour: string },
): Promise<Tag> {
  authorize(input.actor, 'workspace.manage');
  await assertNameFree(tx, input.actor.workspaceId, input.name);
  const [tag] = await tx.db
    .insert(tags)
    .values({ workspaceId: input.actor.workspaceId, name: input.name, colour: input.colour.toLowerCase() })
    .returning(columns);
  await recordAudit(tx.db, input.actor, {
    action: 'tag.created',
    target: { type: 'tag', id: tag!.id },
    after: tag,
  });
  await publish(tx, { workspaceId: input.actor.workspaceId, name: 'tag.updated', payload: { tag: tag! } });
  return tag!;
}

export async function updateTag(
  tx: Tx,
  input: { actor: OperatorPrincipal; tagId: string; name?: string; colour?: string },
): Promise<Tag> {
  authorize(input.actor, 'workspace.manage');
  const where = and(eq(tags.workspaceId, input.actor.workspaceId), eq(tags.id, input.tagId));
  const [before] = await tx.db.select(columns).from(tags).where(where).for('update');
  if (!before) throw notFound('tag');
  if (input.name !== undefined) await assertNameFree(tx, input.actor.workspaceId, input.name, before.id);
  const [tag] = await tx.db
    .update(tags)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.colour !== undefined ? { colour: input.colour.toLowerCase() } : {}),
    })
    .where(where)
    .returning(columns);
  await recordAudit(tx.db, input.actor, {
    action: 'tag.updated',
    target: { type: 'tag', id: before.id },
    before,
    after: tag,
  });
  await publish(tx, { workspaceId: input.actor.workspaceId, name: 'tag.updated', payload: { tag: tag! } });
  return tag!;
}

export async function deleteTag(tx: Tx, input: { actor: OperatorPrincipal; tagId: string }): Promise<void> {
  authorize(input.actor, 'workspace.manage');
  const [before] = await tx.db
    .delete(tags)
    .where(and(eq(tags.workspaceId, input.actor.workspaceId), eq(tags.id, input.tagId)))
    .returning(columns);
  if (!before) throw notFound('tag');
  await recordAudit(tx.db, input.actor, {
    action: 'tag.deleted',
    target: { type: 'tag', id: before.id },
    before,
  });
  await publish(tx, {
    workspaceId: input.actor.workspaceId,
    name: 'tag.deleted',
    payload: { tagId: before.id },
  });
}

export async function tagsOfConversation(db: Queryable, conversationId: string): Promise<Tag[]> {
  return db
    .select(columns)
    .from(conversationTags)
    .innerJoin(tags, eq(tags.id, conversationTags.tagId))
    .where(eq(conversationTags.conversationId, conversationId))
    .orderBy(asc(tags.name));
}

/**
 * An operator who may see the conversation sets its tags (the whole set: adding and removing are the
 * same request); `conversation.tagged` tells every console that shows it.
 */
export async function setConversationTags(
  tx: Tx,
  input: { actor: OperatorPrincipal; conversationId: string; tagIds: string[] },
): Promise<Tag[]> {
  const { actor } = input;
  const conversation = await loadConversation(tx.db, actor.workspaceId, input.conversationId, {
    forUpdate: true,
  });
  assertCanView(actor, conversation);
  const wanted = [...new Set(input.tagIds)];
  if (wanted.length > 0) {
    const known = await tx.db
      .select({ id: tags.id })
      .from(tags)
      .where(and(eq(tags.workspaceId, actor.workspaceId), inArray(tags.id, wanted)));
    if (known.length !== wanted.length)
      throw new AppError('validation_failed', 'tagIds: not a tag of this workspace', 'tagIds');
  }
  const before = await tagsOfConversation(tx.db, conversation.id);
  const same = before.length === wanted.length && before.every((t) => wanted.includes(t.id));
  if (same) return before;
  await tx.db.delete(conversationTags).where(eq(conversationTags.conversationId, conversation.id));
  if (wanted.length > 0) {
    await tx.db.insert(conversationTags).values(
      wanted.map((tagId) => ({
        conversationId: conversation.id,
        tagId,
        workspaceId: actor.workspaceId,
        // The conversation is locked: its team cannot change before this commits.
        teamId: conversation.teamId,
      })),
    );
  }
  const after = await tagsOfConversation(tx.db, conversation.id);
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'conversation.tagged',
    payload: { conversation, tags: after, actorId: actor.userId },
    conversationId: conversation.id,
  });
  return after;
}

/** The tags of several conversations of the workspace at once (the inbox's rows). */
/** The conversations of the tag rows a reader may see, as a condition on `conversation_tags`. */
function visibleOnes(reader: OperatorPrincipal) {
  const visible = visibleConversationsSql(reader);
  return visible
    ? sql`${conversationTags.conversationId} IN (SELECT c.id FROM conversations c
        WHERE c.workspace_id = ${reader.workspaceId} AND ${visible})`
    : undefined;
}

export async function tagsOfConversations(
  db: Queryable,
  workspaceId: string,
  conversationIds: string[],
  /** Only the conversations this operator may see (the others answer nothing, as if untagged). */
  reader?: OperatorPrincipal,
): Promise<Record<string, Tag[]>> {
  const out: Record<string, Tag[]> = {};
  if (conversationIds.length === 0) return out;
  const rows = await db
    .select({ conversationId: conversationTags.conversationId, ...columns })
    .from(conversationTags)
    .innerJoin(tags, eq(tags.id, conversationTags.tagId))
    .where(
      and(
        eq(conversationTags.workspaceId, workspaceId),
        inArray(conversationTags.conversationId, conversationIds),
        reader && visibleOnes(reader),
      ),
    )
    .orderBy(asc(tags.name));
  for (const { conversationId, ...tag } of rows) {
    out[conversationId] = [...(out[conversationId] ?? []), tag];
  }
  return out;
}
