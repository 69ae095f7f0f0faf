// People, workspaces and access: accounts, memberships, sessions, invites, connection history.
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tstz } from './columns.ts';

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
  /**
   * Where a new workspace's conversation numbers start (0: at 1). The numbers themselves come from
   * the workspace's sequence (`next_conversation_number`, migration 0018), not from this row.
   */
  conversationSeq: integer('conversation_seq').notNull().default(0),
  prechatEnabled: boolean('prechat_enabled').notNull().default(false),
  prechatRequireEmail: boolean('prechat_require_email').notNull().default(false),
  /** When nobody can answer, the widget shows the offline form instead of the chat (default: chat). */
  widgetOfflineForm: boolean('widget_offline_form').notNull().default(false),
  /** "Someone can answer" as last told to the visitors' widgets; null until first told. */
  widgetAvailable: boolean('widget_available'),
  /** Where new web conversations are routed; null = no automatic routing. */
  defaultTeamId: uuid('default_team_id'),
  lookingNoticeSeconds: integer('looking_notice_seconds').notNull().default(120),
  disconnectGraceSeconds: integer('disconnect_grace_seconds').notNull().default(45),
  /** Service level: the share of conversations answered within `serviceLevelSeconds` (target %). */
  serviceLevelSeconds: integer('service_level_seconds').notNull().default(60),
  serviceLevelTarget: integer('service_level_target').notNull().default(80),
  /** A customer waiting this long in an operator's inbox makes the conversation a case to recover. */
  unansweredAfterSeconds: integer('unanswered_after_seconds').notNull().default(1800),
  /** Reply windows per channel in seconds (ROUTE-7); channels absent use the defaults. */
  replyWindows: jsonb('reply_windows').$type<Record<string, number>>().notNull().default({}),
  widgetKey: text('widget_key').notNull().unique(),
  widgetSecret: text('widget_secret').notNull(),
  createdAt: createdAt(),
});

/** The workspace a row belongs to: every row has exactly one, and goes when it goes. */
export const workspaceRef = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: workspaceRef(),
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
    /** Refreshed with every heartbeat of this session's sockets: another live console keeps presence at log out. */
    lastSeenAt: tstz('last_seen_at'),
    /**
     * OPS-4: set on an impersonation session (its user is the impersonated operator): the colleague who
     * really acts, and their own session, which stays untouched and which ending returns to. Such a
     * session is bound to one workspace (`current_workspace_id`) and expires within the hour.
     */
    impersonatorId: uuid('impersonator_id').references(() => users.id, { onDelete: 'cascade' }),
    parentSessionId: uuid('parent_session_id').references((): AnyPgColumn => sessions.id, {
      onDelete: 'cascade',
    }),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_parent_idx').on(t.parentSessionId)],
);

export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
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
    kind: text('kind', {
      enum: ['login', 'logout', 'status_change', 'login_failed', 'session_expired'],
    }).notNull(),
    detail: text('detail'),
    /** For status changes: who made it (the operator, a supervisor) or null for the system. */
    changedBy: uuid('changed_by'),
    ip: text('ip'),
    browser: text('browser'),
    os: text('os'),
    at: createdAt(),
  },
  (t) => [
    // A member's history newest first, a page starting at its cursor (at, id): connection-history.ts.
    index('connection_history_user_at_idx').on(t.userId, t.at, t.id),
    // Time in each status reads a member's status changes from connection_history_status_idx alone
    // (partial, INCLUDE workspace_id and detail: hand-written, migration 0027).
    // Each workspace reads only its own rows (logins are recorded once per workspace of the account).
    index('connection_history_workspace_at_idx').on(t.workspaceId, t.at),
  ],
);

/** The outbox: every domain event, in the transaction of the change, numbered per workspace. */

/**
 * API-3: administrative actions, impersonation and exports. Append-only: no code path updates or
 * deletes a row (a trigger refuses UPDATE; rows go only with their workspace).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    /** Who acted: the user whose identity the request carried (null for the system). */
    actorId: uuid('actor_id'),
    /** Set when the actor was being impersonated: the colleague who really acted. */
    impersonatorId: uuid('impersonator_id'),
    /** Dotted name of the action, e.g. `member.role_changed`, `export.created`. */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    browser: text('browser'),
    os: text('os'),
    at: createdAt(),
  },
  (t) => [
    index('audit_log_workspace_at_idx').on(t.workspaceId, t.at, t.id),
    index('audit_log_workspace_actor_idx').on(t.workspaceId, t.actorId, t.at),
    // The actor filter also finds what a colleague did while impersonating them (actor OR impersonator).
    index('audit_log_workspace_impersonator_idx')
      .on(t.workspaceId, t.impersonatorId, t.at)
      .where(sql`impersonator_id IS NOT NULL`),
    // The action filter, exact or a prefix (`member.`: LIKE, which a pattern_ops index serves in any collation).
    index('audit_log_workspace_action_idx').on(t.workspaceId, t.action.op('text_pattern_ops'), t.at, t.id),
  ],
);
