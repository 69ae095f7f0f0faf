import { conversationTagsBody, id, tag, tagBody, tagPatchBody } from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { assertCanView } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import {
  createTag,
  deleteTag,
  listTags,
  setConversationTags,
  tagsOfConversation,
  tagsOfConversations,
  updateTag,
} from './commands.ts';

/** Workspace tags and a conversation's tags; registered inside the workspace scope. */
export function tagRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['tags'];
  const tagParams = workspaceParams.extend({ tagId: id });
  const conversationParams = workspaceParams.extend({ conversationId: id });

  r.get('/tags', { schema: { tags, params: workspaceParams, response: { 200: z.array(tag) } } }, (request) =>
    listTags(ctx.db, request.principal.workspaceId),
  );
  r.post(
    '/tags',
    {
      config: { permission: 'workspace.manage' },
      schema: { tags, params: workspaceParams, body: tagBody, response: { 200: tag } },
    },
    (request) => transaction(ctx.db, (tx) => createTag(tx, { actor: request.principal, ...request.body })),
  );
  r.patch(
    '/tags/:tagId',
    {
      config: { permission: 'workspace.manage' },
      schema: { tags, params: tagParams, body: tagPatchBody, response: { 200: tag } },
    },
    (request) =>
      transaction(ctx.db, (tx) =>
        updateTag(tx, { actor: request.principal, tagId: request.params.tagId, ...request.body }),
      ),
  );
  const manage = { permission: 'workspace.manage' } as const;
  r.delete(
    '/tags/:tagId',
    { config: manage, schema: { tags, params: tagParams } },
    async (request, reply) => {
      await transaction(ctx.db, (tx) =>
        deleteTag(tx, { actor: request.principal, tagId: request.params.tagId }),
      );
      return reply.status(204).send();
    },
  );
  // The inbox's rows: only conversations the reader may see are listed there, and tags say nothing more.
  r.get(
    '/conversation-tags',
    {
      schema: {
        tags,
        params: workspaceParams,
        querystring: z.object({
          ids: z.preprocess(
            (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v),
            z.array(id).max(200),
          ),
        }),
        response: { 200: z.record(z.string(), z.array(tag)) },
      },
    },
    (request) =>
      tagsOfConversations(ctx.db, request.principal.workspaceId, request.query.ids, request.principal),
  );
  r.get(
    '/conversations/:conversationId/tags',
    { schema: { tags, params: conversationParams, response: { 200: z.array(tag) } } },
    async (request) => {
      const { principal } = request;
      assertCanView(
        principal,
        await loadConversation(ctx.db, principal.workspaceId, request.params.conversationId),
      );
      return tagsOfConversation(ctx.db, request.params.conversationId);
    },
  );
  r.put(
    '/conversations/:conversationId/tags',
    {
      schema: {
        tags,
        params: conversationParams,
        body: conversationTagsBody,
        response: { 200: z.array(tag) },
      },
    },
    (request) =>
      transaction(ctx.db, (tx) =>
        setConversationTags(tx, {
          actor: request.principal,
          conversationId: request.params.conversationId,
          tagIds: request.body.tagIds,
        }),
      ),
  );
}
