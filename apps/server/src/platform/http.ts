import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import { type ErrorCode, errorCodes } from '@parley/contracts';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { isDatabaseUnavailable, reportUnavailable, sqlState } from './db/errors.ts';
import { AppError } from './errors.ts';
import { resilientRateLimitStore } from './rate-limit.ts';

/** What a 503 tells clients to wait before trying again. */
const RETRY_AFTER_SECONDS = 2;

/** The general code of a status the framework or a plugin answered (a 403 of theirs is no CSRF failure). */
const specificCodes = new Set<ErrorCode>(['weak_password', 'invalid_credentials', 'csrf_failed']);
const codeForStatus = (status: number): ErrorCode => {
  const match = (Object.entries(errorCodes) as [ErrorCode, number][]).find(
    ([code, s]) => s === status && !specificCodes.has(code),
  );
  return match?.[0] ?? (status >= 500 ? 'internal' : 'validation_failed');
};

/**
 * What went wrong reading a multipart upload, as the client's fault and never a 500: the file size
 * limit is `tooLarge`, any other limit a 413, and whatever the parser refused (no or wrong boundary,
 * a body cut short, broken part headers) a 400 on `field`.
 */
export function multipartError(err: unknown, field: string, tooLarge: AppError): AppError {
  if (err instanceof AppError) return err;
  const { code, statusCode, message } = err as { code?: string; statusCode?: number; message?: string };
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge;
  if (statusCode === 413)
    return new AppError('payload_too_large', `${field}: send one file at a time`, field);
  const reason = message ? ` (${message})` : '';
  return new AppError(
    'validation_failed',
    `${field}: the upload is not valid multipart/form-data${reason}`,
    field,
  );
}

/** The character set a JSON content type declares, when it is not UTF-8 (which JSON must be, RFC 8259). */
export function foreignJsonCharset(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*application\/([\w.+-]*\+)?json\b/i.test(contentType)) return null;
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType)?.[1];
  return charset !== undefined && !/^utf-?8$/i.test(charset) ? charset || '(empty)' : null;
}

/** Fastify with the parts every route relies on: zod validation, one error shape, cookies, sockets. */
export async function createHttp(opts: {
  logLevel: string;
  version: string;
  redis?: Redis;
  rateLimitNamespace: string;
  trustProxy: boolean | number | string[];
}): Promise<FastifyInstance> {
  const hops = opts.trustProxy;
  const app = Fastify({
    logger: { level: opts.logLevel, redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]'] },
    // A hop count trusts that many proxies nearest to this server (Fastify takes it as a function).
    trustProxy: typeof hops === 'number' ? (_address: string, hop: number) => hop < hops : hops,
    // One line per request drowns what matters at info; LOG_LEVEL=debug brings them back.
    logController: new LogController({
      disableRequestLogging: opts.logLevel !== 'debug' && opts.logLevel !== 'trace',
    }),
    bodyLimit: 1 << 20,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // What Fastify refuses before routing (a malformed URL, a path parameter too long) in the one
    // error shape too.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      reply.status(status).send(new AppError(codeForStatus(status), error.message).toBody());
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // JSON is UTF-8 (RFC 8259): a body declared in another character set, or whose bytes are not UTF-8,
  // is refused rather than read with replacement characters and stored garbled.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    const charset = foreignJsonCharset(request.headers['content-type']);
    if (charset)
      return done(
        new AppError(
          'unsupported_media_type',
          `content-type: send JSON in UTF-8, not ${charset.slice(0, 40)}`,
          'content-type',
        ),
      );
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(new AppError('validation_failed', 'the request body is not valid UTF-8'));
    }
    parseJson(request, text, done);
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status === 503) reply.header('retry-after', RETRY_AFTER_SECONDS);
      return reply.status(error.status).send(error.toBody());
    }
    if (isDatabaseUnavailable(error)) {
      // A database restart or failover costs a few requests that the clients retry, not a 500.
      reportUnavailable(request.log, error, `${request.method} ${request.routeOptions.url ?? 'request'}`);
      return reply
        .status(503)
        .header('retry-after', RETRY_AFTER_SECONDS)
        .send(new AppError('unavailable', 'The service is briefly unavailable; try again shortly').toBody());
    }
    // Two requests raced past a command's own check (a name taken, a row deleted meanwhile): the
    // database's constraint decided. The loser hears what happened, not "something went wrong".
    const state = sqlState(error);
    if (state === '23505' || state === '23503') {
      const message =
        state === '23505'
          ? 'this conflicts with something saved at the same moment; reload and try again'
          : 'this refers to something that no longer exists; reload and try again';
      return reply.status(409).send(new AppError('conflict', message).toBody());
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      // zod reports a huge whole number twice, first as beyond 2^53: the field's own bound says more.
      const first =
        error.validation.find((issue) => !issue.message?.includes('9007199254740991')) ?? error.validation[0];
      const field = first?.instancePath.replace(/^\//, '').replaceAll('/', '.') || undefined;
      const where = error.validationContext ?? 'body';
      const message = first ? `${field ?? where}: ${first.message}` : 'invalid request';
      return reply.status(400).send(new AppError('validation_failed', message, field).toBody());
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send(new AppError('internal', 'Something went wrong on our side').toBody());
    }
    const message =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? `the request body is not valid JSON: ${error.message}`
        : error.message;
    return reply.status(status).send(new AppError(codeForStatus(status), message).toBody());
  });

  await app.register(cookie);
  await app.register(websocket, {
    options: { maxPayload: 64 * 1024 },
    // A client's broken or oversized frame (ws closes it with 1002/1009) is the client's fault, not a
    // server error: logged for debugging only.
    errorHandler: (error, socket, request) => {
      const code = (error as { code?: string }).code ?? '';
      if (code.startsWith('WS_ERR_')) request.log.debug({ err: error }, 'realtime: client protocol error');
      else request.log.warn({ err: error }, 'realtime socket error');
      socket.terminate();
    },
  });
  await app.register(rateLimit, {
    global: false,
    ...(opts.redis
      ? {
          store: resilientRateLimitStore({
            redis: opts.redis,
            nameSpace: opts.rateLimitNamespace,
            log: (message) => app.log.warn(message),
          }),
        }
      : {}),
    errorResponseBuilder: (_request, context) => {
      const error = new AppError('rate_limited', `Too many requests; try again in ${context.after}`);
      return Object.assign(error, { statusCode: 429 });
    },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Parley API', version: opts.version },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'parley_session' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
