// Routing: teams and their members, custom statuses, transfers.
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users, workspaceRef } from './accounts.ts';
import { createdAt, tstz } from './columns.ts';
import { conversations } from './conversations.ts';

export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
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
    /** ROUTE-6: what the chat widget says while the team is closed (null: the widget's own notice). */
    outOfHoursMessage: text('out_of_hours_message'),
    createdAt: createdAt(),
  },
  (t) => [
    index('teams_workspace_idx').on(t.workspaceId),
    // Two teams of one name are two queues nobody can tell apart in a transfer or a filter.
    uniqueIndex('teams_name_key').on(t.workspaceId, sql`lower(${t.name})`),
  ],
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
    workspaceId: workspaceRef(),
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
  workspaceId: workspaceRef(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const transfers = pgTable(
  'transfers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
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
  (t) => [
    index('transfers_conversation_idx').on(t.conversationId, t.at),
    // INCLUDE (conversation_id), migration 0027: "transferred in the period" reads the index alone.
    index('transfers_workspace_idx').on(t.workspaceId, t.at),
  ],
);
