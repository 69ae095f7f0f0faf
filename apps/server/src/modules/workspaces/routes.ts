import {
  connectionEvent,
  createWorkspaceBody,
  id,
  invite,
  inviteBody,
  member,
  type Permission,
  permissionsOf,
  updateMemberBody,
  updateWidgetConfigBody,
  updateWorkspaceBody,
  widgetConfig,
  workspace,
} from '@parley/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { describeClient } from '../../platform/user-agent.ts';
import { listConnections } from '../audit/connection-history.ts';
import { authenticated, refuseWhileImpersonating, requireSession } from '../auth/sessions.ts';
import { intersectPermissions } from '../impersonation/policy.ts';
import { createWorkspaceFor, removeMember, updateMember, updateWorkspace } from './commands.ts';
import { createInvite, revokeInvite } from './invites.ts';
import { authorize, type OperatorPrincipal, operatorPrincipal } from './policy.ts';
import { findMembership, getMember, getWorkspace, listMembers, listOpenInvites } from './queries.ts';
import { getWidgetConfig, rotateWidgetSecret, updateWidgetConfig } from './widget-config.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: OperatorPrincipal;
  }
  interface FastifyContextConfig {
    /**
     * What a member needs for the route whoever they are and whatever they send (each of a list):
     * refused (403) before its parameters and body are looked at, as well as by the command it calls.
     */
    permission?: Permission | readonly Permission[];
  }
}

/** Checks every permission a route declares (`config.permission`). */
function authorizeRoute(principal: OperatorPrincipal, permission: Permission | readonly Permission[]): void {
  for (const one of typeof permission === 'string' ? [permission] : permission) authorize(principal, one);
}

/**
 * Resolves who acts in the workspace named by the URL. Not being a member looks exactly like the
 * workspace not existing: 404, so nothing about another workspace leaks.
 */
export async function resolveOperator(
  ctx: AppContext,
  request: FastifyRequest,
  workspaceId: string,
): Promise<OperatorPrincipal> {
  const session = requireSession(request);
  const membership = z.uuid().safeParse(workspaceId).success
    ? await findMembership(ctx.db, workspaceId, session.userId)
    : null;
  if (!membership) throw notFound('workspace');
  const principal = operatorPrincipal({
    userId: session.userId,
    name: session.user.name,
    sessionId: session.id,
    workspaceId,
    role: membership.role,
    grants: membership.permissions,
    teamIds: membership.teamIds,
    client: describeClient(request.ip, request.headers['user-agent']),
  });
  if (!session.impersonator) return principal;
  // OPS-4: an impersonation acts in its one workspace only, and only while the impersonator still
  // may; its rights never exceed the impersonator's own.
  if (session.currentWorkspaceId !== workspaceId) throw notFound('workspace');
  const own = await findMembership(ctx.db, workspaceId, session.impersonator.id);
  const ownRights = own ? permissionsOf(own.role, own.permissions) : new Set<Permission>();
  if (!ownRights.has('impersonate')) throw forbidden('impersonate');
  return {
    ...principal,
    permissions: intersectPermissions(principal.permissions, ownRights),
    impersonatorId: session.impersonator.id,
    impersonatorName: session.impersonator.name,
  };
}

export const workspaceParams = z.object({ workspaceId: id });

/** Registers the workspace routes and, inside the same scope, the routes of other modules. */
export function workspaceRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  modules: ((scoped: FastifyInstance, ctx: AppContext) => void)[] = [],
) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/workspaces',
    {
      preValidation: authenticated,
      schema: { tags: ['workspaces'], body: createWorkspaceBody, response: { 200: workspace } },
    },
    async (request) => {
      const session = requireSession(request);
      refuseWhileImpersonating(session);
      return transaction(ctx.db, (tx) =>
        createWorkspaceFor(tx, {
          name: request.body.name,
          userId: session.userId,
          userName: session.user.name,
          client: describeClient(request.ip, request.headers['user-agent']),
        }),
      );
    },
  );

  app.register(
    async (scoped) => {
      // Logged out is a 401 whatever the parameters. Membership (404) is decided after validation,
      // but for a route that needs a permission: a member without it gets 403 whatever they sent,
      // not a 400 about a field of a change they may not make at all.
      scoped.addHook('preValidation', authenticated);
      scoped.addHook('preValidation', async (request) => {
        const { permission } = request.routeOptions.config;
        const { workspaceId } = request.params as { workspaceId?: string };
        if (!permission || !z.uuid().safeParse(workspaceId).success) return;
        request.principal = await resolveOperator(ctx, request, workspaceId!);
        authorizeRoute(request.principal, permission);
      });
      scoped.addHook('preHandler', async (request) => {
        if (!request.principal) {
          const { workspaceId } = request.params as { workspaceId: string };
          request.principal = await resolveOperator(ctx, request, workspaceId);
        }
        const { permission } = request.routeOptions.config;
        if (permission) authorizeRoute(request.principal, permission);
      });
      const r = scoped.withTypeProvider<ZodTypeProvider>();
      const tags = ['workspaces'];
      const params = workspaceParams;
      const memberParams = params.extend({ userId: id });

      r.get('', { schema: { tags, params, response: { 200: workspace } } }, (request) =>
        getWorkspace(ctx.db, request.principal.workspaceId),
      );

      r.patch(
        '',
        {
          config: { permission: 'workspace.manage' },
          schema: { tags, params, body: updateWorkspaceBody, response: { 200: workspace } },
        },
        (request) =>
          transaction(ctx.db, (tx) => updateWorkspace(tx, { actor: request.principal, ...request.body })),
      );

      r.get('/members', { schema: { tags, params, response: { 200: z.array(member) } } }, (request) =>
        listMembers(ctx.db, request.principal.workspaceId),
      );

      r.get(
        '/members/:userId',
        { schema: { tags, params: memberParams, response: { 200: member } } },
        (request) => getMember(ctx.db, request.principal.workspaceId, request.params.userId),
      );

      r.patch(
        '/members/:userId',
        {
          config: { permission: 'members.manage' },
          schema: { tags, params: memberParams, body: updateMemberBody, response: { 200: member } },
        },
        (request) =>
          transaction(ctx.db, (tx) =>
            updateMember(tx, { actor: request.principal, userId: request.params.userId, ...request.body }),
          ),
      );

      r.delete(
        '/members/:userId',
        { config: { permission: 'members.manage' }, schema: { tags, params: memberParams } },
        async (request, reply) => {
          await transaction(ctx.db, (tx) =>
            removeMember(tx, { actor: request.principal, userId: request.params.userId }),
          );
          return reply.status(204).send();
        },
      );

      r.get(
        '/invites',
        {
          config: { permission: 'members.manage' },
          schema: { tags, params, response: { 200: z.array(invite) } },
        },
        (request) => listOpenInvites(ctx.db, request.principal.workspaceId),
      );

      r.post(
        '/invites',
        {
          config: { permission: 'members.manage' },
          schema: { tags, params, body: inviteBody, response: { 201: invite } },
        },
        async (request, reply) => {
          const created = await transaction(ctx.db, (tx) =>
            createInvite(tx, ctx, { actor: request.principal, ...request.body }),
          );
          return reply.status(201).send(created);
        },
      );

      r.delete(
        '/invites/:inviteId',
        {
          config: { permission: 'members.manage' },
          schema: { tags, params: params.extend({ inviteId: id }) },
        },
        async (request, reply) => {
          await transaction(ctx.db, (tx) =>
            revokeInvite(tx, { actor: request.principal, inviteId: request.params.inviteId }),
          );
          return reply.status(204).send();
        },
      );

      r.get('/widget', { schema: { tags, params, response: { 200: widgetConfig } } }, (request) =>
        getWidgetConfig(ctx.db, request.principal, ctx.config.publicUrl),
      );

      r.patch(
        '/widget',
        {
          config: { permission: 'workspace.manage' },
          schema: { tags, params, body: updateWidgetConfigBody, response: { 200: widgetConfig } },
        },
        (request) =>
          transaction(ctx.db, (tx) =>
            updateWidgetConfig(tx, {
              actor: request.principal,
              ...request.body,
              publicUrl: ctx.config.publicUrl,
            }),
          ),
      );

      r.post(
        '/widget/secret',
        {
          config: { permission: 'workspace.manage' },
          schema: { tags, params, response: { 200: widgetConfig } },
        },
        (request) =>
          transaction(ctx.db, (tx) =>
            rotateWidgetSecret(tx, { actor: request.principal, publicUrl: ctx.config.publicUrl }),
          ),
      );

      r.get(
        '/connection-history',
        {
          config: { permission: 'audit.view' },
          schema: {
            tags,
            params,
            querystring: z.object({
              userId: id.optional(),
              limit: z.coerce.number().int().min(1).max(500).default(100),
            }),
            response: { 200: z.array(connectionEvent) },
          },
        },
        (request) =>
          listConnections(ctx.db, { workspaceId: request.principal.workspaceId, ...request.query }),
      );
      for (const register of modules) register(scoped, ctx);
    },
    { prefix: '/api/workspaces/:workspaceId' },
  );
}
