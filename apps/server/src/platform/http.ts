import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import { type ErrorCode, errorCodes } from '@parley/contracts';
import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { AppError } from './errors.ts';

const codeForStatus = (status: number): ErrorCode => {
  const match = (Object.entries(errorCodes) as [ErrorCode, number][]).find(([, s]) => s === status);
  return match?.[0] ?? (status >= 500 ? 'internal' : 'validation_failed');
};

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
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) return reply.status(error.status).send(error.toBody());
    if (hasZodFastifySchemaValidationErrors(error)) {
      const first = error.validation[0];
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
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(rateLimit, {
    global: false,
    ...(opts.redis ? { redis: opts.redis, nameSpace: opts.rateLimitNamespace } : {}),
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
