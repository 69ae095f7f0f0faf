import {
  conversation,
  createCustomStatusBody,
  customStatus,
  id,
  member,
  operatorPresence,
  queueSummary,
  routingSettings,
  type SettableStatus,
  setStatusBody,
  statusTimeQuery,
  statusTime as statusTimeSchema,
  team,
  teamBody,
  teamMembersBody,
  transferBody,
  transferTargets,
  updateRoutingBody,
  updateTeamBody,
} from '@parley/contracts';
import { asc, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { customStatuses } from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { describeClient } from '../../platform/user-agent.ts';
import { authorize } from '../workspaces/policy.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { now } from './clock.ts';
import { createCustomStatus, deleteCustomStatus } from './custom-statuses.ts';
import { postNotice } from './notices.ts';
import { setStatus } from './presence.ts';
import { listOperators, queueSummary as summarise } from './queue.ts';
import { getRoutingSettings, updateRoutingSettings } from './settings.ts';
import { statusTime } from './status-time.ts';
import { createTeam, deleteTeam, getTeam, listTeams, setTeamMembers, updateTeam } from './teams.ts';
import { transferTargets as targetsFor, transferAndRoute } from './transfer.ts';

/** Routing and presence routes; registered inside the workspace scope (request.principal is set). */
export function routingRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['routing'];
  const manage = { permission: 'workspace.manage' } as const;
  const params = workspaceParams;
  const teamParams = params.extend({ teamId: id });
  const conversationParams = params.extend({ conversationId: id });

  const changeStatus = async (request: FastifyRequest, userId: string, status: SettableStatus) => {
    const { member: changed, lookingIn } = await transaction(ctx.db, (tx) =>
      setStatus(tx, {
        actor: request.principal,
        userId,
        status,
        client: describeClient(request.ip, request.headers['user-agent']),
      }),
    );
    await postNotice(ctx, request.principal.workspaceId, lookingIn, 'looking');
    return changed;
  };

  r.put(
    '/me/status',
    { schema: { tags, params, body: setStatusBody, response: { 200: member } } },
    (request) => changeStatus(request, request.principal.userId, request.body.status),
  );
  r.put(
    '/members/:userId/status',
    {
      schema: { tags, params: params.extend({ userId: id }), body: setStatusBody, response: { 200: member } },
    },
    (request) => changeStatus(request, request.params.userId, request.body.status),
  );

  r.get('/operators', { schema: { tags, params, response: { 200: z.array(operatorPresence) } } }, (request) =>
    listOperators(ctx.db, request.principal.workspaceId),
  );
  r.get(
    '/operators/:userId/status-time',
    {
      schema: {
        tags,
        params: params.extend({ userId: id }),
        querystring: statusTimeQuery,
        response: { 200: statusTimeSchema },
      },
    },
    (request) => {
      if (request.params.userId !== request.principal.userId)
        authorize(request.principal, 'operators.manage');
      const from = new Date(request.query.from);
      const to = request.query.to ? new Date(request.query.to) : now();
      if (to <= from) throw new AppError('validation_failed', 'to: must be after from', 'to');
      return statusTime(ctx.db, {
        workspaceId: request.principal.workspaceId,
        userId: request.params.userId,
        from,
        to,
      });
    },
  );
  r.get('/queue', { schema: { tags, params, response: { 200: queueSummary } } }, (request) =>
    summarise(ctx.db, request.principal.workspaceId),
  );

  r.get('/statuses', { schema: { tags, params, response: { 200: z.array(customStatus) } } }, (request) =>
    ctx.db
      .select({ id: customStatuses.id, name: customStatuses.name })
      .from(customStatuses)
      .where(eq(customStatuses.workspaceId, request.principal.workspaceId))
      .orderBy(asc(customStatuses.name)),
  );
  r.post(
    '/statuses',
    {
      config: manage,
      schema: { tags, params, body: createCustomStatusBody, response: { 201: customStatus } },
    },
    async (request, reply) => {
      const created = await transaction(ctx.db, (tx) =>
        createCustomStatus(tx, { actor: request.principal, name: request.body.name }),
      );
      return reply.status(201).send(created);
    },
  );
  r.delete(
    '/statuses/:statusId',
    { config: manage, schema: { tags, params: params.extend({ statusId: id }) } },
    async (request, reply) => {
      await transaction(ctx.db, (tx) =>
        deleteCustomStatus(tx, { actor: request.principal, statusId: request.params.statusId }),
      );
      return reply.status(204).send();
    },
  );

  r.get('/teams', { schema: { tags, params, response: { 200: z.array(team) } } }, (request) =>
    listTeams(ctx.db, request.principal.workspaceId),
  );
  r.post(
    '/teams',
    { config: manage, schema: { tags, params, body: teamBody, response: { 201: team } } },
    async (request, reply) => {
      const created = await transaction(ctx.db, (tx) =>
        createTeam(tx, { actor: request.principal, ...request.body }),
      );
      return reply.status(201).send(created);
    },
  );
  r.get('/teams/:teamId', { schema: { tags, params: teamParams, response: { 200: team } } }, (request) =>
    getTeam(ctx.db, request.principal.workspaceId, request.params.teamId),
  );
  r.patch(
    '/teams/:teamId',
    { config: manage, schema: { tags, params: teamParams, body: updateTeamBody, response: { 200: team } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        updateTeam(tx, { actor: request.principal, teamId: request.params.teamId, ...request.body }),
      ),
  );
  r.delete(
    '/teams/:teamId',
    { config: manage, schema: { tags, params: teamParams } },
    async (request, reply) => {
      await transaction(ctx.db, (tx) =>
        deleteTeam(tx, { actor: request.principal, teamId: request.params.teamId }),
      );
      return reply.status(204).send();
    },
  );
  r.put(
    '/teams/:teamId/members',
    { config: manage, schema: { tags, params: teamParams, body: teamMembersBody, response: { 200: team } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        setTeamMembers(tx, {
          actor: request.principal,
          teamId: request.params.teamId,
          userIds: request.body.userIds,
        }),
      ),
  );

  r.get('/routing', { schema: { tags, params, response: { 200: routingSettings } } }, (request) =>
    getRoutingSettings(ctx.db, request.principal.workspaceId),
  );
  r.patch(
    '/routing',
    { config: manage, schema: { tags, params, body: updateRoutingBody, response: { 200: routingSettings } } },
    (request) =>
      transaction(ctx.db, (tx) => updateRoutingSettings(tx, { actor: request.principal, ...request.body })),
  );

  r.get(
    '/conversations/:conversationId/transfer-targets',
    { schema: { tags, params: conversationParams, response: { 200: transferTargets } } },
    (request) => targetsFor(ctx.db, request.principal, request.params.conversationId),
  );
  r.post(
    '/conversations/:conversationId/transfer',
    { schema: { tags, params: conversationParams, body: transferBody, response: { 200: conversation } } },
    (request) =>
      transferAndRoute(ctx.db, {
        actor: request.principal,
        conversationId: request.params.conversationId,
        ...request.body,
      }),
  );
}
