import {
  conversation,
  helpRequest,
  helpRequestBody,
  helpRequestList,
  id,
  monitoredList,
} from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { authorize } from '../workspaces/policy.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import {
  joinHelpRequest,
  listHelpRequests,
  monitoredIds,
  requestHelp,
  setMonitored,
  takeOverConversation,
} from './commands.ts';

/** OI-4 monitored dialogs and take-over, OI-7 help requests; inside the workspace scope. */
export function supervisionRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['supervision'];
  const params = workspaceParams.extend({ conversationId: id });

  const monitor = { permission: 'monitor' } as const;
  r.get(
    '/monitored',
    { schema: { tags, params: workspaceParams, response: { 200: monitoredList } } },
    async (request) => {
      authorize(request.principal, 'monitor');
      return { conversationIds: await monitoredIds(ctx.db, request.principal) };
    },
  );
  r.put(
    '/conversations/:conversationId/monitored',
    { config: monitor, schema: { tags, params, response: { 200: monitoredList } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        setMonitored(tx, {
          actor: request.principal,
          conversationId: request.params.conversationId,
          monitored: true,
        }),
      ),
  );
  r.delete(
    '/conversations/:conversationId/monitored',
    { config: monitor, schema: { tags, params, response: { 200: monitoredList } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        setMonitored(tx, {
          actor: request.principal,
          conversationId: request.params.conversationId,
          monitored: false,
        }),
      ),
  );
  r.post(
    '/conversations/:conversationId/take-over',
    { config: monitor, schema: { tags, params, response: { 200: conversation } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        takeOverConversation(tx, {
          secret: ctx.secret,
          actor: request.principal,
          conversationId: request.params.conversationId,
        }),
      ),
  );
  r.get(
    '/conversations/:conversationId/help-requests',
    { schema: { tags, params, response: { 200: helpRequestList } } },
    async (request) => ({
      items: await listHelpRequests(ctx.db, request.principal, request.params.conversationId),
    }),
  );
  r.post(
    '/conversations/:conversationId/help-requests',
    { schema: { tags, params, body: helpRequestBody, response: { 200: helpRequest } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        requestHelp(tx, {
          actor: request.principal,
          conversationId: request.params.conversationId,
          message: request.body.message,
        }),
      ),
  );
  r.post(
    '/help-requests/:requestId/join',
    {
      config: monitor,
      schema: { tags, params: workspaceParams.extend({ requestId: id }), response: { 200: helpRequest } },
    },
    (request) =>
      transaction(ctx.db, (tx) =>
        joinHelpRequest(tx, { actor: request.principal, requestId: request.params.requestId }),
      ),
  );
}
