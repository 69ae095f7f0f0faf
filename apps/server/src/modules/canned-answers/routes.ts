import { cannedAnswer, cannedAnswerBody, cannedAnswerPatchBody, id } from '@parley/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { createCannedAnswer, deleteCannedAnswer, updateCannedAnswer } from './commands.ts';
import { listCannedAnswers } from './queries.ts';

export function cannedAnswerRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['canned answers'];
  const params = workspaceParams.extend({ cannedAnswerId: id });

  r.get(
    '/canned-answers',
    { schema: { tags, params: workspaceParams, response: { 200: z.array(cannedAnswer) } } },
    (request) => listCannedAnswers(ctx.db, request.principal),
  );

  r.post(
    '/canned-answers',
    { schema: { tags, params: workspaceParams, body: cannedAnswerBody, response: { 201: cannedAnswer } } },
    async (request, reply) => {
      const created = await transaction(ctx.db, (tx) =>
        createCannedAnswer(tx, { actor: request.principal, ...request.body }),
      );
      return reply.status(201).send(created);
    },
  );

  r.patch(
    '/canned-answers/:cannedAnswerId',
    { schema: { tags, params, body: cannedAnswerPatchBody, response: { 200: cannedAnswer } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        updateCannedAnswer(tx, {
          actor: request.principal,
          id: request.params.cannedAnswerId,
          changes: request.body,
        }),
      ),
  );

  r.delete('/canned-answers/:cannedAnswerId', { schema: { tags, params } }, async (request, reply) => {
    await transaction(ctx.db, (tx) =>
      deleteCannedAnswer(tx, { actor: request.principal, id: request.params.cannedAnswerId }),
    );
    return reply.status(204).send();
  });
}
