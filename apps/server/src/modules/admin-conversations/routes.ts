import {
  adminHeadline as adminHeadlineSchema,
  adminListQuery,
  adminPage,
  conversationExport,
  exportBody,
  id,
} from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { wakeWorkers } from '../../jobs/queue.ts';
import { transaction } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { contentTypes } from '../../platform/tabular.ts';
import { adminHeadline } from '../metrics/headline.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { createExport, exportFileName, getExport, listExports } from './exports.ts';
import { listAdminConversations } from './queries.ts';

/** ADM-1…3 and exports; registered inside the workspace scope (request.principal is set). */
export function adminConversationRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin-conversations'];
  const exportParams = workspaceParams.extend({ exportId: id });

  r.get(
    '/admin/conversations',
    { schema: { tags, params: workspaceParams, querystring: adminListQuery, response: { 200: adminPage } } },
    (request) => listAdminConversations(ctx.db, request.principal, request.query),
  );

  r.get(
    '/admin/headline',
    {
      // Workspace-wide figures: for those who see every conversation.
      config: { permission: 'conversations.view_all' },
      schema: { tags, params: workspaceParams, response: { 200: adminHeadlineSchema } },
    },
    (request) => adminHeadline(ctx.db, request.principal.workspaceId),
  );

  r.post(
    '/exports',
    {
      config: { permission: 'export' },
      schema: { tags, params: workspaceParams, body: exportBody, response: { 200: conversationExport } },
    },
    async (request) => {
      const created = await transaction(ctx.db, (tx) =>
        createExport(tx, { actor: request.principal, ...request.body }),
      );
      wakeWorkers();
      return created;
    },
  );

  r.get(
    '/exports',
    { schema: { tags, params: workspaceParams, response: { 200: z.array(conversationExport) } } },
    (request) => listExports(ctx.db, request.principal),
  );

  r.get(
    '/exports/:exportId',
    { schema: { tags, params: exportParams, response: { 200: conversationExport } } },
    async (request) => (await getExport(ctx.db, request.principal, request.params.exportId)).export,
  );

  r.get('/exports/:exportId/file', { schema: { tags, params: exportParams } }, async (request, reply) => {
    const { row } = await getExport(ctx.db, request.principal, request.params.exportId);
    if (row.status !== 'done' || !row.storageKey) throw notFound('file');
    return reply
      .header('content-type', contentTypes[row.format])
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="${exportFileName(row)}"`)
      .send(ctx.storage.read(row.storageKey));
  });
}
