import {
  answerSurveyBody,
  id,
  sendSurveyBody,
  survey,
  surveyBody,
  surveyPatchBody,
  surveyRequest,
  tableFormatQuery,
  widgetPending,
} from '@parley/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { perVisitor } from '../../platform/rate-limit.ts';
import { pendingRating } from '../ratings/queries.ts';
import { resolveVisitor } from '../widget/routes.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { answerSurvey, createSurvey, deleteSurvey, sendSurvey, updateSurvey } from './commands.ts';
import { exportSurveyResponses } from './export.ts';
import { listConversationSurveys, listSurveys, pendingSurveys } from './queries.ts';

/** Surveys in the console (inside the workspace scope). */
export function surveyRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['surveys'];
  const surveyParams = workspaceParams.extend({ surveyId: id });
  const conversationParams = workspaceParams.extend({ conversationId: id });

  r.get(
    '/surveys',
    { schema: { tags, params: workspaceParams, response: { 200: z.array(survey) } } },
    (request) => listSurveys(ctx.db, request.principal.workspaceId),
  );

  const manage = { permission: 'workspace.manage' } as const;
  r.post(
    '/surveys',
    {
      config: manage,
      schema: { tags, params: workspaceParams, body: surveyBody, response: { 201: survey } },
    },
    async (request, reply) => {
      const created = await transaction(ctx.db, (tx) =>
        createSurvey(tx, { actor: request.principal, ...request.body }),
      );
      return reply.status(201).send(created);
    },
  );

  r.patch(
    '/surveys/:surveyId',
    {
      config: manage,
      schema: { tags, params: surveyParams, body: surveyPatchBody, response: { 200: survey } },
    },
    (request) =>
      transaction(ctx.db, (tx) =>
        updateSurvey(tx, {
          actor: request.principal,
          surveyId: request.params.surveyId,
          changes: request.body,
        }),
      ),
  );

  r.delete(
    '/surveys/:surveyId',
    { config: manage, schema: { tags, params: surveyParams } },
    async (request, reply) => {
      await transaction(ctx.db, (tx) =>
        deleteSurvey(tx, { actor: request.principal, surveyId: request.params.surveyId }),
      );
      return reply.status(204).send();
    },
  );

  r.get(
    '/surveys/:surveyId/responses',
    {
      config: { permission: 'export' },
      schema: { tags, params: surveyParams, querystring: tableFormatQuery },
    },
    (request, reply) =>
      exportSurveyResponses(
        ctx,
        { actor: request.principal, surveyId: request.params.surveyId, ...request.query },
        reply,
      ),
  );

  r.get(
    '/conversations/:conversationId/surveys',
    { schema: { tags, params: conversationParams, response: { 200: z.array(surveyRequest) } } },
    (request) => listConversationSurveys(ctx.db, request.principal, request.params.conversationId),
  );

  r.post(
    '/conversations/:conversationId/surveys',
    { schema: { tags, params: conversationParams, body: sendSurveyBody, response: { 200: surveyRequest } } },
    (request) =>
      transaction(ctx.db, (tx) =>
        sendSurvey(tx, {
          actor: request.principal,
          conversationId: request.params.conversationId,
          surveyId: request.body.surveyId,
        }),
      ),
  );
}

async function requireVisitor(ctx: AppContext, request: FastifyRequest) {
  const header = request.headers.authorization ?? '';
  const visitor = await resolveVisitor(ctx, header.startsWith('Bearer ') ? header.slice(7) : undefined);
  if (!visitor)
    throw new AppError('unauthenticated', 'missing or invalid visitor token; start a widget session');
  return visitor;
}

/** The widget's side of surveys and the rating prompt. */
export function widgetSurveyRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['widget'];

  // Read when the widget session starts or resumes: what waits for the visitor.
  r.get('/api/widget/pending', { schema: { tags, response: { 200: widgetPending } } }, async (request) => {
    const visitor = await requireVisitor(ctx, request);
    return { surveys: await pendingSurveys(ctx.db, visitor), csat: await pendingRating(ctx.db, visitor) };
  });

  r.post(
    '/api/widget/surveys/:requestId/answers',
    {
      schema: {
        tags,
        params: z.object({ requestId: id }),
        body: answerSurveyBody,
        response: { 204: z.null() },
      },
      config: perVisitor(30),
    },
    async (request, reply) => {
      const visitor = await requireVisitor(ctx, request);
      await transaction(ctx.db, (tx) =>
        answerSurvey(tx, { visitor, requestId: request.params.requestId, answers: request.body.answers }),
      );
      return reply.status(204).send(null);
    },
  );
}
