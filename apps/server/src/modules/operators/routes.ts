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
import { exportLabels, statusLabel } from '../../platform/export-labels.ts';
import { sendExport } from '../audit/export.ts';
import { customStatusNames } from '../routing/custom-statuses.ts';
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
      config: { permission: 'operators.manage' },
      schema: {
        tags,
        params: workspaceParams,
        querystring: operatorsQuery,
        response: { 200: z.array(operatorOverview) },
      },
    },
    (request) => listOperatorOverview(ctx.db, request.principal, request.query),
  );

  r.get(
    '/operators/export',
    {
      config: { permission: ['operators.manage', 'export'] },
      schema: { tags, params: workspaceParams, querystring: operatorsQuery.extend(exportQuery.shape) },
    },
    async (request, reply) => {
      const { format, lang, ...filters } = request.query;
      const [rows, customNames] = await Promise.all([
        listOperatorOverview(ctx.db, request.principal, filters),
        customStatusNames(ctx.db, request.principal.workspaceId),
      ]);
      const l = exportLabels(lang);
      return sendExport(ctx.db, reply, {
        actor: request.principal,
        what: 'operators',
        format,
        filters,
        rows,
        columns: [
          { header: l.operators.name, value: (o) => o.name },
          { header: l.operators.email, value: (o) => o.email },
          { header: l.operators.role, value: (o) => l.roles[o.role] },
          { header: l.operators.teams, value: (o) => o.teams.map((t) => t.name).join(', ') },
          { header: l.operators.status, value: (o) => statusLabel(l, o.status, customNames) },
          { header: l.operators.statusSince, value: (o) => o.statusSince },
          { header: l.operators.lastLogin, value: (o) => o.lastLoginAt },
          { header: l.operators.active, value: (o) => o.active },
          { header: l.operators.pending, value: (o) => o.pending },
        ],
      });
    },
  );

  r.get(
    '/operators/:userId/detail',
    {
      config: { permission: 'operators.manage' },
      schema: {
        tags,
        params: operatorParams,
        querystring: operatorPeriodQuery,
        response: { 200: operatorDetailSchema },
      },
    },
    (request) => operatorDetail(ctx.db, request.principal, request.params.userId, request.query),
  );

  r.get(
    '/operators/:userId/conversations',
    {
      config: { permission: 'operators.manage' },
      schema: {
        tags,
        params: operatorParams,
        querystring: operatorConversationsQuery,
        response: { 200: page(operatorConversation) },
      },
    },
    (request) => operatorConversations(ctx.db, request.principal, request.params.userId, request.query),
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
