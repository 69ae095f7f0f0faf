// Customers and their conversations: contacts, visitors, page views, conversations, messages, files.
import type { MessageActivity } from '@parley/contracts';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users, workspaceRef } from './accounts.ts';
import { createdAt, tstz } from './columns.ts';
import { teams } from './routing.ts';

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    externalId: text('external_id'),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    /** ISO 3166 code: from the phone number (libphonenumber-js), else the visitor's locale (ADM-3). */
    country: text('country'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    // Not declared here, made by migration 0031 (SQL drizzle cannot say): `search_text`, generated and
    // stored (the name, e-mail, phone and external id unaccented, then the phone's digits alone), and
    // its trigram index `contacts_search_trgm_idx`; contacts/search.ts reads them.
  },
  (t) => [
    uniqueIndex('contacts_external_id_key').on(t.workspaceId, t.externalId),
    index('contacts_email_idx').on(t.workspaceId, t.email),
    // With the id: the list's country filter reads the country's contacts from the index alone.
    index('contacts_country_idx').on(t.workspaceId, t.country, t.id),
  ],
);

export const visitors = pgTable(
  'visitors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    /** The id the browser keeps across page loads. */
    browserId: text('browser_id').notNull(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    currentUrl: text('current_url'),
    currentTitle: text('current_title'),
    referrer: text('referrer'),
    userAgent: text('user_agent'),
    browser: text('browser'),
    os: text('os'),
    ip: text('ip'),
    location: text('location'),
    locale: text('locale'),
    createdAt: createdAt(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('visitors_browser_key').on(t.workspaceId, t.browserId)],
);

export const pageViews = pgTable(
  'page_views',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    visitorId: uuid('visitor_id')
      .notNull()
      .references(() => visitors.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    title: text('title').notNull(),
    referrer: text('referrer').notNull(),
    at: createdAt(),
  },
  (t) => [index('page_views_visitor_idx').on(t.visitorId, t.at)],
);

const waiting = sql`status = 'open' AND assignee_id IS NULL AND queued_at IS NOT NULL`;

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    number: integer('number').notNull(),
    status: text('status', { enum: ['open', 'snoozed', 'closed'] })
      .notNull()
      .default('open'),
    channel: text('channel', {
      enum: ['web', 'whatsapp', 'messenger', 'instagram', 'x', 'telegram', 'email', 'api'],
    }).notNull(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    visitorId: uuid('visitor_id').references(() => visitors.id, { onDelete: 'set null' }),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    priority: text('priority', { enum: ['none', 'low', 'medium', 'high', 'urgent'] })
      .notNull()
      .default('none'),
    /** OI-7: marked important by an operator; shown and filterable. */
    important: boolean('important').notNull().default(false),
    /** WS-2: while snoozed, when it wakes by itself (the customer writing wakes it sooner). */
    snoozedUntil: tstz('snoozed_until'),
    offline: boolean('offline').notNull().default(false),
    outOfHours: boolean('out_of_hours').notNull().default(false),
    /** In its team's queue since; kept when it goes back to routing so it keeps its place. */
    queuedAt: tstz('queued_at'),
    lastTransfer: jsonb('last_transfer').$type<{
      byUserId: string | null;
      byName: string | null;
      toUserId: string | null;
      toTeamId: string | null;
      message: string | null;
      at: string;
    }>(),
    unreadCount: integer('unread_count').notNull().default(0),
    lastMessageText: text('last_message_text'),
    lastMessageAuthor: text('last_message_author', { enum: ['contact', 'operator', 'bot', 'system'] }),
    lastActivityAt: tstz('last_activity_at').notNull().defaultNow(),
    createdAt: createdAt(),
    firstAssignedAt: tstz('first_assigned_at'),
    assignedAt: tstz('assigned_at'),
    firstOperatorReplyAt: tstz('first_operator_reply_at'),
    lastCustomerMessageAt: tstz('last_customer_message_at'),
    lastOperatorMessageAt: tstz('last_operator_message_at'),
    closedAt: tstz('closed_at'),
    // Clocks for the metrics module (SPEC §3), moved in the same transaction as each change.
    /** A reopen of a closed conversation starts a new cycle; its times are measured from then. */
    cycle: integer('cycle').notNull().default(1),
    cycleStartedAt: tstz('cycle_started_at').notNull().defaultNow(),
    /** The first message of the customer's current unanswered burst; null once an operator replies. */
    burstStartedAt: tstz('burst_started_at'),
    responseSumMs: bigint('response_sum_ms', { mode: 'number' }).notNull().default(0),
    responseCount: integer('response_count').notNull().default(0),
    /**
     * Business-hours variants (SPEC §3), recorded only while the conversation's team has hours: the
     * part of each interval inside them (`routing/business-hours.ts` openMs), beside the raw clocks.
     */
    responseBhSumMs: bigint('response_bh_sum_ms', { mode: 'number' }).notNull().default(0),
    responseBhCount: integer('response_bh_count').notNull().default(0),
    waitBhMs: bigint('wait_bh_ms', { mode: 'number' }),
    durationBhMs: bigint('duration_bh_ms', { mode: 'number' }),
    /** The first operator action (public reply, transfer, close): the conversation was attended. */
    firstActionAt: tstz('first_action_at'),
    firstAuthor: text('first_author', { enum: ['contact', 'operator'] }),
    closedById: uuid('closed_by_id'),
    transferCount: integer('transfer_count').notNull().default(0),
    /** The current assignment has no first reply yet ("pending" once the customer waits too). */
    awaitingFirstReply: boolean('awaiting_first_reply').notNull().default(false),
    // CSAT: the customer's rating when the conversation closed, given once.
    rating: smallint('rating'),
    ratingComment: text('rating_comment'),
    ratedAt: tstz('rated_at'),
  },
  (t) => [
    uniqueIndex('conversations_number_key').on(t.workspaceId, t.number),
    // No index here holds last_activity_at, which every message moves: a conversation's new row
    // version then stays on its page with no index entry (a HOT update; the table keeps 20 % of each
    // page free for them, migration 0021). Lists in activity order walk conversation_activity.
    // Status first: an operator's open conversations (routing, the inbox) and the list's "open" /
    // "in progress" filters (a status with or without an operator) are one short range each; the
    // conversations of an operator whatever their status are conversations_admin_operator_idx's.
    index('conversations_assignee_idx').on(t.workspaceId, t.status, t.assigneeId),
    index('conversations_contact_idx').on(t.contactId, t.createdAt),
    // (workspace_id, created_at) is served by conversations_admin_created_idx (…, created_at, id), 0011.
    // The administrator's list filtered or sorted by operator (0014): each operator's conversations in
    // creation order. Migration 0027 adds INCLUDE columns (drizzle cannot say it): what an operator's
    // figures for a period read of the conversations created in it, so they come from the index alone.
    index('conversations_admin_operator_idx').on(t.workspaceId, t.assigneeId, t.createdAt, t.id),
    index('conversations_closed_idx').on(t.workspaceId, t.closedAt),
    // The lists' "important" filter (OI-7): the few marked, instead of walking every conversation of
    // the status in activity order to find none (0.1-0.65 s on a million in bench:operators' data).
    index('conversations_important_idx').on(t.workspaceId, t.status).where(sql`${t.important}`),
    // The widget finds a visitor's conversations by visitor id (latestVisitorConversation).
    index('conversations_visitor_idx').on(t.visitorId, t.createdAt),
    // Waiting in a queue: the sweep every 5 s on every node, drainWorkspace and queueSummary find
    // them per workspace; drainTeam and queuePosition per team. Partial: only the few that wait.
    index('conversations_waiting_idx').on(t.workspaceId, t.teamId).where(waiting),
    index('conversations_team_queue_idx').on(t.teamId, t.queuedAt).where(waiting),
    // The live monitoring lists and "now" figures read only open conversations.
    index('conversations_open_idx').on(t.workspaceId, t.assignedAt).where(sql`status = 'open'`),
    // Cases to recover: customers waiting on an assigned conversation, and unassigned ones left aside.
    index('conversations_waiting_reply_idx')
      .on(t.workspaceId, t.burstStartedAt)
      .where(sql`status = 'open' AND assignee_id IS NOT NULL AND burst_started_at IS NOT NULL`),
    index('conversations_set_aside_idx')
      .on(t.workspaceId, t.createdAt)
      .where(sql`status = 'open' AND assignee_id IS NULL AND (out_of_hours OR offline)`),
    // The snooze sweep finds the few snoozed conversations that are due.
    index('conversations_snoozed_idx').on(t.snoozedUntil).where(sql`status = 'snoozed'`),
    // CSAT figures read the ratings given in a period.
    index('conversations_rated_idx').on(t.workspaceId, t.ratedAt).where(sql`rated_at IS NOT NULL`),
  ],
);

/**
 * The lists' order by last activity (the inbox, the administrator's inactivity sort): each
 * conversation's status and last activity, copied by triggers from `conversations` in the same
 * transaction (migration 0021), in a narrow table of its own. A message moves this row's two index
 * entries instead of a new entry in every index of `conversations`. Never written by the code.
 */
export const conversationActivity = pgTable(
  'conversation_activity',
  {
    conversationId: uuid('conversation_id')
      .primaryKey()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull(),
    status: text('status', { enum: ['open', 'snoozed', 'closed'] }).notNull(),
    lastActivityAt: tstz('last_activity_at').notNull(),
  },
  (t) => [index('conversation_activity_idx').on(t.workspaceId, t.status, t.lastActivityAt, t.conversationId)],
);

export const attachments = pgTable('attachments', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: workspaceRef(),
  /** Set when a message uses it; an attachment belongs to one message. */
  messageId: uuid('message_id'),
  uploadedBy: text('uploaded_by').notNull(),
  name: text('name').notNull(),
  contentType: text('content_type').notNull(),
  size: integer('size').notNull(),
  storageKey: text('storage_key').notNull(),
  createdAt: createdAt(),
});

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Its conversation's workspace, with no foreign key of its own: a message lives and goes with its
    // conversation (which goes with its workspace), and a check per message on the workspace row was
    // a tenth of the message writer's statement (migration 0022).
    workspaceId: uuid('workspace_id').notNull(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    clientId: text('client_id'),
    authorKind: text('author_kind', { enum: ['contact', 'operator', 'bot', 'system'] }).notNull(),
    authorId: uuid('author_id'),
    authorName: text('author_name'),
    /** OPS-4: sent by this colleague while impersonating the author (shown to operators, never to the customer). */
    impersonatorId: uuid('impersonator_id'),
    impersonatorName: text('impersonator_name'),
    text: text('text').notNull(),
    private: boolean('private').notNull().default(false),
    /** A supervisor's whisper (OI-4): a private note addressed to the assigned operator. */
    whisper: boolean('whisper').notNull().default(false),
    /** What an operator did, as a system note in the timeline (who closed it): worded by the reader. */
    activity: text('activity').$type<MessageActivity>(),
    attachments: jsonb('attachments')
      .$type<{ id: string; name: string; contentType: string; size: number }[]>()
      .notNull()
      .default([]),
    /**
     * The order of messages: the sequence of its `message.created` event, set in the transaction that
     * writes it (0 on messages written before this column existed, ordered by time among themselves).
     */
    seq: bigint('seq', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
    readAt: tstz('read_at'),
  },
  (t) => [
    uniqueIndex('messages_client_id_key').on(t.workspaceId, t.clientId),
    index('messages_conversation_idx').on(t.conversationId, t.seq, t.createdAt, t.id),
  ],
);
