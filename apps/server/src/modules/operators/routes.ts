import {
  exportQuery,
  id,
  operatorConversation,
  operatorConversationsQuery,
  operatorDetail as operatorDetailSchema,
  operatorOverview,
  operatorPeriodQuery,
  operatorsQuery,
  page,
  transferOperatorConversationsBody,
  transferOperatorConversationsResult,
} from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { sendExport } from '../audit/export.ts';
import { authorize } from '../workspaces/policy.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { transferOperatorConversations } from './commands.ts';
import { listOperatorOverview, operatorConversations, operatorDetail } from './queries.ts';

/** OPS-1…7: the supervisor's operator management; inside the workspace scope. */
export function operatorRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['operators'];
  const operatorParams = workspaceParams.extend({ userId: id });

  r.get(
    '/operators/overview',
    {
      schema: {
        tags,
        params: workspaceParams,
        querystring: operatorsQuery,
        response: { 200: z.array(operatorOverview) },
      },
    },
    (request) => {
      authorize(request.principal, 'operators.manage');
      return listOperatorOverview(ctx.db, request.principal, request.query);
    },
  );

  r.get(
    '/operators/export',
    { schema: { tags, params: workspaceParams, querystring: operatorsQuery.extend(exportQuery.shape) } },
    async (request, reply) => {
      authorize(request.principal, 'operators.manage');
      const { format, ...filters } = request.query;
      authorize(request.principal, 'export');
      const rows = await listOperatorOverview(ctx.db, request.principal, filters);
      return sendExport(ctx.db, reply, {
        actor: request.principal,
        what: 'operators',
        format,
        filters,
        rows,
        columns: [
          { header: 'Name', value: (o) => o.name },
          { header: 'E-mail', value: (o) => o.email },
          { header: 'Role', value: (o) => o.role },
          { header: 'Teams', value: (o) => o.teams.map((t) => t.name).join(', ') },
          { header: 'Status', value: (o) => o.status },
          { header: 'Status since', value: (o) => o.statusSince },
          { header: 'Last login', value: (o) => o.lastLoginAt },
          { header: 'Active conversations', value: (o) => o.active },
          { header: 'Pending response', value: (o) => o.pending },
        ],
      });
    },
  );

  r.get(
    '/operators/:userId/detail',
    {
      schema: {
        tags,
        params: operatorParams,
        querystring: operatorPeriodQuery,
        response: { 200: operatorDetailSchema },
      },
    },
    (request) => {
      authorize(request.principal, 'operators.manage');
      return operatorDetail(ctx.db, request.principal, request.params.userId, request.query);
    },
  );

  r.get(
    '/operators/:userId/conversations',
    {
      schema: {
        tags,
        params: operatorParams,
        querystring: operatorConversationsQuery,
        response: { 200: page(operatorConversation) },
      },
    },
    (request) => {
      authorize(request.principal, 'operators.manage');
      return operatorConversations(ctx.db, request.principal, request.params.userId, request.query);
    },
  );

  r.post(
    '/operators/:userId/transfer',
    {
      schema: {
        tags,
        params: operatorParams,
        body: transferOperatorConversationsBody,
        response: { 200: transferOperatorConversationsResult },
      },
    },
    (request) =>
      transferOperatorConversations(ctx.db, {
        actor: request.principal,
        userId: request.params.userId,
        ...request.body,
      }),
  );
}
