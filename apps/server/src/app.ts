import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { AppContext } from './context.ts';
import { createLocalBus, createRedisBus, type EventBus } from './events/bus.ts';
import { releaseCursorLeases, type SubscriberWorkers, startSubscriberWorkers } from './events/cursors.ts';
import { pruneEvents, useEventBus } from './events/publish.ts';
import { type JobWorker, releaseJobLeases, startJobWorker } from './jobs/queue.ts';
import { adminConversationRoutes } from './modules/admin-conversations/routes.ts';
import { galleryRoutes } from './modules/attachments/gallery.ts';
import { refreshEventLinks } from './modules/attachments/links.ts';
import { attachmentRoutes } from './modules/attachments/routes.ts';
import { recordSessionExpiry } from './modules/audit/connection-history.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { consoleCsp, socketOriginAllowed } from './modules/auth/origin.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { sessionHook } from './modules/auth/sessions.ts';
import { cannedAnswerRoutes } from './modules/canned-answers/routes.ts';
import { conversationToolRoutes } from './modules/conversation-tools/routes.ts';
import { conversationRoutes } from './modules/conversations/routes.ts';
import { conversationStateRoutes } from './modules/conversations/state-routes.ts';
import { startSnoozeSweep } from './modules/conversations/states.ts';
import { demoPage } from './modules/demo/demo-page.ts';
import { seedDemo } from './modules/demo/seed.ts';
import { registerImpersonation } from './modules/impersonation/commands.ts';
import { auditImpersonatedActions, impersonationRoutes } from './modules/impersonation/routes.ts';
import { inboxRoutes } from './modules/inbox/routes.ts';
import { registerInbox } from './modules/inbox/subscriber.ts';
import { presentMessageForVisitor } from './modules/messages/presenter.ts';
import { createReadReceipts } from './modules/messages/read-receipts.ts';
import { receiveMessage } from './modules/messages/receive.ts';
import { createMessageWriter } from './modules/messages/writer.ts';
import { startRollupCompaction } from './modules/metrics/compaction.ts';
import { metricsRoutes } from './modules/metrics/routes.ts';
import { operatorRoutes } from './modules/operators/routes.ts';
import { ratingRoutes, widgetRatingRoutes } from './modules/ratings/routes.ts';
import {
  endPresence,
  markReconnected,
  schedulePresenceCheck,
  startPresenceSweep,
} from './modules/routing/presence.ts';
import { routingRoutes } from './modules/routing/routes.ts';
import { registerRouting, startQueueSweep } from './modules/routing/subscriber.ts';
import { supervisionRoutes } from './modules/supervision/routes.ts';
import { surveyRoutes, widgetSurveyRoutes } from './modules/surveys/routes.ts';
import { tagRoutes } from './modules/tags/routes.ts';
import { transcriptRoutes } from './modules/transcripts/routes.ts';
import { registerWidgetAvailability } from './modules/widget/availability.ts';
import { resolveVisitor, widgetRoutes } from './modules/widget/routes.ts';
import { resolveOperator, workspaceRoutes } from './modules/workspaces/routes.ts';
import type { Config } from './platform/config.ts';
import { type Database, openDatabase } from './platform/db/client.ts';
import { sharedTransactions } from './platform/db/shared-transactions.ts';
import { transaction, transactionsDrained } from './platform/db/tx.ts';
import { AppError } from './platform/errors.ts';
import { healthRoutes } from './platform/health.ts';
import { createHttp } from './platform/http.ts';
import { createMailer } from './platform/mailer.ts';
import { rootDir } from './platform/paths.ts';
import { watchRedis } from './platform/redis.ts';
import { loadInstanceSecret } from './platform/secrets.ts';
import { localStorage } from './platform/storage.ts';
import { createGateway, type Gateway } from './realtime/gateway.ts';

const root = rootDir;
export const version: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;

export interface Parley {
  app: FastifyInstance;
  ctx: AppContext;
  database: Database;
  gateway: Gateway;
  /**
   * The generic job worker and the durable subscribers' pools together: `drain()` waits for both,
   * `stop()` stops both.
   */
  jobs: JobWorker;
  /** The durable subscribers' pools alone (events/cursors.ts). */
  subscribers: SubscriberWorkers;
  bus: EventBus;
  /** Demo mode: the widget key of the demo workspace, or null. */
  demoWidgetKey: string | null;
  /** Stops taking work, drains sockets and requests, finishes transactions, then closes the database. */
  close(): Promise<void>;
}

export async function createParley(
  config: Config,
  opts: {
    template?: Blob;
    inMemory?: boolean;
    jobPollMs?: number;
    sweepMs?: number;
    /** How often due snoozes are woken (default 2 s). */
    snoozeSweepMs?: number;
    heartbeatMs?: number;
    maxReplay?: number;
  } = {},
): Promise<Parley> {
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    template: opts.template,
    inMemory: opts.inMemory,
  });
  let redis: Redis | undefined;
  try {
    if (config.redisUrl) {
      const { Redis: RedisClient } = await import('ioredis');
      // Connected once its outages are logged (below), not before the logger exists.
      redis = new RedisClient(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
    }
    const app = await createHttp({
      logLevel: config.logLevel,
      version,
      redis,
      rateLimitNamespace: config.rateLimitNamespace,
      trustProxy: config.trustProxy,
    });
    // Reconnects by itself; while it is away the rate limits fall back (platform/rate-limit.ts).
    if (redis) {
      watchRedis(redis, 'rate limits', app.log);
      redis.connect().catch(() => {});
    }
    const bus = config.redisUrl ? await createRedisBus(config.redisUrl, app.log) : createLocalBus();
    useEventBus(bus);
    const secret = await loadInstanceSecret(database.db);
    const ctx: AppContext = {
      db: database.db,
      config,
      logger: app.log,
      mailer: createMailer(config.smtpUrl, app.log),
      storage: localStorage(config.storageDir),
      secret,
      writer: createMessageWriter({ db: database.db, secret, logger: app.log }),
      shared: sharedTransactions({ db: database.db, logger: app.log }),
      readReceipts: createReadReceipts({ db: database.db, logger: app.log }),
    };

    const resolveSession = sessionHook(ctx.db);
    app.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/api/')) await resolveSession(request);
    });

    let closing: Promise<void> | null = null;
    healthRoutes(app, {
      db: ctx.db,
      redis,
      version,
      kind: database.kind,
      closing: () => closing !== null,
    });

    const gateway = createGateway({
      db: ctx.db,
      heartbeatMs: opts.heartbeatMs,
      maxReplay: opts.maxReplay,
      bus,
      refresh: (event) => refreshEventLinks(secret, event),
      logger: app.log,
      onOperatorJoined: (workspaceId, userId) => markReconnected(ctx.db, workspaceId, userId),
      onSessionEnded: (userId, sessionId) =>
        transaction(ctx.db, async (tx) => {
          await recordSessionExpiry(tx.db, sessionId);
          await endPresence(tx, { userId });
        }),
      onOperatorLeft: (workspaceId, userId) => {
        schedulePresenceCheck(ctx.db, workspaceId, userId).catch((err) =>
          app.log.warn({ err }, 'presence check'),
        );
      },
      authenticate: async (request) => {
        const { workspaceId, visitorToken } = request.query as {
          workspaceId?: string;
          visitorToken?: string;
        };
        if (visitorToken) return resolveVisitor(ctx, visitorToken);
        if (!request.session) return null;
        if (!socketOriginAllowed(request, config.publicUrl)) {
          throw new AppError(
            'forbidden',
            `a console socket opens only from ${new URL(config.publicUrl).origin}`,
          );
        }
        return resolveOperator(ctx, request, workspaceId ?? '');
      },
      // Visitors may send over their socket: the same command as POST /api/widget/messages.
      receive: async (visitor, { clientId, text, attachmentIds }) =>
        presentMessageForVisitor(
          await receiveMessage(ctx, { from: visitor, clientId, text, attachmentIds }),
        )!,
      sendRateLimit: config.widgetMessageRateLimit,
    });
    gateway.register(app);
    auditImpersonatedActions(app, ctx);
    authRoutes(app, ctx);
    await attachmentRoutes(app, ctx);
    workspaceRoutes(app, ctx, [
      conversationRoutes,
      routingRoutes,
      metricsRoutes,
      operatorRoutes,
      impersonationRoutes,
      auditRoutes,
      adminConversationRoutes,
      tagRoutes,
      conversationStateRoutes,
      supervisionRoutes,
      inboxRoutes,
      // The operator's conversation tools (OI-7, OI-8, OI-9, CSAT).
      transcriptRoutes,
      surveyRoutes,
      ratingRoutes,
      cannedAnswerRoutes,
      conversationToolRoutes,
      galleryRoutes,
    ]);
    registerRouting();
    registerImpersonation();
    registerInbox();
    registerWidgetAvailability();
    widgetRoutes(app, ctx);
    widgetSurveyRoutes(app, ctx);
    widgetRatingRoutes(app, ctx);
    let demoWidgetKey: string | null = null;
    if (config.demo) {
      demoWidgetKey = await seedDemo(ctx, config.demoPassword);
      if (demoWidgetKey) {
        const page = demoPage(demoWidgetKey);
        app.get('/demo', { schema: { hide: true } }, (_request, reply) => reply.type('text/html').send(page));
      } else {
        app.log.warn('demo mode needs an empty installation (or one made by demo mode): not seeding');
      }
    }
    await serveWeb(app, config.serveWeb);

    // The embedded database has one process, this one (its data directory is locked): a lease on a job
    // or a subscriber's cursor left in it is from a process that was killed, and held that work up to
    // a minute after the restart (new chats not routed meanwhile).
    if (database.kind === 'pglite') {
      await releaseJobLeases(ctx.db);
      await releaseCursorLeases(ctx.db);
    }
    const jobWorker = startJobWorker({
      db: ctx.db,
      app: ctx,
      run: database.run,
      pollMs: opts.jobPollMs,
      onError: (err, job) => app.log.warn({ err, job }, 'job failed'),
    });
    // Each durable subscriber reads the outbox through its own pool; events committed on other
    // nodes wake them through the bus (and a poll, as a safety net).
    const subscribers = startSubscriberWorkers({
      db: ctx.db,
      app: ctx,
      run: database.run,
      pollMs: opts.jobPollMs,
      onError: (err, at) => app.log.warn({ err, ...at }, 'durable subscriber failed'),
    });
    const stopWaking = bus.subscribe((event) => subscribers.wake([event]));
    const jobs: JobWorker = {
      poke() {
        jobWorker.poke();
        subscribers.poke();
      },
      // A subscriber may enqueue jobs and a job may publish events: until neither has work left.
      async drain() {
        for (;;) {
          await jobWorker.drain();
          await subscribers.drain();
          if (!(await jobWorker.pending()) && !(await subscribers.pending())) return;
        }
      },
      pending: async () => (await jobWorker.pending()) || (await subscribers.pending()),
      async stop() {
        stopWaking();
        await Promise.all([jobWorker.stop(), subscribers.stop()]);
      },
    };

    const sweep = startQueueSweep(ctx.db, app.log, opts.sweepMs);
    const compaction = startRollupCompaction(ctx.db, app.log);
    const presenceSweep = startPresenceSweep(ctx.db, app.log, opts.sweepMs);
    const snoozes = startSnoozeSweep(ctx.db, app.log, opts.snoozeSweepMs);
    const retention = setInterval(() => {
      const cutoff = new Date(Date.now() - config.eventRetentionDays * 86_400_000);
      pruneEvents(ctx.db, cutoff).catch((err) => app.log.warn({ err }, 'event retention'));
    }, 3_600_000);
    retention.unref();

    return {
      app,
      ctx,
      database,
      gateway,
      jobs,
      subscribers,
      bus,
      demoWidgetKey,
      close() {
        closing ??= (async () => {
          sweep.stop();
          compaction.stop();
          presenceSweep.stop();
          snoozes.stop();
          clearInterval(retention);
          gateway.close();
          // Requests in flight get a few seconds to finish; a connection that never goes idle (a
          // client holding a keep-alive socket mid-exchange) must not hold the shutdown for ever.
          const force = setTimeout(() => app.server.closeAllConnections(), 5000);
          force.unref();
          await app.close();
          clearTimeout(force);
          await ctx.writer.flushed();
          await ctx.shared.flushed();
          await ctx.readReceipts.flushed();
          await jobs.stop();
          await transactionsDrained();
          await bus.close();
          redis?.disconnect();
          await database.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    redis?.disconnect();
    await database.close();
    throw err;
  }
}

/** The console at `/` (single-page app) and the widget at `/widget.js` and `/widget/`. */
async function serveWeb(app: FastifyInstance, enabled: boolean) {
  const consoleDir = path.join(root, 'apps/console/dist');
  const widgetDir = path.join(root, 'apps/widget/dist');
  // Sent Brotli- or gzip-compressed where the build wrote a copy (scripts/precompress.mjs). A file
  // under assets/ has its content's hash in its name: cached for a year, never asked again; a page
  // is asked again each time (304 when unchanged), so a new release is seen at the next load.
  const files = (dir: string) => ({
    root: dir,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply: FastifyReply, file: string) => {
      const hashed = path.relative(dir, file).split(path.sep)[0] === 'assets';
      reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  if (enabled && fs.existsSync(widgetDir)) {
    await app.register(fastifyStatic, { ...files(widgetDir), prefix: '/widget/', decorateReply: false });
    app.get('/widget.js', (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return reply.type('text/javascript').send(fs.createReadStream(path.join(widgetDir, 'widget.js')));
    });
  }
  // The console's pages get a CSP and may not be framed; the widget's frame must stay embeddable.
  app.addHook('onSend', async (request, reply) => {
    const isHtml = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
    if (!isHtml || request.url.startsWith('/widget/') || request.url.startsWith('/demo')) return;
    reply.header('content-security-policy', consoleCsp).header('x-frame-options', 'DENY');
  });
  const hasConsole = enabled && fs.existsSync(path.join(consoleDir, 'index.html'));
  if (hasConsole) await app.register(fastifyStatic, { ...files(consoleDir), prefix: '/', wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    if (request.method !== 'GET' || pathname.startsWith('/api/') || path.extname(pathname)) {
      return reply
        .status(404)
        .send(new AppError('not_found', `no route ${request.method} ${pathname}`).toBody());
    }
    if (!hasConsole) {
      return reply
        .type('text/plain')
        .send('Parley is running, but the console is not built. Run `npm run build:web` (npm ci does it).');
    }
    return reply.type('text/html').sendFile('index.html', consoleDir);
  });
}
