import {
  attachment,
  attributesBody,
  clientId,
  contactEmailBody,
  identifyBody,
  type Message,
  offlineMessageBody,
  pageInfo,
  prechatBody,
  readBody,
  widgetAvailability,
  widgetMessage,
  widgetMessagePage,
  widgetMessagesQuery,
  widgetQueue,
  widgetSendBody,
  widgetSession,
  widgetSessionBody,
} from '@parley/contracts';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { pageViews, visitors, workspaces } from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { describeLocation } from '../../platform/location.ts';
import { perVisitor } from '../../platform/rate-limit.ts';
import { randomToken } from '../../platform/tokens.ts';
import { describeClient } from '../../platform/user-agent.ts';
import { receiveUpload } from '../attachments/routes.ts';
import { identifyVisitor, updateVisitorContact } from '../contacts/commands.ts';
import { presentConversationForVisitor } from '../conversations/presenter.ts';
import { leaveOfflineMessage } from '../messages/commands.ts';
import { sendOnce } from '../messages/idempotency.ts';
import { presentMessageForVisitor } from '../messages/presenter.ts';
import { listMessages } from '../messages/queries.ts';
import { receiveMessage } from '../messages/receive.ts';
import { queuePosition } from '../routing/queue.ts';
import type { VisitorPrincipal } from '../workspaces/policy.ts';
import { availability, latestVisitorConversation, visitorContact, widgetSettings } from './queries.ts';
import { issueVisitorToken, readVisitorToken } from './visitor-token.ts';

/** Resolves a visitor token (bearer header, or `visitorToken` on the socket URL) to a principal. */
export async function resolveVisitor(
  ctx: AppContext,
  token: string | undefined,
): Promise<VisitorPrincipal | null> {
  const claims = token ? readVisitorToken(ctx.secret, token) : null;
  if (!claims) return null;
  const [row] = await ctx.db
    .select({ contactId: visitors.contactId })
    .from(visitors)
    .where(and(eq(visitors.id, claims.visitorId), eq(visitors.workspaceId, claims.workspaceId)));
  if (!row) return null;
  return {
    kind: 'visitor',
    workspaceId: claims.workspaceId,
    visitorId: claims.visitorId,
    contactId: row.contactId,
  };
}

/**
 * The visitor named by a valid token, without a database read: for the message hot path, whose own
 * query checks that the visitor exists.
 */
function visitorFromToken(ctx: AppContext, request: FastifyRequest): VisitorPrincipal {
  const header = request.headers.authorization ?? '';
  const claims = header.startsWith('Bearer ') ? readVisitorToken(ctx.secret, header.slice(7)) : null;
  if (!claims)
    throw new AppError('unauthenticated', 'missing or invalid visitor token; start a widget session');
  return { kind: 'visitor', ...claims, contactId: null };
}

async function requireVisitor(ctx: AppContext, request: FastifyRequest): Promise<VisitorPrincipal> {
  const header = request.headers.authorization ?? '';
  const visitor = await resolveVisitor(ctx, header.startsWith('Bearer ') ? header.slice(7) : undefined);
  if (!visitor)
    throw new AppError('unauthenticated', 'missing or invalid visitor token; start a widget session');
  return visitor;
}

/** A stored message is this visitor's if their contact (which their first message may have created) wrote it. */
const ownedBy = (ctx: AppContext, visitor: VisitorPrincipal) => async (message: Message) => {
  if (message.authorKind !== 'contact') return false;
  const [row] = await ctx.db
    .select({ contactId: visitors.contactId })
    .from(visitors)
    .where(eq(visitors.id, visitor.visitorId));
  return row?.contactId != null && row.contactId === message.authorId;
};

/** The widget's API: separate from the operators' routes, authenticated by a visitor token. */
export function widgetRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['widget'];
  const noContent = { 204: z.null().describe('done') };

  r.post(
    '/api/widget/sessions',
    {
      schema: { tags, body: widgetSessionBody, response: { 200: widgetSession } },
      config: { rateLimit: { max: ctx.config.widgetSessionRateLimit, timeWindow: '1 minute' } },
    },
    async (request) => {
      const [workspace] = await ctx.db
        .select()
        .from(workspaces)
        .where(eq(workspaces.widgetKey, request.body.workspaceKey));
      if (!workspace)
        throw new AppError('not_found', 'workspaceKey: no workspace has this widget key', 'workspaceKey');
      const browserId = request.body.visitorId ?? randomToken(16);
      const client = describeClient(request.ip, request.headers['user-agent']);
      const { page } = request.body;
      const seen = {
        lastSeenAt: new Date(),
        userAgent: client.userAgent,
        browser: client.browser,
        os: client.os,
        ip: client.ip,
        locale: request.body.locale ?? null,
        location: describeLocation(
          request.body.timezone,
          request.body.locale ?? request.headers['accept-language'],
        ),
        ...(page ? { currentUrl: page.url, currentTitle: page.title, referrer: page.referrer } : {}),
      };
      const [row] = await ctx.db
        .insert(visitors)
        .values({ workspaceId: workspace.id, browserId, ...seen })
        .onConflictDoUpdate({ target: [visitors.workspaceId, visitors.browserId], set: seen })
        .returning({ id: visitors.id, contactId: visitors.contactId });
      if (page)
        await ctx.db.insert(pageViews).values({ workspaceId: workspace.id, visitorId: row!.id, ...page });
      const visitor: VisitorPrincipal = {
        kind: 'visitor',
        workspaceId: workspace.id,
        visitorId: row!.id,
        contactId: row!.contactId,
      };
      const conversation = await latestVisitorConversation(ctx.db, visitor);
      return {
        token: issueVisitorToken(ctx.secret, workspace.id, row!.id),
        visitorId: browserId,
        settings: await widgetSettings(ctx.db, workspace),
        conversation: conversation && presentConversationForVisitor(conversation),
        contact: await visitorContact(ctx.db, row!.contactId),
      };
    },
  );

  r.get(
    '/api/widget/messages',
    { schema: { tags, querystring: widgetMessagesQuery, response: { 200: widgetMessagePage } } },
    async (request) => {
      const visitor = await requireVisitor(ctx, request);
      const conversation = await latestVisitorConversation(ctx.db, visitor);
      if (!conversation) return { messages: [], hasMore: false };
      const page = await listMessages(ctx.db, {
        secret: ctx.secret,
        workspaceId: visitor.workspaceId,
        conversationId: conversation.id,
        ...request.query,
        includePrivate: false,
      });
      return {
        messages: page.messages.flatMap((m) => presentMessageForVisitor(m) ?? []),
        hasMore: page.hasMore,
      };
    },
  );

  r.post(
    '/api/widget/messages',
    {
      schema: { tags, body: widgetSendBody, response: { 200: widgetMessage } },
      config: perVisitor(ctx.config.widgetMessageRateLimit),
    },
    async (request) => {
      const sent = await receiveMessage(ctx, { from: visitorFromToken(ctx, request), ...request.body });
      return presentMessageForVisitor(sent)!;
    },
  );

  // What the widget re-reads when its socket (re)connects; changes then arrive as events.
  r.get(
    '/api/widget/availability',
    { schema: { tags, response: { 200: widgetAvailability } } },
    async (request) => {
      const visitor = visitorFromToken(ctx, request);
      const [workspace] = await ctx.db
        .select()
        .from(workspaces)
        .where(eq(workspaces.id, visitor.workspaceId));
      if (!workspace) throw notFound('workspace');
      return availability(ctx.db, workspace);
    },
  );

  r.get('/api/widget/queue', { schema: { tags, response: { 200: widgetQueue } } }, async (request) => {
    const visitor = await requireVisitor(ctx, request);
    const conversation = await latestVisitorConversation(ctx.db, visitor);
    if (!conversation) return { position: null, estimatedWaitSeconds: null };
    return queuePosition(ctx.db, visitor.workspaceId, conversation.id);
  });

  r.post('/api/widget/attachments', { schema: { tags, response: { 200: attachment } } }, async (request) => {
    const visitor = await requireVisitor(ctx, request);
    return receiveUpload(ctx, request, visitor.workspaceId, `visitor:${visitor.visitorId}`);
  });

  r.post(
    '/api/widget/identify',
    { schema: { tags, body: identifyBody, response: noContent } },
    async (request, reply) => {
      const visitor = await requireVisitor(ctx, request);
      const { id: externalId, ...rest } = request.body;
      await transaction(ctx.db, (tx) => identifyVisitor(tx, { visitor, externalId, ...rest }));
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/widget/prechat',
    { schema: { tags, body: prechatBody, response: noContent } },
    async (request, reply) => {
      const visitor = await requireVisitor(ctx, request);
      await transaction(ctx.db, (tx) => updateVisitorContact(tx, { visitor, ...request.body }));
      return reply.status(204).send(null);
    },
  );

  // Nobody could answer the chat: the e-mail the reply should go to.
  r.post(
    '/api/widget/email',
    { schema: { tags, body: contactEmailBody, response: noContent } },
    async (request, reply) => {
      const visitor = await requireVisitor(ctx, request);
      await transaction(ctx.db, (tx) => updateVisitorContact(tx, { visitor, email: request.body.email }));
      return reply.status(204).send(null);
    },
  );

  r.put(
    '/api/widget/attributes',
    { schema: { tags, body: attributesBody, response: noContent } },
    async (request, reply) => {
      const visitor = await requireVisitor(ctx, request);
      await transaction(ctx.db, (tx) =>
        updateVisitorContact(tx, { visitor, attributes: request.body.attributes }),
      );
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/widget/page-views',
    {
      schema: { tags, body: pageInfo, response: noContent },
      config: perVisitor(120),
    },
    async (request, reply) => {
      const visitor = await requireVisitor(ctx, request);
      const page = request.body;
      await ctx.db
        .insert(pageViews)
        .values({ workspaceId: visitor.workspaceId, visitorId: visitor.visitorId, ...page });
      await ctx.db
        .update(visitors)
        .set({
          currentUrl: page.url,
          currentTitle: page.title,
          referrer: page.referrer,
          lastSeenAt: new Date(),
        })
        .where(eq(visitors.id, visitor.visitorId));
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/widget/read',
    { schema: { tags, body: readBody, response: noContent } },
    async (request, reply) => {
      const visitor = await requireVisitor(ctx, request);
      await ctx.readReceipts.mark({ reader: visitor, upTo: request.body.upTo });
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/widget/offline',
    {
      schema: {
        tags,
        body: offlineMessageBody.extend({ clientId: clientId.optional() }),
        response: { 200: widgetMessage },
      },
      config: perVisitor(10),
    },
    async (request) => {
      const visitor = await requireVisitor(ctx, request);
      const id = request.body.clientId ?? randomToken(12);
      const sent = await sendOnce(
        ctx,
        { workspaceId: visitor.workspaceId, clientId: id, owns: ownedBy(ctx, visitor) },
        () =>
          transaction(ctx.db, (tx) =>
            leaveOfflineMessage(tx, { secret: ctx.secret, visitor, ...request.body, clientId: id }),
          ),
      );
      return presentMessageForVisitor(sent)!;
    },
  );
}
