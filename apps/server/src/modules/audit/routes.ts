import {
  auditEntry,
  auditQuery,
  connectionEvent,
  connectionsQuery,
  exportQuery,
  id,
  page,
} from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { authorize } from '../workspaces/policy.ts';
import { getMember } from '../workspaces/queries.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { allConnections, pageConnections } from './connection-history.ts';
import { sendExport } from './export.ts';
import { allAudit, pageAudit } from './queries.ts';

const auditExportQuery = auditQuery.omit({ cursor: true, limit: true }).extend(exportQuery.shape);
const connectionsExportQuery = connectionsQuery.omit({ cursor: true, limit: true }).extend(exportQuery.shape);

/** API-3 (audit log) and OPS-8 (connection history) screens; inside the workspace scope. */
export function auditRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];
  const operatorParams = workspaceParams.extend({ userId: id });

  r.get(
    '/audit-log',
    {
      schema: { tags, params: workspaceParams, querystring: auditQuery, response: { 200: page(auditEntry) } },
    },
    (request) => {
      authorize(request.principal, 'audit_log.view');
      return pageAudit(ctx.db, { workspaceId: request.principal.workspaceId, ...request.query });
    },
  );

  r.get(
    '/audit-log/export',
    { schema: { tags, params: workspaceParams, querystring: auditExportQuery } },
    (request, reply) => {
      authorize(request.principal, 'audit_log.view');
      const { format, ...filters } = request.query;
      return sendExport(ctx.db, reply, {
        actor: request.principal,
        what: 'audit-log',
        format,
        filters,
        rows: allAudit(ctx.db, { workspaceId: request.principal.workspaceId, ...filters }),
        columns: [
          { header: 'Time', value: (e) => e.at },
          { header: 'Action', value: (e) => e.action },
          { header: 'Actor', value: (e) => e.actor?.name },
          { header: 'Actor id', value: (e) => e.actor?.id },
          { header: 'Impersonated by', value: (e) => e.impersonator?.name },
          { header: 'Target type', value: (e) => e.targetType },
          { header: 'Target id', value: (e) => e.targetId },
          { header: 'Before', value: (e) => (e.before == null ? null : JSON.stringify(e.before)) },
          { header: 'After', value: (e) => (e.after == null ? null : JSON.stringify(e.after)) },
          { header: 'IP', value: (e) => e.ip },
          { header: 'Browser', value: (e) => e.browser },
          { header: 'OS', value: (e) => e.os },
        ],
      });
    },
  );

  r.get(
    '/operators/:userId/connections',
    {
      schema: {
        tags,
        params: operatorParams,
        querystring: connectionsQuery,
        response: { 200: page(connectionEvent) },
      },
    },
    async (request) => {
      authorize(request.principal, 'operators.manage');
      await getMember(ctx.db, request.principal.workspaceId, request.params.userId);
      return pageConnections(ctx.db, {
        workspaceId: request.principal.workspaceId,
        userId: request.params.userId,
        ...request.query,
      });
    },
  );

  r.get(
    '/operators/:userId/connections/export',
    { schema: { tags, params: operatorParams, querystring: connectionsExportQuery } },
    async (request, reply) => {
      authorize(request.principal, 'operators.manage');
      await getMember(ctx.db, request.principal.workspaceId, request.params.userId);
      const { format, ...filters } = request.query;
      return sendExport(ctx.db, reply, {
        actor: request.principal,
        what: 'connection-history',
        format,
        filters: { ...filters, userId: request.params.userId },
        rows: allConnections(ctx.db, {
          workspaceId: request.principal.workspaceId,
          userId: request.params.userId,
          ...filters,
        }),
        columns: [
          { header: 'Time', value: (c) => c.at },
          { header: 'Operator', value: (c) => c.userName },
          { header: 'Event', value: (c) => c.kind },
          { header: 'Detail', value: (c) => c.detail },
          { header: 'IP', value: (c) => c.ip },
          { header: 'Browser', value: (c) => c.browser },
          { header: 'OS', value: (c) => c.os },
        ],
      });
    },
  );
}
