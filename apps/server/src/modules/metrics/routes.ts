import { metricsQuery, metricsReport as metricsReportSchema } from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { metricsReport } from './report.ts';

/** Metrics routes; registered inside the workspace scope (request.principal is set). */
export function metricsRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/metrics',
    {
      schema: {
        tags: ['metrics'],
        params: workspaceParams,
        querystring: metricsQuery,
        response: { 200: metricsReportSchema },
      },
    },
    (request) => metricsReport(ctx.db, request.principal, request.query),
  );
}
