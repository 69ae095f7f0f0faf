// Tags on conversations and the administrator's exports (ADM-2/3, exports).
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users, workspaceRef } from './accounts.ts';
import { createdAt, tstz } from './columns.ts';
import { conversations } from './conversations.ts';

/** A workspace's tags, managed by owners and admins. */
export const tags = pgTable(
  'tags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    /** `#rrggbb`. */
    colour: text('colour').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('tags_name_key').on(t.workspaceId, t.name)],
);

export const conversationTags = pgTable(
  'conversation_tags',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    workspaceId: workspaceRef(),
    /**
     * The conversation's team, copied (set with the tags, kept by a trigger when the conversation
     * moves to another team), so the list counts "team and tag" from the index below alone.
     */
    teamId: uuid('team_id'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.tagId] }),
    // The tag filter reads the conversations of a tag. With the workspace and the team: the
    // administrator's list counts a tag's conversations (in a team) from this index alone.
    index('conversation_tags_tag_idx').on(t.tagId, t.workspaceId, t.teamId, t.conversationId),
  ],
);

/** A background export of the administrator's list (CSV or XLSX), with its progress and file. */
export const conversationExports = pgTable(
  'conversation_exports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    format: text('format', { enum: ['csv', 'xlsx'] }).notNull(),
    /** The language of the file's headers and values (the console's `locales`), asked with the export. */
    lang: text('lang', { enum: ['en', 'es', 'fr'] })
      .notNull()
      .default('en'),
    /** The list's filters and sort, as the list query takes them. */
    query: jsonb('query').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'running', 'done', 'failed'] })
      .notNull()
      .default('pending'),
    total: integer('total'),
    rows: integer('rows').notNull().default(0),
    size: bigint('size', { mode: 'number' }),
    storageKey: text('storage_key'),
    error: text('error'),
    createdAt: createdAt(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [index('conversation_exports_user_idx').on(t.workspaceId, t.userId, t.createdAt)],
);
