import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

// Millisecond precision, as JavaScript dates have: a timestamp read back compares equal to the stored one.
const tstz = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const createdAt = () => tstz('created_at').notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: tstz('locked_until'),
    lastLoginAt: tstz('last_login_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  /** Last event sequence handed out; bumped under row lock, so commit order equals sequence order. */
  eventSeq: bigint('event_seq', { mode: 'number' }).notNull().default(0),
  conversationSeq: integer('conversation_seq').notNull().default(0),
  prechatEnabled: boolean('prechat_enabled').notNull().default(false),
  prechatRequireEmail: boolean('prechat_require_email').notNull().default(false),
  /** Where new web conversations are routed; null = no automatic routing. */
  defaultTeamId: uuid('default_team_id'),
  lookingNoticeSeconds: integer('looking_notice_seconds').notNull().default(120),
  disconnectGraceSeconds: integer('disconnect_grace_seconds').notNull().default(45),
  widgetKey: text('widget_key').notNull().unique(),
  widgetSecret: text('widget_secret').notNull(),
  createdAt: createdAt(),
});

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'admin', 'supervisor', 'operator'] }).notNull(),
    permissions: text('permissions').array().notNull().default(sql`'{}'::text[]`),
    /** Refreshed while the member has a live socket on any node; older than the grace period = disconnected. */
    lastActiveAt: tstz('last_active_at'),
    /** The status the operator chose (ROUTE-1); "disconnected" is derived from lastActiveAt instead. */
    status: text('status').notNull().default('connected'),
    statusSince: tstz('status_since').notNull().defaultNow(),
    capacity: integer('capacity').notNull().default(3),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    currentWorkspaceId: uuid('current_workspace_id').references(() => workspaces.id, {
      onDelete: 'set null',
    }),
    csrfToken: text('csrf_token').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: ['owner', 'admin', 'supervisor', 'operator'] }).notNull(),
    permissions: text('permissions').array().notNull().default(sql`'{}'::text[]`),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
    acceptedAt: tstz('accepted_at'),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [index('invites_workspace_idx').on(t.workspaceId)],
);

export const passwordResets = pgTable('password_resets', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: createdAt(),
  expiresAt: tstz('expires_at').notNull(),
  usedAt: tstz('used_at'),
});

/** OPS-8: logins, logouts and status changes. Login rows have no workspace: a login opens them all. */
export const connectionHistory = pgTable(
  'connection_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['login', 'logout', 'status_change', 'login_failed'] }).notNull(),
    detail: text('detail'),
    /** For status changes: who made it (the operator, a supervisor) or null for the system. */
    changedBy: uuid('changed_by'),
    ip: text('ip'),
    browser: text('browser'),
    os: text('os'),
    at: createdAt(),
  },
  (t) => [index('connection_history_user_at_idx').on(t.userId, t.at)],
);

/** The outbox: every domain event, in the transaction of the change, numbered per workspace. */
export const events = pgTable(
  'events',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    payload: jsonb('payload').notNull(),
    conversationId: uuid('conversation_id'),
    at: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.seq] })],
);

/** Durable jobs: delayed, retried with backoff, claimed with FOR UPDATE SKIP LOCKED. */
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
    doneAt: tstz('done_at'),
    failedAt: tstz('failed_at'),
    createdAt: createdAt(),
  },
  (t) => [index('jobs_due_idx').on(t.runAt).where(sql`done_at IS NULL AND failed_at IS NULL`)],
);

/** Installation-wide secrets (visitor tokens, file links), generated on first start. */
export const instanceSettings = pgTable('instance_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    externalId: text('external_id'),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('contacts_external_id_key').on(t.workspaceId, t.externalId),
    index('contacts_email_idx').on(t.workspaceId, t.email),
  ],
);

export const visitors = pgTable(
  'visitors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
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
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
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

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
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
    priority: text('priority', { enum: ['low', 'normal', 'high', 'urgent'] })
      .notNull()
      .default('normal'),
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
  },
  (t) => [
    uniqueIndex('conversations_number_key').on(t.workspaceId, t.number),
    index('conversations_activity_idx').on(t.workspaceId, t.status, t.lastActivityAt),
    index('conversations_assignee_idx').on(t.workspaceId, t.assigneeId, t.status),
    index('conversations_contact_idx').on(t.contactId, t.createdAt),
  ],
);

export const attachments = pgTable('attachments', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
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
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    clientId: text('client_id'),
    authorKind: text('author_kind', { enum: ['contact', 'operator', 'bot', 'system'] }).notNull(),
    authorId: uuid('author_id'),
    authorName: text('author_name'),
    text: text('text').notNull(),
    private: boolean('private').notNull().default(false),
    attachments: jsonb('attachments')
      .$type<{ id: string; name: string; contentType: string; size: number }[]>()
      .notNull()
      .default([]),
    createdAt: createdAt(),
    readAt: tstz('read_at'),
  },
  (t) => [
    uniqueIndex('messages_client_id_key').on(t.workspaceId, t.clientId),
    index('messages_conversation_idx').on(t.conversationId, t.createdAt),
  ],
);

export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    rule: text('rule', { enum: ['round_robin', 'least_busy', 'manual'] })
      .notNull()
      .default('round_robin'),
    capacity: integer('capacity'),
    rerouteAfterSeconds: integer('reroute_after_seconds'),
    businessHours: jsonb('business_hours').$type<{
      timezone: string;
      weekly: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;
      holidays: string[];
    }>(),
    createdAt: createdAt(),
  },
  (t) => [index('teams_workspace_idx').on(t.workspaceId)],
);

export const teamMembers = pgTable(
  'team_members',
  {
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Round robin hands the next conversation to whoever waited longest for one. */
    lastAssignedAt: tstz('last_assigned_at'),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.userId] }),
    index('team_members_user_idx').on(t.workspaceId, t.userId),
  ],
);

export const customStatuses = pgTable('custom_statuses', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const transfers = pgTable(
  'transfers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    fromUserId: uuid('from_user_id'),
    toUserId: uuid('to_user_id'),
    toTeamId: uuid('to_team_id'),
    byUserId: uuid('by_user_id'),
    message: text('message'),
    at: createdAt(),
  },
  (t) => [index('transfers_conversation_idx').on(t.conversationId, t.at)],
);
