import { emailTranscriptBody, emailTranscriptResult, id, transcript } from '@parley/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { workspaceParams } from '../workspaces/routes.ts';
import { emailTranscript } from './commands.ts';
import { loadTranscript } from './queries.ts';

/** The printable transcript and its e-mail (OI-7); inside the workspace scope. */
export function transcriptRoutes(scoped: FastifyInstance, ctx: AppContext) {
  const r = scoped.withTypeProvider<ZodTypeProvider>();
  const tags = ['conversations'];
  const params = workspaceParams.extend({ conversationId: id });

  r.get(
    '/conversations/:conversationId/transcript',
    { schema: { tags, params, response: { 200: transcript } } },
    async (request) => {
      const { timezone: _tz, ...t } = await loadTranscript(ctx.db, {
        secret: ctx.secret,
        actor: request.principal,
        conversationId: request.params.conversationId,
      });
      return t;
    },
  );

  r.post(
    '/conversations/:conversationId/transcript/email',
    {
      schema: { tags, params, body: emailTranscriptBody, response: { 200: emailTranscriptResult } },
      // Per session: an e-mail to any address is worth limiting, operators behind one office IP are not.
      config: {
        rateLimit: {
          max: 20,
          timeWindow: '1 minute',
          keyGenerator: (request: FastifyRequest) => request.headers.cookie ?? request.ip,
        },
      },
    },
    (request) =>
      emailTranscript(ctx.db, {
        secret: ctx.secret,
        mailer: ctx.mailer,
        actor: request.principal,
        conversationId: request.params.conversationId,
        ...request.body,
      }),
  );
}
