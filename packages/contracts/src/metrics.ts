import { z } from 'zod';
import { id } from './common.ts';
import { channelKind } from './conversations.ts';
import { dateTime, instantCursor, patchBody } from './text.ts';

/** Periods offered by the monitoring page; computed in the workspace's time zone. */
export const periodPresets = ['today', 'yesterday', '7d', '30d'] as const;
export const periodPreset = z.enum(periodPresets);
export type PeriodPreset = z.infer<typeof periodPreset>;

export const metricsSegments = ['channel', 'team', 'operator'] as const;

const periodQuery = z.object({
  period: periodPreset.optional().describe('a preset period in the workspace time zone (default today)'),
  from: dateTime.optional().describe('start of a custom period (inclusive)'),
  to: dateTime.optional().describe('end of a custom period (exclusive)'),
  channel: channelKind.optional(),
  teamId: id.optional(),
});
const fromWithTo = (q: { from?: string; to?: string }) => (q.from === undefined) === (q.to === undefined);
const fromWithToError = { message: 'from and to go together', path: ['to'] };

export const metricsQuery = periodQuery
  .extend({
    segment: z.enum(metricsSegments).optional().describe('also answer per channel, team or operator'),
  })
  .refine(fromWithTo, fromWithToError);
export type MetricsQuery = z.infer<typeof metricsQuery>;

/** The figures whose conversations can be listed ("every tile opens the list behind its number"). */
export const listedMetrics = [
  'total',
  'attended',
  'unattended',
  'transferred',
  'closed',
  'active',
  'pending',
  'queued',
  'firstResponse',
  'response',
  'duration',
  'queueWait',
  'serviceLevel',
] as const;
export const listedMetric = z.enum(listedMetrics);
export type ListedMetric = z.infer<typeof listedMetric>;

export const metricConversationsQuery = periodQuery
  .extend({
    metric: listedMetric.describe('the figure whose conversations are listed'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: instantCursor
      .optional()
      .describe('the nextCursor of the previous page, for the same metric and filters'),
  })
  .refine(fromWithTo, fromWithToError);
export type MetricConversationsQuery = z.infer<typeof metricConversationsQuery>;

/**
 * One conversation behind a figure (or, for first response, one assignment: a conversation handled
 * by two operators appears once per assignment). `value` is its part of an average: `ms` over
 * `count` values (a conversation's response time is the sum over its bursts), so the page's values
 * add up to the tile.
 */
export const metricConversation = z.object({
  /** The conversation, or the assignment for first response. */
  key: id,
  conversationId: id,
  number: z.number().int(),
  customer: z.string().nullable(),
  channel: channelKind,
  status: z.string(),
  teamId: id.nullable(),
  teamName: z.string().nullable(),
  /** The operator (for first response, the one assigned). */
  operatorId: id.nullable(),
  operatorName: z.string().nullable(),
  createdAt: z.string(),
  /** The instant that places it in the period: closed (closed, duration), assigned (first response), else created. */
  at: z.string(),
  value: z.object({ ms: z.number(), count: z.number().int() }).nullable(),
  /** Service level: answered within the goal. */
  met: z.boolean().nullable(),
});
export type MetricConversation = z.infer<typeof metricConversation>;

export const metricConversationPage = z.object({
  items: z.array(metricConversation),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last'),
});
export type MetricConversationPage = z.infer<typeof metricConversationPage>;

/** An average always travels with how many values it averages: "0 s over 0" is no zero. */
export const average = z.object({
  /** Milliseconds; null when there is nothing to average. */
  ms: z.number().nullable(),
  count: z.number().int(),
});
export type Average = z.infer<typeof average>;

export const figures = z.object({
  total: z.number().int(),
  attended: z.number().int(),
  unattended: z.number().int(),
  transferred: z.number().int(),
  /** Closed inside the period. */
  closed: z.number().int(),
  firstResponse: average,
  response: average,
  duration: average,
  queueWait: average,
  /**
   * SPEC §3: the time metrics counting only the time inside the team's business hours, over the
   * conversations (and assignments) whose team has hours; each with its count (0 where none has).
   */
  businessHours: z.object({
    firstResponse: average,
    response: average,
    duration: average,
    queueWait: average,
  }),
  /**
   * Service level: of the conversations created in the period and routed to people (`count`), those
   * whose first operator reply came within the workspace's target time of their creation (`met`).
   */
  serviceLevel: z.object({ met: z.number().int(), count: z.number().int() }),
  /**
   * CSAT: the customers' ratings (1–5) given in the period, as an exact sum and count; `average` is
   * their quotient (null over 0).
   */
  csat: z.object({ sum: z.number().int(), count: z.number().int(), average: z.number().nullable() }),
  /** Now, whatever the period. */
  active: z.number().int(),
  pending: z.number().int(),
  queued: z.number().int(),
});
export type Figures = z.infer<typeof figures>;

export const metricsReport = z.object({
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  /** The workspace's service level goal: `percent` % answered within `seconds`. */
  serviceLevelGoal: z.object({ seconds: z.number().int(), percent: z.number().int() }),
  figures,
  segments: z
    .array(z.object({ key: z.string().nullable(), figures }))
    .describe('per channel, team or operator when asked; key null = none (no team, unassigned)'),
});
export type MetricsReport = z.infer<typeof metricsReport>;

/** MON-4…6: the cases behind the live monitoring page. */
export const caseKinds = ['current', 'recover', 'queued'] as const;
export const caseKind = z.enum(caseKinds);
export type CaseKind = z.infer<typeof caseKind>;

export const recoverReasons = [
  'out_of_hours',
  'offline_message',
  'operator_unavailable',
  'unanswered',
] as const;
export type RecoverReason = (typeof recoverReasons)[number];

export const monitoredCase = z.object({
  conversationId: id,
  number: z.number().int(),
  customer: z.string().nullable(),
  channel: channelKind,
  teamId: id.nullable(),
  teamName: z.string().nullable(),
  assigneeId: id.nullable(),
  assigneeName: z.string().nullable(),
  createdAt: z.string(),
  /** When the current operator took it (current cases). */
  assignedAt: z.string().nullable(),
  /** Oldest unanswered customer message, if the customer waits for an answer. */
  waitingSince: z.string().nullable(),
  /** current: 'pending' (no first response yet), 'waiting_operator' or 'waiting_customer'. */
  state: z.enum(['pending', 'waiting_operator', 'waiting_customer']).nullable(),
  /** recover: why it needs someone, and when its channel's reply window closes. */
  reason: z.enum(recoverReasons).nullable(),
  replyWindowEndsAt: z.string().nullable(),
  /** queued: since when, and its place in its team's queue (1 = next). */
  queuedAt: z.string().nullable(),
  position: z.number().int().nullable(),
});
export type MonitoredCase = z.infer<typeof monitoredCase>;

export const casesQuery = z.object({
  kind: caseKind,
  channel: channelKind.optional(),
  teamId: id.optional(),
});

/** The workspace's monitoring settings (owners and admins change them; every change is audited). */
export const monitoringSettings = z.object({
  /** Service level: `serviceLevelPercent` % of conversations answered within `serviceLevelSeconds`. */
  serviceLevelSeconds: z.number().int(),
  serviceLevelPercent: z.number().int(),
  /** A customer waiting this long in an operator's inbox makes the case one to recover. */
  unansweredAfterSeconds: z.number().int(),
  /** Reply window of each channel, in seconds (defaults filled in). */
  replyWindows: z.record(channelKind, z.number().int()),
});
export type MonitoringSettings = z.infer<typeof monitoringSettings>;

export const updateMonitoringSettingsBody = patchBody({
  serviceLevelSeconds: z.number().int().min(1).max(86_400),
  serviceLevelPercent: z.number().int().min(1).max(100),
  unansweredAfterSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400),
  /** Channels given are set; `null` for a channel puts its default back. */
  replyWindows: z.partialRecord(
    channelKind,
    z
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .nullable(),
  ),
});
export type UpdateMonitoringSettingsBody = z.infer<typeof updateMonitoringSettingsBody>;
