import { z } from 'zod';
import { id, timestamp } from './common.ts';
import { priority } from './conversations.ts';
import { dateTime, patchBody, text } from './text.ts';

// ── WS-1: the inbox ────────────────────────────────────────────────────────────────────────────────

export const inboxItemKind = z.enum([
  'mention',
  'assignment',
  'transfer',
  'takeover',
  'help_request',
  'snooze_wakeup',
]);
export type InboxItemKind = z.infer<typeof inboxItemKind>;

export const inboxItem = z.object({
  id,
  kind: inboxItemKind,
  entity: z.object({ type: z.enum(['conversation']), id }).describe('what opening the item shows'),
  conversation: z
    .object({
      number: z.number().int(),
      contactName: z.string().nullable(),
      important: z.boolean(),
      priority,
    })
    .nullable()
    .describe('the linked conversation, as it is now'),
  actorId: id.nullable(),
  actorName: z.string().nullable(),
  excerpt: z.string().nullable(),
  createdAt: timestamp,
  readAt: timestamp.nullable(),
  archivedAt: timestamp.nullable(),
});
export type InboxItem = z.infer<typeof inboxItem>;

export const inboxFilter = z.enum(['all', 'unread', 'archived']);
export type InboxFilter = z.infer<typeof inboxFilter>;

export const inboxQuery = z.object({
  filter: inboxFilter.default('all'),
  important: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('only items of conversations marked important'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: id.optional().describe('cursor: the last item of the previous page'),
});

export const inboxPage = z.object({
  items: z.array(inboxItem),
  unread: z.number().int().describe('unread, not archived items of this user'),
  hasMore: z.boolean(),
});

export const inboxUpdateBody = patchBody({
  read: z.boolean().describe('true marks read, false unread'),
  archived: z.boolean(),
});

export const inboxReadAllBody = z.object({});

export const inboxUnread = z.object({ unread: z.number().int() });

// ── WS-2: snooze, priority, important ──────────────────────────────────────────────────────────────

/**
 * How far ahead a snooze may go: 366 days, so the same date next year is always allowed. Further is
 * a typo (9999-12-31) or a conversation that should be closed; the server measures it on its clock.
 */
export const snoozeHorizonDays = 366;

export const snoozeBody = z.object({
  until: dateTime.describe(
    `when it wakes up by itself; in the future, at most ${snoozeHorizonDays} days ahead`,
  ),
});

export const conversationMarksBody = patchBody({
  priority,
  important: z.boolean(),
});

// ── OI-4: monitored dialogs; OI-7: help requests ───────────────────────────────────────────────────

export const monitoredList = z.object({ conversationIds: z.array(id) });

export const takeOverBody = z.object({});

export const helpRequestBody = z.object({
  message: text({ max: 500 }).optional().describe('what the operator needs help with'),
});

export const helpRequest = z.object({
  id,
  conversationId: id,
  requestedBy: z.object({ id, name: z.string() }),
  message: z.string().nullable(),
  createdAt: timestamp,
  answeredBy: z.object({ id, name: z.string() }).nullable(),
  answeredAt: timestamp.nullable(),
});
export type HelpRequest = z.infer<typeof helpRequest>;

export const helpRequestList = z.object({ items: z.array(helpRequest) });
