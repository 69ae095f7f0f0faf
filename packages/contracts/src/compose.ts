import { z } from 'zod';
import { email, exportLanguage, id, locale, timestamp } from './common.ts';
import { patchBody, text } from './text.ts';

// The operator's conversation tools (OI-7, OI-8, OI-9, CSAT): transcripts, surveys, the rating,
// canned answers and the customer panel's configuration.

/** A text in each language; `en` is required, Spanish and French fall back to it when empty. */
export const localizedText = (max: number) =>
  z.object({
    en: text({ min: 1, max }),
    es: text({ max }).nullish(),
    fr: text({ max }).nullish(),
  });
export type LocalizedText = z.infer<ReturnType<typeof localizedText>>;

/** Picks the visitor's (or operator's) language, else English. */
export const localized = (value: LocalizedText, lang: string): string =>
  (lang === 'es' ? value.es : lang === 'fr' ? value.fr : null) || value.en;

// --- Transcript -------------------------------------------------------------------------------

export const transcriptEntry = z.object({
  id,
  authorKind: z.enum(['contact', 'operator', 'bot', 'system']),
  authorName: z.string().nullable(),
  text: z.string(),
  attachments: z.array(z.object({ name: z.string(), size: z.number().int() })),
  createdAt: timestamp,
});
export type TranscriptEntry = z.infer<typeof transcriptEntry>;

/** What the customer saw: public messages only, never notes or whispers. */
export const transcript = z.object({
  conversationId: id,
  number: z.number().int(),
  workspaceName: z.string(),
  contactName: z.string().nullable(),
  contactEmail: z.string().nullable(),
  createdAt: timestamp,
  closedAt: timestamp.nullable(),
  entries: z.array(transcriptEntry),
});
export type Transcript = z.infer<typeof transcript>;

export const emailTranscriptBody = z.object({
  recipient: email.optional().describe("where to send it; the customer's e-mail when absent"),
  locale: locale.default('en'),
});
export const emailTranscriptResult = z.object({ to: z.string() });

// --- Surveys ----------------------------------------------------------------------------------

export const surveyQuestionKind = z.enum(['rating', 'choice', 'text']);
const shortId = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');

export const surveyQuestion = z
  .object({
    id: shortId,
    kind: surveyQuestionKind,
    required: z.boolean().default(false),
    label: localizedText(300),
    options: z
      .array(z.object({ id: shortId, label: localizedText(120) }))
      .max(20)
      .default([]),
  })
  .refine((q) => q.kind !== 'choice' || q.options.length >= 2, {
    message: 'a single-choice question needs at least two options',
    path: ['options'],
  })
  .refine((q) => new Set(q.options.map((o) => o.id)).size === q.options.length, {
    message: 'option ids must be unique',
    path: ['options'],
  });
export type SurveyQuestion = z.infer<typeof surveyQuestion>;

export const surveyDefinition = z.object({
  title: localizedText(120),
  questions: z
    .array(surveyQuestion)
    .min(1)
    .max(20)
    .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, {
      message: 'question ids must be unique',
    }),
});
export type SurveyDefinition = z.infer<typeof surveyDefinition>;

export const survey = z.object({
  id,
  name: z.string(),
  definition: surveyDefinition,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Survey = z.infer<typeof survey>;

export const surveyBody = z.object({ name: text({ min: 1, max: 120 }), definition: surveyDefinition });
export const surveyPatchBody = patchBody({
  name: text({ min: 1, max: 120 }),
  definition: surveyDefinition,
});

export const surveyAnswer = z.object({
  questionId: shortId,
  value: z.union([z.number(), text({ max: 2000, multiline: true }), z.null()]),
});
export type SurveyAnswer = z.infer<typeof surveyAnswer>;

/** A survey sent into a conversation: the questions as they were sent, and the answers once given. */
export const surveyRequest = z.object({
  id,
  conversationId: id,
  surveyId: id.nullable(),
  name: z.string(),
  definition: surveyDefinition,
  sentById: id.nullable(),
  sentAt: timestamp,
  answers: z.array(surveyAnswer).nullable(),
  answeredAt: timestamp.nullable(),
});
export type SurveyRequest = z.infer<typeof surveyRequest>;

export const sendSurveyBody = z.object({ surveyId: id });
export const answerSurveyBody = z.object({ answers: z.array(surveyAnswer).max(20) });

/** What the widget gets: the questions in every language (it picks its own), nothing about operators. */
export const widgetSurvey = z.object({ id, conversationId: id, definition: surveyDefinition });
export type WidgetSurvey = z.infer<typeof widgetSurvey>;

// --- Rating (CSAT) ----------------------------------------------------------------------------

export const rateBody = z.object({
  conversationId: id,
  rating: z.number().int().min(1).max(5),
  comment: text({ max: 2000, multiline: true }).optional(),
});
export const rating = z.object({
  conversationId: id,
  rating: z.number().int(),
  comment: z.string().nullable(),
  ratedAt: timestamp,
});
export type Rating = z.infer<typeof rating>;

/** What a widget asks for after its session starts: surveys to answer, and whether to ask a rating. */
export const widgetPending = z.object({
  surveys: z.array(widgetSurvey),
  csat: z.object({
    enabled: z.boolean(),
    comment: z.boolean(),
    /** The visitor's latest conversation, closed and not rated yet. */
    conversationId: id.nullable(),
  }),
});
export type WidgetPending = z.infer<typeof widgetPending>;

// --- Canned answers ---------------------------------------------------------------------------

export const cannedScope = z.enum(['personal', 'team', 'workspace']);
export type CannedScope = z.infer<typeof cannedScope>;
export const cannedShortcut = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _ only');

export const cannedAnswer = z.object({
  id,
  scope: cannedScope,
  ownerId: id.nullable(),
  teamId: id.nullable(),
  shortcut: z.string(),
  title: z.string(),
  text: z.string(),
  updatedAt: timestamp,
});
export type CannedAnswer = z.infer<typeof cannedAnswer>;

/** The variables a canned answer may use; the composer fills them in. */
export const cannedVariables = [
  'contact.name',
  'contact.firstName',
  'contact.email',
  'contact.phone',
  'operator.name',
  'operator.firstName',
  'conversation.number',
  'workspace.name',
] as const;
export type CannedVariable = (typeof cannedVariables)[number];

const variablePattern = /\{\{\s*([a-zA-Z.]+)\s*(?:\|([^{}]*))?\}\}/g;

/** The `{{variables}}` of a template that are none of `cannedVariables` (a typo), each once, in order. */
export function unknownVariables(template: string): string[] {
  const keys = [...template.matchAll(variablePattern)].map((match) => match[1] ?? '');
  return [...new Set(keys.filter((key) => !(cannedVariables as readonly string[]).includes(key)))];
}

/**
 * A canned answer's text. An unknown variable would reach the customer as typed ("Hi
 * {{contact.fristName}}"), so it is refused where it is written.
 */
const cannedText = text({ min: 1, max: 10_000, multiline: true }).refine(
  (s) => unknownVariables(s).length === 0,
  { error: (issue) => `unknown variable {{${unknownVariables(String(issue.input))[0]}}}` },
);

export const cannedAnswerBody = z.object({
  scope: cannedScope,
  teamId: id.nullish().describe('the team of a team answer'),
  shortcut: cannedShortcut,
  title: text({ min: 1, max: 120 }),
  text: cannedText,
});
export const cannedAnswerPatchBody = patchBody({
  shortcut: cannedShortcut,
  title: text({ min: 1, max: 120 }),
  text: cannedText,
});
// What may follow an emptied variable for the separator before it to be dropped: punctuation that
// ends the clause, a line break or the end ("waiting, {{x}}!" → "waiting!", "patienter, {{x}} !").
const clauseEnd = /^[ \t]*(?:[.,;:!?…)\]»]|\r?\n|$)/;

/**
 * Replaces `{{variable}}` and `{{variable | fallback}}`. An unknown variable stays as typed. An empty
 * value takes its fallback; without one it leaves no dangling separator: "Thanks, {{x}}!" → "Thanks!",
 * "Hi {{x}}, how" → "Hi, how", "Thanks, {{x}}, for waiting" → "Thanks for waiting".
 */
export function fillVariables(template: string, values: Partial<Record<string, string | null>>): string {
  let out = '';
  let from = 0;
  for (const match of template.matchAll(variablePattern)) {
    const [whole, key = '', fallback] = match;
    const start = match.index;
    out += template.slice(from, start);
    from = start + whole.length;
    if (!(cannedVariables as readonly string[]).includes(key)) {
      out += whole;
      continue;
    }
    const value = values[key]?.trim() || fallback?.trim();
    if (value) {
      out += value;
      continue;
    }
    const rest = template.slice(from);
    const atLineStart = out === '' || out.endsWith('\n');
    if (atLineStart) {
      // "{{x}}, welcome" → "welcome".
      from += /^[ \t]*[,;]?[ \t]*/.exec(rest)![0].length;
    } else if (clauseEnd.test(rest)) {
      const comma = /[ \t]*[,;][ \t]*$/.exec(out);
      out = out.replace(/[ \t]*[,;]?[ \t]*$/, '');
      // An aside between two commas goes with both of them.
      if (comma) from += /^(?:[ \t]*,)?/.exec(rest)![0].length;
    } else if (/^[ \t]/.test(rest)) {
      // "Hi {{x}} there" → "Hi there".
      out = out.replace(/[ \t]+$/, '');
    }
  }
  return out + template.slice(from);
}

// --- Customer panel and the rating prompt -----------------------------------------------------

/** Fields of the customer panel: contact data, visitor facts, or a custom attribute. */
export const builtInCustomerFields = [
  'name',
  'email',
  'phone',
  'externalId',
  'location',
  'currentPage',
  'referrer',
  'browser',
  'locale',
  'ip',
  'channel',
  'firstSeen',
  'lastSeen',
] as const;
/** Only these built-in fields can be edited by operators (visitor facts come from the browser). */
export const editableBuiltInFields = ['name', 'email', 'phone'] as const;

const attributeKey = /^attributes\.[A-Za-z0-9_-]{1,60}$/;
const customerFieldError = `must be one of ${builtInCustomerFields.join(', ')} or attributes.<key>`;
export const customerFieldKey = z.union(
  [z.enum(builtInCustomerFields), z.string().regex(attributeKey, { error: customerFieldError })],
  { error: customerFieldError },
);

export const customerField = z.object({
  key: customerFieldKey,
  label: text({ min: 1, max: 60 }).nullable().default(null),
  editable: z.boolean().default(false),
});
export type CustomerField = z.infer<typeof customerField>;

export const defaultCustomerFields: CustomerField[] = builtInCustomerFields.map((key) => ({
  key,
  label: null,
  editable: (editableBuiltInFields as readonly string[]).includes(key),
}));

export const conversationToolSettings = z.object({
  csatEnabled: z.boolean(),
  csatComment: z.boolean(),
  customerFields: z.array(customerField),
});
export type ConversationToolSettings = z.infer<typeof conversationToolSettings>;

export const conversationToolSettingsBody = patchBody({
  csatEnabled: z.boolean(),
  csatComment: z.boolean(),
  customerFields: z
    .array(customerField)
    .max(40)
    .refine((fs) => new Set(fs.map((f) => f.key)).size === fs.length, { message: 'each field once' }),
});

/** An operator's edit of one editable field of the customer panel. */
export const customerFieldEditBody = z.object({
  key: customerFieldKey,
  value: text({ max: 500 }).nullable(),
});

export const tableFormatQuery = z.object({
  format: z.enum(['csv', 'xlsx']).default('csv'),
  lang: exportLanguage,
});
