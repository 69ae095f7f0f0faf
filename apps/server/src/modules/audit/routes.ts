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
import {
  auditActionLabel,
  auditTargetLabel,
  exportLabels,
  statusLabel,
} from '../../platform/export-labels.ts';
import { customStatusNames } from '../routing/custom-statuses.ts';
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
      config: { permission: 'audit_log.view' },
      schema: { tags, params: workspaceParams, querystring: auditQuery, response: { 200: page(auditEntry) } },
    },
    (request) => pageAudit(ctx.db, { workspaceId: request.principal.workspaceId, ...request.query }),
  );

  r.get(
    '/audit-log/export',
    {
      config: { permission: ['audit_log.view', 'export'] },
      schema: { tags, params: workspaceParams, querystring: auditExportQuery },
    },
    (request, reply) => {
      const { format, lang, ...filters } = request.query;
      const l = exportLabels(lang);
      return sendExport(ctx.db, reply, {
        actor: request.principal,
        what: 'audit-log',
        format,
        filters,
        rows: allAudit(ctx.db, { workspaceId: request.principal.workspaceId, ...filters }),
        columns: [
          { header: l.audit.at, value: (e) => e.at },
          { header: l.audit.action, value: (e) => auditActionLabel(l, e.action) },
          { header: l.audit.actionCode, value: (e) => e.action },
          { header: l.audit.actor, value: (e) => e.actor?.name },
          { header: l.audit.actorId, value: (e) => e.actor?.id },
          { header: l.audit.impersonator, value: (e) => e.impersonator?.name },
          { header: l.audit.targetType, value: (e) => auditTargetLabel(l, e.targetType) },
          { header: l.audit.targetId, value: (e) => e.targetId },
          { header: l.audit.before, value: (e) => (e.before == null ? null : JSON.stringify(e.before)) },
          { header: l.audit.after, value: (e) => (e.after == null ? null : JSON.stringify(e.after)) },
          { header: l.audit.ip, value: (e) => e.ip },
          { header: l.audit.browser, value: (e) => e.browser },
          { header: l.audit.os, value: (e) => e.os },
        ],
      });
    },
  );

  r.get(
    '/operators/:userId/connections',
    {
      config: { permission: 'operators.manage' },
      schema: {
        tags,
        params: operatorParams,
        querystring: connectionsQuery,
        response: { 200: page(connectionEvent) },
      },
    },
    async (request) => {
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
    {
      config: { permission: ['operators.manage', 'export'] },
      schema: { tags, params: operatorParams, querystring: connectionsExportQuery },
    },
    async (request, reply) => {
      await getMember(ctx.db, request.principal.workspaceId, request.params.userId);
      const { format, lang, ...filters } = request.query;
      const l = exportLabels(lang);
      const customNames = await customStatusNames(ctx.db, request.principal.workspaceId);
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
          { header: l.connections.at, value: (c) => c.at },
          { header: l.connections.operator, value: (c) => c.userName },
          { header: l.connections.kind, value: (c) => l.connectionKinds[c.kind] },
          {
            header: l.connections.detail,
            // A status change's detail is the status set, named as the history screen names it.
            value: (c) =>
              c.kind === 'status_change' && c.detail ? statusLabel(l, c.detail, customNames) : c.detail,
          },
          { header: l.connections.ip, value: (c) => c.ip },
          { header: l.connections.browser, value: (c) => c.browser },
          { header: l.connections.os, value: (c) => c.os },
        ],
      });
    },
  );
}
