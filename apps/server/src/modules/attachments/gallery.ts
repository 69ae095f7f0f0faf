import { type Attachment, attachment, id } from '@parley/contracts';
import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { attachments, conversations, messages } from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { invalid } from '../../platform/errors.ts';
import { assertCanView, conversationsTable, visibleConversationsSql } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { presentAttachment } from './links.ts';

const galleryItem = attachment.extend({
  conversationId: id,
  sharedAt: z.string(),
  authorKind: z.enum(['contact', 'operator', 'bot', 'system']),
});

/**
 * OI-7's gallery: the files already shared in public messages of this conversation and of the
 * customer's other conversations, newest first, each once.
 */
export async function listGallery(
  db: Queryable,
  secret: string,
  actor: OperatorPrincipal,
  conversationId: string,
) {
  const conversation = await loadConversation(db, actor.workspaceId, conversationId);
  assertCanView(actor, conversation);
  const rows = await db
    .select({
      conversationId: messages.conversationId,
      authorKind: messages.authorKind,
      attachments: messages.attachments,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(
      and(
        eq(messages.workspaceId, actor.workspaceId),
        eq(conversations.contactId, conversation.contact.id),
        // The customer's other conversations only where this operator may see them.
        visibleConversationsSql(actor, conversationsTable),
        eq(messages.private, false),
        isNotNull(messages.attachments),
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(200);
  const seen = new Set<string>();
  const items: z.infer<typeof galleryItem>[] = [];
  for (const row of rows) {
    for (const a of row.attachments) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      items.push({
        ...presentAttachment(secret, a),
        conversationId: row.conversationId,
        sharedAt: row.createdAt.toISOString(),
        authorKind: row.authorKind,
      });
    }
  }
  return items.slice(0, 60);
}

/**
 * Picking a gallery file to send again: a new attachment row on the same stored bytes, owned by this
 * operator and unused, so the ordinary send path takes it like a fresh upload.
 */
export async function reuseAttachment(
  db: Queryable,
  secret: string,
  actor: OperatorPrincipal,
  conversationId: string,
  attachmentId: string,
): Promise<Attachment> {
  const shared = await listGallery(db, secret, actor, conversationId);
  if (!shared.some((a) => a.id === attachmentId))
    throw invalid('attachmentId', 'not a file of this customer');
  const [source] = await db
    .select()
    .from(attachments)
    .where(and(eq(attachments.workspaceId, actor.workspaceId), inArray(attachments.id, [attachmentId])));
  if (!source) throw invalid('attachmentId', 'not a file of this customer');
  const [copy] = await db
    .insert(attachments)
    .values({
      workspaceId: actor.workspaceId,
      uploadedBy: `user:${actor.userId}`,
      name: source.name,
      contentType: source.contentType,
      size: source.size,
      storageKey: source.storageKey,
    })
    .returning();
  return presentAttachment(secret, copy!);
}

export function galleryRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const params = workspaceParams.extend({ conversationId: id });
  r.get(
    '/conversations/:conversationId/files',
    { schema: { tags: ['conversations'], params, response: { 200: z.array(galleryItem) } } },
    (request) => listGallery(ctx.db, ctx.secret, request.principal, request.params.conversationId),
  );
  r.post(
    '/conversations/:conversationId/files/:attachmentId/reuse',
    {
      schema: {
        tags: ['conversations'],
        params: params.extend({ attachmentId: id }),
        response: { 200: attachment },
      },
    },
    (request) =>
      transaction(ctx.db, (tx) =>
        reuseAttachment(
          tx.db,
          ctx.secret,
          request.principal,
          request.params.conversationId,
          request.params.attachmentId,
        ),
      ),
  );
}
