import type { FastifyBaseLogger } from 'fastify';
import type { ReadReceipts } from './modules/messages/read-receipts.ts';
import type { MessageWriter } from './modules/messages/writer.ts';
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/client.ts';
import type { SharedTransactions } from './platform/db/shared-transactions.ts';
import type { Mailer } from './platform/mailer.ts';
import type { Storage } from './platform/storage.ts';

/** What commands and routes need from the running server. */
export interface AppContext {
  db: Db;
  config: Config;
  mailer: Mailer;
  logger: FastifyBaseLogger;
  storage: Storage;
  /** Signs visitor tokens and file links. */
  secret: string;
  /** The batched write path of plain messages. */
  writer: MessageWriter;
  /**
   * The full path of a visitor's message (first message, reopening, files): under load, several share
   * one transaction and its commit.
   */
  shared: SharedTransactions;
  /** Read receipts, written by group commit. */
  readReceipts: ReadReceipts;
}
