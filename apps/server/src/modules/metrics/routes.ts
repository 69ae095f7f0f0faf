import {
  casesQuery,
  id,
  metricConversationPage,
  metricConversationsQuery,
  metricsQuery,
  metricsReport as metricsReportSchema,
  monitoredCase,
  monitoringSettings as monitoringSettingsSchema,
  updateMonitoringSettingsBody,
} from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { recoverConversation } from '../routing/recover.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { listCases } from './cases.ts';
import { metricConversations } from './conversations.ts';
import { metricsReport } from './report.ts';
import { monitoringSettings, updateMonitoringSettings } from './settings.ts';

/** Live monitoring (MON-1…7); registered inside the workspace scope (request.principal is set). */
export function metricsRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['monitoring'];
  const monitor = { permission: 'monitor' } as const;
  r.get(
    '/metrics',
    {
      config: monitor,
      schema: {
        tags,
        params: workspaceParams,
        querystring: metricsQuery,
        response: { 200: metricsReportSchema },
      },
    },
    (request) => metricsReport(ctx.db, request.principal, request.query),
  );
  r.get(
    '/monitoring/conversations',
    {
      config: monitor,
      schema: {
        tags,
        params: workspaceParams,
        querystring: metricConversationsQuery,
        response: { 200: metricConversationPage },
      },
    },
    (request) => metricConversations(ctx.db, request.principal, request.query),
  );
  r.get(
    '/monitoring/cases',
    {
      config: monitor,
      schema: {
        tags,
        params: workspaceParams,
        querystring: casesQuery,
        response: { 200: z.array(monitoredCase) },
      },
    },
    (request) => listCases(ctx.db, { workspaceId: request.principal.workspaceId, ...request.query }),
  );
  r.post(
    '/conversations/:conversationId/recover',
    {
      config: monitor,
      schema: {
        tags,
        params: workspaceParams.extend({ conversationId: id }),
        response: { 200: z.object({ outcome: z.enum(['assigned', 'queued', 'out_of_hours', 'skipped']) }) },
      },
    },
    async (request) => ({
      outcome: await recoverConversation(ctx.db, {
        actor: request.principal,
        conversationId: request.params.conversationId,
      }),
    }),
  );
  r.get(
    '/monitoring/settings',
    {
      config: monitor,
      schema: { tags, params: workspaceParams, response: { 200: monitoringSettingsSchema } },
    },
    (request) => monitoringSettings(ctx.db, request.principal),
  );
  r.patch(
    '/monitoring/settings',
    {
      config: { permission: 'workspace.manage' },
      schema: {
        tags,
        params: workspaceParams,
        body: updateMonitoringSettingsBody,
        response: { 200: monitoringSettingsSchema },
      },
    },
    (request) =>
      transaction(ctx.db, (tx) =>
        updateMonitoringSettings(tx, { actor: request.principal, body: request.body }),
      ),
  );
}
