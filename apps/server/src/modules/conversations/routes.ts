import {
  assignBody,
  attachment,
  conversation,
  conversationDetail,
  conversationPage,
  id,
  listConversationsQuery,
  listMessagesQuery,
  message,
  messagePage,
  readBody,
  sendMessageBody,
} from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { receiveUpload } from '../attachments/routes.ts';
import { listMessages } from '../messages/queries.ts';
import { receiveMessage } from '../messages/receive.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { closeConversation } from './close.ts';
import { assignConversation, reopenConversation } from './commands.ts';
import { assertCanView } from './policy.ts';
import { getConversationDetail, listConversations, loadConversation } from './queries.ts';

/** Operator routes; registered inside the workspace scope, so request.principal is set. */
export function conversationRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['conversations'];
  const params = workspaceParams.extend({ conversationId: id });

  r.get(
    '/conversations',
    {
      schema: {
        tags,
        params: workspaceParams,
        querystring: listConversationsQuery,
        response: { 200: conversationPage },
      },
    },
    (request) => listConversations(ctx.db, request.principal, request.query),
  );

  r.get(
    '/conversations/:conversationId',
    { schema: { tags, params, response: { 200: conversationDetail } } },
    (request) => getConversationDetail(ctx.db, request.principal, request.params.conversationId),
  );

  r.get(
    '/conversations/:conversationId/messages',
    { schema: { tags, params, querystring: listMessagesQuery, response: { 200: messagePage } } },
    async (request) => {
      const { principal } = request;
      assertCanView(
        principal,
        await loadConversation(ctx.db, principal.workspaceId, request.params.conversationId),
      );
      return listMessages(ctx.db, {
        secret: ctx.secret,
        workspaceId: principal.workspaceId,
        conversationId: request.params.conversationId,
        ...request.query,
        includePrivate: true,
      });
    },
  );

  r.post(
    '/conversations/:conversationId/messages',
    { schema: { tags, params, body: sendMessageBody, response: { 200: message } } },
    async (request) => {
      return receiveMessage(ctx, {
        from: request.principal,
        conversationId: request.params.conversationId,
        ...request.body,
      });
    },
  );

  r.post(
    '/conversations/:conversationId/assign',
    { schema: { tags, params, body: assignBody, response: { 200: conversation } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        assignConversation(tx, {
          actor: request.principal,
          conversationId: request.params.conversationId,
          assigneeId: request.body.assigneeId,
        }),
      ),
  );

  r.post(
    '/conversations/:conversationId/close',
    { schema: { tags, params, response: { 200: conversation } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        closeConversation(tx, {
          secret: ctx.secret,
          actor: request.principal,
          conversationId: request.params.conversationId,
        }),
      ),
  );

  r.post(
    '/conversations/:conversationId/reopen',
    { schema: { tags, params, response: { 200: conversation } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        reopenConversation(tx, { actor: request.principal, conversationId: request.params.conversationId }),
      ),
  );

  r.post(
    '/conversations/:conversationId/read',
    { schema: { tags, params, body: readBody } },
    async (request, reply) => {
      await ctx.readReceipts.mark({
        reader: request.principal,
        upTo: request.body.upTo,
        conversationId: request.params.conversationId,
      });
      return reply.status(204).send();
    },
  );

  r.post(
    '/attachments',
    { schema: { tags, params: workspaceParams, response: { 200: attachment } } },
    (request) =>
      receiveUpload(ctx, request, request.principal.workspaceId, `user:${request.principal.userId}`),
  );
}
