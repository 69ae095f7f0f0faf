// The operator's conversation tools (OI-7, OI-8, OI-9, CSAT): surveys and their answers, canned
// answers, and the per-workspace settings of the rating prompt and the customer panel.
import { boolean, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { users, workspaceRef, workspaces } from './accounts.ts';
import { createdAt, tstz } from './columns.ts';
import { conversations } from './conversations.ts';
import { teams } from './routing.ts';

/** A text in each language of the product; `en` is required, the others fall back to it. */
export type LocalizedText = { en: string; es?: string | null; fr?: string | null };

export interface SurveyQuestion {
  id: string;
  kind: 'rating' | 'choice' | 'text';
  required: boolean;
  label: LocalizedText;
  /** Choices of a `choice` question. */
  options: { id: string; label: LocalizedText }[];
}

export interface SurveyDefinition {
  title: LocalizedText;
  questions: SurveyQuestion[];
}

export const surveys = pgTable(
  'surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    definition: jsonb('definition').$type<SurveyDefinition>().notNull(),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('surveys_workspace_idx').on(t.workspaceId, t.name)],
);

export type SurveyAnswer = { questionId: string; value: number | string | null };

/** One survey sent into one conversation: a snapshot of its questions, and the answers once given. */
export const surveyRequests = pgTable(
  'survey_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    surveyId: uuid('survey_id').references(() => surveys.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    definition: jsonb('definition').$type<SurveyDefinition>().notNull(),
    sentById: uuid('sent_by_id').references(() => users.id, { onDelete: 'set null' }),
    sentAt: createdAt(),
    answers: jsonb('answers').$type<SurveyAnswer[]>(),
    answeredAt: tstz('answered_at'),
  },
  (t) => [
    index('survey_requests_conversation_idx').on(t.conversationId, t.sentAt),
    index('survey_requests_survey_idx').on(t.workspaceId, t.surveyId, t.answeredAt),
  ],
);

export const cannedAnswers = pgTable(
  'canned_answers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    scope: text('scope', { enum: ['personal', 'team', 'workspace'] }).notNull(),
    /** The owner of a personal answer. */
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    /** The team of a team answer. */
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    shortcut: text('shortcut').notNull(),
    title: text('title').notNull(),
    text: text('text').notNull(),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('canned_answers_workspace_idx').on(t.workspaceId, t.shortcut)],
);

export interface CustomerField {
  /** `name`, `email`, `phone`, `externalId`, visitor facts, or `attributes.<key>`. */
  key: string;
  /** Shown instead of the default name; null = the default, translated. */
  label: string | null;
  editable: boolean;
}

export const conversationToolSettings = pgTable('conversation_tool_settings', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  csatEnabled: boolean('csat_enabled').notNull().default(true),
  csatComment: boolean('csat_comment').notNull().default(true),
  /** The customer panel's fields in order; null = the default panel. */
  customerFields: jsonb('customer_fields').$type<CustomerField[]>(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});
