// Infrastructure: the event outbox, durable jobs, installation settings.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  json,
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
    // No foreign key: an event is numbered in the statement that locks and moves its workspace's
    // counter, so it cannot be written for a workspace that does not exist, and a deleted workspace's
    // events are deleted by a trigger (migration 0022) rather than checked on every insert.
    workspaceId: uuid('workspace_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    /**
     * `json`, not `jsonb`: stored as the text the server serialised (checked, not parsed into a tree
     * and rebuilt), and read back by replay and the subscribers only whole.
     */
    payload: json('payload').notNull(),
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
    /** The run (process) that leased it (platform/db/run.ts). */
    holder: integer('holder'),
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
    // The leased jobs, few among many queued: looked over for leases of gone runs every few seconds.
    index('jobs_leased_idx').on(t.holder).where(sql`locked_until IS NOT NULL`),
  ],
);

/** Installation-wide secrets (visitor tokens, file links), generated on first start. */
export const instanceSettings = pgTable('instance_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Durable subscribers (events/subscribers.ts) known to this installation, with when they were first
 * started: a cursor made later for a workspace that already had events starts after the events
 * published before that moment, so a new subscriber (or the upgrade from per-event jobs) does not
 * replay the outbox.
 */
export const subscribers = pgTable('subscribers', {
  name: text('name').primaryKey(),
  registeredAt: tstz('registered_at').notNull().defaultNow(),
});

/**
 * One cursor per durable subscriber and workspace over the outbox: every event up to `seq` is done.
 * A worker leases the row (`locked_until`, renewed while it runs) and every write it makes is fenced
 * on `lease`, bumped at each claim, so a worker whose lease ran out cannot move the cursor. `attempts`
 * counts the failures of the event after `seq` (the head); `retry_at` holds the cursor back until then.
 */
export const subscriberCursors = pgTable(
  'subscriber_cursors',
  {
    subscriber: text('subscriber').notNull(),
    workspaceId: workspaceRef(),
    seq: bigint('seq', { mode: 'number' }).notNull().default(0),
    lease: bigint('lease', { mode: 'number' }).notNull().default(0),
    lockedUntil: tstz('locked_until'),
    /** The run (process) that leased it (platform/db/run.ts). */
    holder: integer('holder'),
    /** When a worker last claimed it: claims take the least recently served first. */
    servedAt: tstz('served_at'),
    attempts: integer('attempts').notNull().default(0),
    retryAt: tstz('retry_at'),
    lastError: text('last_error'),
  },
  (t) => [primaryKey({ columns: [t.subscriber, t.workspaceId] })],
);

/**
 * What a durable subscriber skipped: an event whose handler used up its attempts (with its name,
 * payload and error), or a range pruned from the outbox before the cursor reached it (`name` null).
 * Kept for inspection, pruned after a while.
 */
export const subscriberDeadLetters = pgTable(
  'subscriber_dead_letters',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriber: text('subscriber').notNull(),
    workspaceId: workspaceRef(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** The last sequence skipped: `seq` for one event, more for a pruned range. */
    throughSeq: bigint('through_seq', { mode: 'number' }).notNull(),
    name: text('name'),
    payload: jsonb('payload'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error').notNull(),
    failedAt: tstz('failed_at').notNull().defaultNow(),
  },
  (t) => [
    index('subscriber_dead_letters_lookup_idx').on(t.subscriber, t.workspaceId, t.seq),
    index('subscriber_dead_letters_failed_idx').on(t.failedAt),
  ],
);
