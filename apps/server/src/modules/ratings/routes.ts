import { id, rateBody, rating } from '@parley/contracts';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { conversations } from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { perVisitor } from '../../platform/rate-limit.ts';
import { assertCanView } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import { resolveVisitor } from '../widget/routes.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { rateConversation } from './commands.ts';

/** The rating of one conversation, for the console (null until the customer rated). */
export function ratingRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/conversations/:conversationId/rating',
    {
      schema: {
        tags: ['conversations'],
        params: workspaceParams.extend({ conversationId: id }),
        response: { 200: rating.nullable() },
      },
    },
    async (request) => {
      const { principal } = request;
      assertCanView(
        principal,
        await loadConversation(ctx.db, principal.workspaceId, request.params.conversationId),
      );
      const [row] = await ctx.db
        .select({
          rating: conversations.rating,
          comment: conversations.ratingComment,
          ratedAt: conversations.ratedAt,
        })
        .from(conversations)
        .where(
          and(
            eq(conversations.workspaceId, principal.workspaceId),
            eq(conversations.id, request.params.conversationId),
          ),
        );
      if (!row?.ratedAt || row.rating === null) return null;
      return {
        conversationId: request.params.conversationId,
        rating: row.rating,
        comment: row.comment,
        ratedAt: row.ratedAt.toISOString(),
      };
    },
  );
}

export function widgetRatingRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/widget/rating',
    {
      schema: { tags: ['widget'], body: rateBody, response: { 204: z.null() } },
      config: perVisitor(20),
    },
    async (request, reply) => {
      const header = request.headers.authorization ?? '';
      const visitor = await resolveVisitor(ctx, header.startsWith('Bearer ') ? header.slice(7) : undefined);
      if (!visitor)
        throw new AppError('unauthenticated', 'missing or invalid visitor token; start a widget session');
      await transaction(ctx.db, (tx) => rateConversation(tx, { visitor, ...request.body }));
      return reply.status(204).send(null);
    },
  );
}
