import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/client.ts';
import type { Mailer } from './platform/mailer.ts';

/** What commands and routes need from the running server. */
export interface AppContext {
  db: Db;
  config: Config;
  mailer: Mailer;
  logger: FastifyBaseLogger;
}
