import { z } from 'zod';
import { exportLanguage, id, timestamp } from './common.ts';
import { channelKind } from './conversations.ts';
import { dateTime, patchBody, text } from './text.ts';

// ── tags ───────────────────────────────────────────────────────────────────────────────────────────

export const tagColour = z.string().regex(/^#[0-9a-f]{6}$/i, 'must be a colour such as #3b82f6');
export const tag = z.object({ id, name: z.string(), colour: z.string() });
export type Tag = z.infer<typeof tag>;
export const tagBody = z.object({ name: text({ min: 1, max: 40 }), colour: tagColour });
export const tagPatchBody = patchBody({ name: text({ min: 1, max: 40 }), colour: tagColour });
export const conversationTagsBody = z.object({
  tagIds: z.array(id).max(50).describe('the conversation’s tags after the change (replaces them)'),
});

// ── the administrator's list (ADM-2/3) ─────────────────────────────────────────────────────────────

/**
 * The list's statuses (ADM-3): `open` waits for an operator (open or snoozed, nobody assigned),
 * `in_progress` has one (open or snoozed, assigned), `closed` is closed.
 */
export const adminStatuses = ['open', 'in_progress', 'closed'] as const;
export const adminStatus = z.enum(adminStatuses);
export type AdminStatus = z.infer<typeof adminStatus>;

/** Every column sorts, both directions; ties are broken by id. */
export const adminSorts = [
  'customer',
  'operator',
  'team',
  'created',
  'duration',
  'rating',
  'status',
  'inactivity',
  'responseFromCreation',
  'responseFromAssignment',
  'firstAuthor',
] as const;
export const adminSort = z.enum(adminSorts);
export type AdminSort = z.infer<typeof adminSort>;

/** A comma-separated list in a query string (`?teamId=a,b`), or one value. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v),
    z.array(item).max(50),
  ) as unknown as z.ZodOptional<z.ZodArray<T>>;

export const adminFilters = z.object({
  from: dateTime.optional().describe('created at or after'),
  to: dateTime.optional().describe('created before'),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code such as ES')
    .optional()
    .describe('the customer’s country: from the phone number, else the visitor’s location'),
  waitingMinutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(525_600)
    .optional()
    .describe('the customer has been waiting for a reply for more than this many minutes'),
  status: list(adminStatus).optional(),
  teamId: list(id).optional(),
  operatorId: list(id).optional(),
  tagId: list(id).optional().describe('any of these tags'),
  channel: list(channelKind).optional(),
  rating: list(z.enum(['1', '2', '3', '4', '5', 'none'])).optional(),
  q: text({ max: 200 }).optional().describe('customer name, phone, e-mail or external id'),
});
export type AdminFilters = z.infer<typeof adminFilters>;

/** `to` not before `from`: an empty list for an impossible range would read as "no conversations". */
const orderedRange = (q: { from?: string; to?: string }) =>
  q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to);
const orderedRangeError = { message: 'must not be before from', path: ['to'] };

export const adminListQuery = adminFilters
  .extend({
    sort: adminSort.default('created'),
    dir: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      // A customer's, operator's or team's name travels in the cursor of those sorts (UTF-8, base64).
      .max(2000)
      .regex(/^[A-Za-z0-9_-]+$/, 'a nextCursor of a previous page')
      .optional()
      .describe('the nextCursor of the previous page, for the same filters and sort'),
  })
  .refine(orderedRange, orderedRangeError);
export type AdminListQuery = z.infer<typeof adminListQuery>;

export const adminRow = z.object({
  id,
  number: z.number().int(),
  channel: channelKind,
  customer: z.object({
    id,
    name: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    externalId: z.string().nullable(),
    country: z.string().nullable(),
  }),
  operator: z.object({ id, name: z.string() }).nullable(),
  team: z.object({ id, name: z.string() }).nullable(),
  createdAt: timestamp,
  closedAt: timestamp.nullable(),
  durationMs: z.number().nullable().describe('creation → close; null while not closed'),
  rating: z.number().int().nullable(),
  status: adminStatus,
  snoozed: z.boolean().describe('open or in progress, and snoozed until a time or the customer writes'),
  lastActivityAt: timestamp.describe('inactivity time = now − this'),
  responseFromCreationMs: z.number().nullable(),
  responseFromAssignmentMs: z.number().nullable(),
  firstAuthor: z.enum(['contact', 'operator']).nullable(),
  waitingSince: timestamp.nullable().describe('the customer’s unanswered message, if any'),
  tags: z.array(tag),
});
export type AdminRow = z.infer<typeof adminRow>;

export const adminPage = z.object({
  items: z.array(adminRow),
  nextCursor: z.string().nullable(),
  total: z.object({
    count: z.number().int(),
    exact: z.boolean().describe('false: there are at least `count` (counting stops there)'),
  }),
});
export type AdminPage = z.infer<typeof adminPage>;

// ── headline figures (ADM-1) ───────────────────────────────────────────────────────────────────────

export const adminHeadline = z.object({
  unassigned: z.number().int(),
  active: z.number().int(),
  completedToday: z.number().int(),
  topTeamToday: z
    .object({ id: id.nullable(), name: z.string().nullable(), assignments: z.number().int() })
    .nullable(),
  since: timestamp.describe('local midnight of the workspace'),
});
export type AdminHeadline = z.infer<typeof adminHeadline>;

// ── exports ────────────────────────────────────────────────────────────────────────────────────────

export const exportBody = z.object({
  format: z.enum(['csv', 'xlsx']),
  filters: adminFilters.refine(orderedRange, orderedRangeError).default({}),
  sort: adminSort.default('created'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  lang: exportLanguage,
});
export const conversationExport = z.object({
  id,
  format: z.enum(['csv', 'xlsx']),
  status: z.enum(['pending', 'running', 'done', 'failed']),
  rows: z.number().int(),
  total: z.number().int().nullable(),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
  downloadUrl: z.string().nullable(),
  error: z.string().nullable(),
});
export type ConversationExport = z.infer<typeof conversationExport>;
