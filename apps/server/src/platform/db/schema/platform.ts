// Infrastructure: the event outbox, durable jobs, installation settings.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { workspaceRef } from './accounts.ts';
import { createdAt, tstz } from './columns.ts';

export const events = pgTable(
  'events',
  {
    workspaceId: workspaceRef(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    payload: jsonb('payload').notNull(),
    conversationId: uuid('conversation_id'),
    at: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.seq] }),
    // A visitor resuming reads only its conversations' events (realtime/gateway.ts).
    index('events_conversation_idx').on(t.workspaceId, t.conversationId, t.seq),
    // Retention deletes by age; rows arrive in time order, so a BRIN index (a few kB) finds them.
    index('events_created_idx').using('brin', t.at),
  ],
);

/**
 * Durable jobs: delayed, retried with backoff, claimed with FOR UPDATE SKIP LOCKED. A job is deleted
 * when it succeeds; one that used up its attempts keeps `failed_at` and its error for a while.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    payload: jsonb('payload').notNull(),
    runAt: tstz('run_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lockedUntil: tstz('locked_until'),
    lastError: text('last_error'),
    /** Only on rows of installations from before finished jobs were deleted; pruned with failed ones. */
    doneAt: tstz('done_at'),
    failedAt: tstz('failed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('jobs_due_idx').on(t.runAt, t.id).where(sql`done_at IS NULL AND failed_at IS NULL`),
    index('jobs_finished_idx')
      .on(t.failedAt, t.doneAt)
      .where(sql`done_at IS NOT NULL OR failed_at IS NOT NULL`),
  ],
);

/** Installation-wide secrets (visitor tokens, file links), generated on first start. */
export const instanceSettings = pgTable('instance_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
