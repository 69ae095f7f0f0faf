import {
  acceptInviteBody,
  changePasswordBody,
  invitePreview,
  type LoginBody,
  linkToken,
  loginBody,
  type Permission,
  passwordResetConfirmBody,
  passwordResetRequestBody,
  permissionsOf,
  type SessionInfo,
  sessionInfo,
  setupBody,
  setupStatus,
  switchWorkspaceBody,
  type WorkspaceMembership,
} from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { sessions } from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { describeClient } from '../../platform/user-agent.ts';
import { endImpersonationsOf } from '../impersonation/commands.ts';
import { acceptInvite, previewInvite } from '../workspaces/invites.ts';
import { findMembership, listMemberships } from '../workspaces/queries.ts';
import {
  changePassword,
  checkPassword,
  confirmPasswordReset,
  logout,
  needsSetup,
  recordLogin,
  requestPasswordReset,
  setup,
} from './commands.ts';
import {
  type AuthSession,
  authenticated,
  clearSessionCookie,
  createSession,
  findSession,
  refuseWhileImpersonating,
  requireSession,
  setSessionCookie,
} from './sessions.ts';

const clientOf = (request: FastifyRequest) => describeClient(request.ip, request.headers['user-agent']);

export async function presentSession(ctx: AppContext, session: AuthSession): Promise<SessionInfo> {
  const workspaces = await listMemberships(ctx.db, session.userId);
  const current = workspaces.find((w) => w.id === session.currentWorkspaceId) ?? workspaces[0];
  return {
    user: session.user,
    workspaces: session.impersonator ? await impersonatedWorkspaces(ctx, session, workspaces) : workspaces,
    currentWorkspaceId: current?.id ?? null,
    csrfToken: session.csrfToken,
    impersonation:
      session.impersonator && session.currentWorkspaceId
        ? {
            impersonator: session.impersonator,
            workspaceId: session.currentWorkspaceId,
            startedAt: session.createdAt.toISOString(),
            expiresAt: session.expiresAt.toISOString(),
          }
        : null,
  };
}

/**
 * OPS-4: an impersonation sees its one workspace, with the rights it acts with there: the
 * impersonated operator's, cut down to the impersonator's (as `resolveOperator` computes them).
 */
async function impersonatedWorkspaces(ctx: AppContext, session: AuthSession, all: WorkspaceMembership[]) {
  const own = await findMembership(ctx.db, session.currentWorkspaceId ?? '', session.impersonator!.id);
  const ownRights = own ? permissionsOf(own.role, own.permissions) : new Set<Permission>();
  return all
    .filter((w) => w.id === session.currentWorkspaceId)
    .map((w) => ({ ...w, permissions: w.permissions.filter((p) => ownRights.has(p as Permission)) }));
}

export function authRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const secure = ctx.config.publicUrl.startsWith('https:');
  const minute = '1 minute';

  /**
   * Logins and password resets are limited twice: per address and account (`LOGIN_RATE_LIMIT` a
   * minute: guessing one account's password; the account also locks after failed logins), and per
   * address whatever the account (`LOGIN_IP_RATE_LIMIT`: trying many accounts). A whole team behind
   * one office address signs in at the start of a shift: each person has their own allowance.
   */
  const perAddress = { rateLimit: { max: ctx.config.loginIpRateLimit, timeWindow: minute } };
  const accountAttempts = app.createRateLimit({
    max: ctx.config.loginRateLimit,
    timeWindow: minute,
    keyGenerator: (request) =>
      `account:${request.ip}:${(request.body as Pick<LoginBody, 'email'>).email.trim().toLowerCase()}`,
  });
  const perAccount = async (request: FastifyRequest, reply: FastifyReply) => {
    const limit = await accountAttempts(request);
    if (limit.isAllowed || !limit.isExceeded) return;
    reply.header('retry-after', limit.ttlInSeconds);
    throw new AppError(
      'rate_limited',
      `Too many attempts for this account from this address; try again in ${limit.ttlInSeconds} s`,
    );
  };

  const startSession = async (
    request: FastifyRequest,
    reply: FastifyReply,
    userId: string,
    workspaceId: string | null,
  ) => {
    const client = clientOf(request);
    const { token } = await createSession(ctx.db, { userId, workspaceId, client });
    await recordLogin(ctx.db, userId, client);
    setSessionCookie(reply, token, secure);
    const session = await findSession(ctx.db, token);
    return presentSession(ctx, session!);
  };

  r.get('/api/setup', { schema: { tags: ['auth'], response: { 200: setupStatus } } }, async () => ({
    needsSetup: await needsSetup(ctx.db),
  }));

  r.post(
    '/api/setup',
    { schema: { tags: ['auth'], body: setupBody, response: { 200: sessionInfo } } },
    async (request, reply) => {
      const { userId, workspaceId } = await transaction(ctx.db, (tx) => setup(tx, request.body));
      return startSession(request, reply, userId, workspaceId);
    },
  );

  r.post(
    '/api/auth/login',
    {
      schema: { tags: ['auth'], body: loginBody, response: { 200: sessionInfo } },
      config: perAddress,
      preHandler: perAccount,
    },
    async (request, reply) => {
      const { userId } = await checkPassword(ctx.db, ctx, { ...request.body, client: clientOf(request) });
      return startSession(request, reply, userId, null);
    },
  );

  r.post('/api/auth/logout', { schema: { tags: ['auth'] } }, async (request, reply) => {
    // While impersonating, the impersonation ends (recorded) and the browser's own session logs out.
    const session = request.ownSession;
    if (session) {
      await transaction(ctx.db, (tx) => endImpersonationsOf(tx, session.id, clientOf(request)));
      await logout(ctx.db, { sessionId: session.id, userId: session.userId, client: clientOf(request) });
    }
    clearSessionCookie(reply);
    return reply.status(204).send();
  });

  r.get(
    '/api/auth/session',
    { schema: { tags: ['auth'], response: { 200: sessionInfo } } },
    async (request) => presentSession(ctx, requireSession(request)),
  );

  r.put(
    '/api/auth/session/workspace',
    {
      preValidation: authenticated,
      schema: { tags: ['auth'], body: switchWorkspaceBody, response: { 200: sessionInfo } },
    },
    async (request) => {
      const session = requireSession(request);
      refuseWhileImpersonating(session);
      if (!(await findMembership(ctx.db, request.body.workspaceId, session.userId)))
        throw notFound('workspace');
      await ctx.db
        .update(sessions)
        .set({ currentWorkspaceId: request.body.workspaceId })
        .where(eq(sessions.id, session.id));
      return presentSession(ctx, { ...session, currentWorkspaceId: request.body.workspaceId });
    },
  );

  r.post(
    '/api/auth/password-reset',
    {
      schema: { tags: ['auth'], body: passwordResetRequestBody },
      config: perAddress,
      preHandler: perAccount,
    },
    async (request, reply) => {
      await requestPasswordReset(ctx.db, ctx, request.body.email);
      return reply.status(202).send();
    },
  );

  r.post(
    '/api/auth/password-reset/confirm',
    { schema: { tags: ['auth'], body: passwordResetConfirmBody } },
    async (request, reply) => {
      await transaction(ctx.db, (tx) => confirmPasswordReset(tx, request.body));
      return reply.status(204).send();
    },
  );

  r.put(
    '/api/auth/password',
    {
      preValidation: authenticated,
      schema: { tags: ['auth'], body: changePasswordBody },
      // Per user (signed in already): guessing the current password, not sharing the office's address.
      config: {
        rateLimit: {
          max: ctx.config.loginRateLimit,
          timeWindow: minute,
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) => `user:${requireSession(request).userId}`,
        },
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      refuseWhileImpersonating(session);
      await transaction(ctx.db, (tx) =>
        changePassword(tx, { userId: session.userId, sessionId: session.id, ...request.body }),
      );
      return reply.status(204).send();
    },
  );

  const tokenParams = z.object({ token: linkToken });

  r.get(
    '/api/invites/:token',
    { schema: { tags: ['auth'], params: tokenParams, response: { 200: invitePreview } } },
    async (request) => previewInvite(ctx.db, request.params.token),
  );

  r.post(
    '/api/invites/:token/accept',
    {
      schema: { tags: ['auth'], params: tokenParams, body: acceptInviteBody, response: { 200: sessionInfo } },
      // Per address and invitation: a team invited together accepts together from one office.
      config: {
        rateLimit: {
          max: ctx.config.loginRateLimit,
          timeWindow: minute,
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) =>
            `invite:${request.ip}:${(request.params as { token: string }).token}`,
        },
      },
    },
    async (request, reply) => {
      const { userId, workspaceId } = await transaction(ctx.db, (tx) =>
        acceptInvite(tx, { token: request.params.token, ...request.body }),
      );
      return startSession(request, reply, userId, workspaceId);
    },
  );
}
