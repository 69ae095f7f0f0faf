import { id, sessionInfo } from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { markAudited, recordAudit, wasAudited } from '../audit/log.ts';
import { presentSession } from '../auth/routes.ts';
import {
  clearImpersonationCookie,
  findSession,
  requireSession,
  setImpersonationCookie,
} from '../auth/sessions.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { endImpersonation, startImpersonation } from './commands.ts';

/** OPS-4 routes; registered inside the workspace scope (request.principal is set). */
export function impersonationRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['operators'];
  const secure = ctx.config.publicUrl.startsWith('https:');

  r.post(
    '/operators/:userId/impersonation',
    {
      config: { permission: 'impersonate' },
      schema: { tags, params: workspaceParams.extend({ userId: id }), response: { 200: sessionInfo } },
    },
    async (request, reply) => {
      const own = request.ownSession;
      if (!own) throw new AppError('unauthenticated', 'log in first');
      const started = await transaction(ctx.db, (tx) =>
        startImpersonation(tx, {
          actor: request.principal,
          ownSession: own,
          targetUserId: request.params.userId,
          minutes: ctx.config.impersonationMinutes,
        }),
      );
      setImpersonationCookie(reply, started.token, secure, started.expiresAt);
      const session = await findSession(ctx.db, started.token);
      return presentSession(ctx, session!);
    },
  );

  /** Ends the impersonation this browser is in and returns to its own session (always allowed). */
  r.delete(
    '/impersonation',
    { schema: { tags, params: workspaceParams, response: { 200: sessionInfo } } },
    async (request, reply) => {
      const session = requireSession(request);
      if (!session.impersonator) {
        authorize(request.principal, 'impersonate');
        throw notFound('impersonation');
      }
      await transaction(ctx.db, (tx) =>
        endImpersonation(tx, { sessionId: session.id, reason: 'ended', client: request.principal.client }),
      );
      markAudited(request.principal);
      clearImpersonationCookie(reply);
      return presentSession(ctx, request.ownSession!);
    },
  );
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * OPS-4: every action taken while impersonating is in the audit log with both identities. A command
 * that audits itself (administrative actions) already wrote its entry; any other successful write
 * (a reply, a close, a status change) gets one here before the answer leaves.
 */
export function auditImpersonatedActions(app: FastifyInstance, ctx: AppContext) {
  app.addHook('onSend', async (request, reply, payload) => {
    const principal = (request as { principal?: OperatorPrincipal }).principal;
    if (!principal?.impersonatorId || SAFE.has(request.method) || reply.statusCode >= 400) return payload;
    if (wasAudited(principal)) return payload;
    await recordAudit(ctx.db, principal, {
      action: 'impersonation.action',
      target: null,
      after: {
        method: request.method,
        route: request.routeOptions.url ?? request.url,
        params: request.params,
        status: reply.statusCode,
      },
    });
    return payload;
  });
}
