import { id, inboxItem, inboxPage, inboxQuery, inboxUnread, inboxUpdateBody } from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { readAllInbox, updateInboxItem } from './commands.ts';
import { listInbox, unreadCount } from './queries.ts';

/** WS-1: the signed-in user's own inbox; inside the workspace scope. */
export function inboxRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['inbox'];
  r.get(
    '/inbox',
    { schema: { tags, params: workspaceParams, querystring: inboxQuery, response: { 200: inboxPage } } },
    (request) => listInbox(ctx.db, request.principal, request.query),
  );
  r.get(
    '/inbox/unread',
    { schema: { tags, params: workspaceParams, response: { 200: inboxUnread } } },
    async (request) => ({
      unread: await unreadCount(ctx.db, request.principal.workspaceId, request.principal.userId),
    }),
  );
  r.patch(
    '/inbox/:itemId',
    {
      schema: {
        tags,
        params: workspaceParams.extend({ itemId: id }),
        body: inboxUpdateBody,
        response: { 200: inboxItem },
      },
    },
    (request) =>
      transaction(ctx.db, (tx) =>
        updateInboxItem(tx, { actor: request.principal, itemId: request.params.itemId, ...request.body }),
      ),
  );
  r.post(
    '/inbox/read-all',
    { schema: { tags, params: workspaceParams, response: { 200: inboxUnread } } },
    (request) => transaction(ctx.db, (tx) => readAllInbox(tx, request.principal)),
  );
}
