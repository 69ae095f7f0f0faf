import { conversation, conversationMarksBody, id, snoozeBody } from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { markConversation, snoozeConversation, wakeConversation } from './states.ts';

/** WS-2: snooze and wake, priority and the important mark; inside the workspace scope. */
export function conversationStateRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['conversations'];
  const params = workspaceParams.extend({ conversationId: id });

  r.post(
    '/conversations/:conversationId/snooze',
    { schema: { tags, params, body: snoozeBody, response: { 200: conversation } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        snoozeConversation(tx, {
          actor: request.principal,
          conversationId: request.params.conversationId,
          until: request.body.until,
        }),
      ),
  );
  r.post(
    '/conversations/:conversationId/unsnooze',
    { schema: { tags, params, response: { 200: conversation } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        wakeConversation(tx, {
          workspaceId: request.principal.workspaceId,
          conversationId: request.params.conversationId,
          actor: request.principal,
        }),
      ),
  );
  r.patch(
    '/conversations/:conversationId/marks',
    { schema: { tags, params, body: conversationMarksBody, response: { 200: conversation } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        markConversation(tx, {
          actor: request.principal,
          conversationId: request.params.conversationId,
          ...request.body,
        }),
      ),
  );
}
