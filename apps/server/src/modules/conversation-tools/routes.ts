import {
  conversation,
  conversationToolSettings,
  conversationToolSettingsBody,
  customerFieldEditBody,
  id,
} from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { editCustomerField } from './customer-fields.ts';
import { loadToolSettings, updateToolSettings } from './settings.ts';

export function conversationToolRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['conversation tools'];

  // Every operator reads them: the customer panel is drawn from them.
  r.get(
    '/conversation-tools',
    { schema: { tags, params: workspaceParams, response: { 200: conversationToolSettings } } },
    (request) => loadToolSettings(ctx.db, request.principal.workspaceId),
  );

  r.patch(
    '/conversation-tools',
    {
      config: { permission: 'workspace.manage' },
      schema: {
        tags,
        params: workspaceParams,
        body: conversationToolSettingsBody,
        response: { 200: conversationToolSettings },
      },
    },
    (request) =>
      transaction(ctx.db, (tx) =>
        updateToolSettings(tx, { actor: request.principal, changes: request.body }),
      ),
  );

  r.put(
    '/conversations/:conversationId/customer',
    {
      schema: {
        tags,
        params: workspaceParams.extend({ conversationId: id }),
        body: customerFieldEditBody,
        response: { 200: conversation },
      },
    },
    (request) =>
      transaction(ctx.db, (tx) =>
        editCustomerField(tx, {
          actor: request.principal,
          conversationId: request.params.conversationId,
          ...request.body,
        }),
      ),
  );
}
