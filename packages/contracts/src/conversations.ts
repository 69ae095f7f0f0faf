import { z } from 'zod';
import { email, id, timestamp } from './common.ts';
import { instantCursor, text } from './text.ts';

export const conversationStatus = z.enum(['open', 'snoozed', 'closed']);
export type ConversationStatus = z.infer<typeof conversationStatus>;
export const channelKind = z.enum([
  'web',
  'whatsapp',
  'messenger',
  'instagram',
  'x',
  'telegram',
  'email',
  'api',
]);
export type ChannelKind = z.infer<typeof channelKind>;
export const authorKind = z.enum(['contact', 'operator', 'bot', 'system']);
export type AuthorKind = z.infer<typeof authorKind>;
/** WS-2: orders the queue, urgent first; `none` (not set) last. */
export const priority = z.enum(['none', 'low', 'medium', 'high', 'urgent']);
export type Priority = z.infer<typeof priority>;

/** Files: images (png, jpeg, gif, webp) and PDF, up to 10 MB. */
export const attachmentLimits = {
  maxBytes: 10 * 1024 * 1024,
  contentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'],
} as const;

export const attachment = z.object({
  id,
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  url: z.string().describe('signed download URL'),
});
export type Attachment = z.infer<typeof attachment>;

/** A client-generated id: a send retried after a network drop is stored once. */
export const clientId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');

export const messageText = text({ max: 10_000, multiline: true });

/** Messages are ordered by `seq` everywhere (history, live, every client); `createdAt` is for display. */
const messageSeq = z
  .number()
  .int()
  .describe('the order of messages: the sequence of its message.created event (0 for older messages)');

export const messageActivities = ['closed'] as const;
export const messageActivity = z.enum(messageActivities);
export type MessageActivity = z.infer<typeof messageActivity>;

export const message = z.object({
  id,
  seq: messageSeq,
  conversationId: id,
  clientId: z.string().nullable(),
  authorKind,
  authorId: id.nullable(),
  authorName: z.string().nullable(),
  impersonatedBy: z
    .object({ id, name: z.string() })
    .nullable()
    .optional()
    .describe('OPS-4: the colleague who really sent it while impersonating the author (operators only)'),
  text: z
    .string()
    .describe('plain text with a small markdown subset: **bold**, _italic_, `code`, links, lists'),
  private: z.boolean().describe('an internal note: never shown to the customer'),
  whisper: z
    .boolean()
    .describe('a supervisor’s whisper to the assigned operator (private too: never shown to the customer)'),
  activity: messageActivity
    .nullable()
    .optional()
    .describe('a private system note recording what its author did (closed: who closed the conversation)'),
  attachments: z.array(attachment),
  createdAt: timestamp,
  readAt: timestamp.nullable().describe('when the other side read it'),
});
export type Message = z.infer<typeof message>;

export const contactSummary = z.object({
  id,
  name: z.string().nullable(),
  email: z.string().nullable(),
});

export const contact = contactSummary.extend({
  externalId: z.string().nullable(),
  phone: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  createdAt: timestamp,
});
export type Contact = z.infer<typeof contact>;

export const visitorInfo = z.object({
  id,
  currentUrl: z.string().nullable(),
  currentTitle: z.string().nullable(),
  referrer: z.string().nullable(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  ip: z.string().nullable(),
  location: z.string().nullable().describe('approximate, in English: "Madrid, Spain"'),
  city: z.string().nullable().describe('the city part of the location'),
  country: z
    .string()
    .nullable()
    .describe("ISO 3166 region code of the location's country, to name it in any language"),
  locale: z.string().nullable(),
  lastSeenAt: timestamp,
});
export type VisitorInfo = z.infer<typeof visitorInfo>;

export const conversation = z.object({
  id,
  number: z.number().int().describe('per-workspace number shown to people: #42'),
  status: conversationStatus,
  channel: channelKind,
  assigneeId: id.nullable(),
  teamId: id.nullable(),
  priority,
  important: z.boolean().describe('marked important (OI-7)'),
  snoozedUntil: timestamp.nullable().describe('while snoozed: when it wakes up by itself'),
  contact: contactSummary,
  visitorId: id.nullable().describe('the browser visitor who started it, for web chats'),
  offline: z
    .boolean()
    .describe(
      'arrived while nobody could answer (in the chat or through the offline form): a case to recover',
    ),
  outOfHours: z.boolean().describe('arrived outside its team’s business hours: a case to recover'),
  queuedAt: timestamp.nullable().describe('waiting in its team’s queue since (kept across re-routes)'),
  lastTransfer: z
    .object({
      byUserId: id.nullable(),
      byName: z.string().nullable(),
      toUserId: id.nullable(),
      toTeamId: id.nullable(),
      message: z.string().nullable(),
      at: timestamp,
    })
    .nullable(),
  createdAt: timestamp,
  firstAssignedAt: timestamp.nullable(),
  firstOperatorReplyAt: timestamp.nullable(),
  lastCustomerMessageAt: timestamp.nullable(),
  lastOperatorMessageAt: timestamp.nullable(),
  waitingSince: timestamp
    .nullable()
    .describe(
      'the customer’s oldest message no operator has answered yet (SPEC §3 waiting time); null once answered',
    ),
  closedAt: timestamp.nullable(),
  lastMessage: z.object({ text: z.string(), authorKind, createdAt: timestamp }).nullable(),
  unreadCount: z.number().int().describe('customer messages no operator has read'),
});
export type Conversation = z.infer<typeof conversation>;

export const conversationDetail = conversation.extend({
  contact,
  visitor: visitorInfo.nullable(),
});
export type ConversationDetail = z.infer<typeof conversationDetail>;

export const conversationView = z.enum(['mine', 'unassigned', 'all']);
export type ConversationView = z.infer<typeof conversationView>;

export const listConversationsQuery = z.object({
  view: conversationView.default('all'),
  status: conversationStatus.default('open'),
  q: text({ max: 200 }).optional().describe('customer name or e-mail'),
  tagId: id.optional().describe('only conversations with this tag'),
  important: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('only conversations marked important (or only the others)'),
  monitored: z
    .enum(['true'])
    .transform(() => true)
    .optional()
    .describe('only the conversations on my monitored list (OI-4)'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: instantCursor
    .optional()
    .describe('the nextCursor of the previous page: its last item’s (last activity, id)'),
});

export const conversationPage = z.object({
  items: z.array(conversation),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last'),
});

export const listMessagesQuery = z.object({
  before: id.optional().describe('cursor: the oldest message already shown'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const messagePage = z.object({ messages: z.array(message), hasMore: z.boolean() });

export const sendMessageBody = z
  .object({
    clientId,
    text: messageText.default(''),
    private: z.boolean().default(false),
    whisper: z
      .boolean()
      .default(false)
      .describe('a supervisor’s whisper to the assigned operator (needs `monitor`; always private)'),
    attachmentIds: z.array(id).max(10).default([]),
  })
  .refine((b) => b.text.trim().length > 0 || b.attachmentIds.length > 0, {
    message: 'a message needs text or an attachment',
    path: ['text'],
  });

export const assignBody = z.object({ assigneeId: id.nullable() });
export const readBody = z.object({ upTo: id.describe('the newest message the reader has seen') });

// ── widget (visitor) side ──────────────────────────────────────────────────────────────────────

export const pageInfo = z.object({
  url: text({ max: 2000 }),
  title: text({ max: 500 }).default(''),
  referrer: text({ max: 2000 }).default(''),
});

export const widgetSessionBody = z.object({
  workspaceKey: text({ min: 1, max: 100 }),
  visitorId: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional()
    .describe('kept by the browser'),
  locale: text({ max: 20 }).optional(),
  timezone: text({ max: 64 }).optional().describe('the browser time zone, for an approximate location'),
  page: pageInfo.optional(),
});

export const widgetSettings = z.object({
  name: z.string(),
  online: z
    .boolean()
    .describe('someone can answer now; the widget follows changes live (`widget.availability` events)'),
  outOfHours: z.boolean().describe('the team is closed now: the widget says so'),
  outOfHoursMessage: z
    .string()
    .nullable()
    .describe('while closed, the team’s own message (null: the widget’s notice in the visitor’s language)'),
  offlineForm: z
    .boolean()
    .describe('when nobody can answer, show the offline form instead of the chat (a workspace option)'),
  prechat: z.object({ enabled: z.boolean(), requireEmail: z.boolean() }),
  attachments: z.object({ maxBytes: z.number(), contentTypes: z.array(z.string()) }),
});
export type WidgetSettings = z.infer<typeof widgetSettings>;

/** What the customer sees of a message: no private notes, no operator e-mail, no internal ids. */
export const widgetMessage = z.object({
  id,
  seq: messageSeq,
  clientId: z.string().nullable(),
  authorKind,
  authorName: z.string().nullable(),
  text: z.string(),
  attachments: z.array(attachment),
  createdAt: timestamp,
  readAt: timestamp.nullable(),
});
export type WidgetMessage = z.infer<typeof widgetMessage>;

export const widgetConversation = z.object({ id, status: conversationStatus });

export const widgetSession = z.object({
  token: z.string().describe('send as Authorization: Bearer <token>, and as visitorToken on the socket'),
  visitorId: z.string(),
  settings: widgetSettings,
  conversation: widgetConversation.nullable(),
  contact: z.object({ name: z.string().nullable(), email: z.string().nullable(), identified: z.boolean() }),
});
export type WidgetSession = z.infer<typeof widgetSession>;

export const widgetSendBody = z
  .object({ clientId, text: messageText.default(''), attachmentIds: z.array(id).max(10).default([]) })
  .refine((b) => b.text.trim().length > 0 || b.attachmentIds.length > 0, {
    message: 'a message needs text or an attachment',
    path: ['text'],
  });

export const widgetMessagesQuery = listMessagesQuery;
export const widgetMessagePage = z.object({ messages: z.array(widgetMessage), hasMore: z.boolean() });

export const identifyBody = z.object({
  id: text({ min: 1, max: 200, trim: false }).describe('your id of the customer, exactly as signed'),
  name: text({ max: 120 }).optional(),
  email: email.optional(),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'hex HMAC-SHA256 of the id with the workspace secret'),
});

export const widgetAvailability = z.object({
  online: z.boolean().describe('someone can answer now'),
  outOfHours: z.boolean().describe('the team is closed now'),
  outOfHoursMessage: z.string().nullable().describe('while closed, the team’s own message'),
});

export type WidgetAvailability = z.infer<typeof widgetAvailability>;

/** The e-mail a visitor leaves for the reply when nobody could answer in the chat. */
export const contactEmailBody = z.object({ email });

export const prechatBody = z.object({ name: text({ min: 1, max: 120 }), email: email.optional() });
export const attributesBody = z.object({
  attributes: z.record(
    text({ min: 1, max: 100 }),
    z.union([text({ max: 1000, trim: false }), z.number(), z.boolean(), z.null()], {
      // Name why a string was refused rather than "invalid input".
      error: (issue) =>
        (issue.code === 'invalid_union' &&
          issue.errors.flat().find((i) => i.code !== 'invalid_type')?.message) ||
        'must be text, a number, true/false or null',
    }),
  ),
});
export const offlineMessageBody = z.object({
  name: text({ min: 1, max: 120 }),
  email,
  message: text({ min: 1, max: 10_000, multiline: true }),
});

export const typingSignal = z.object({
  type: z.literal('typing'),
  conversationId: id,
  who: z.enum(['contact', 'operator']),
  name: z.string().nullable(),
  typing: z.boolean(),
});
export type TypingSignal = z.infer<typeof typingSignal>;
