import { z } from 'zod';
import { id, timestamp } from './common.ts';
import { calendarDate, dateTime, patchBody, text } from './text.ts';

/** ROUTE-1: only `connected` receives new conversations. `disconnected` is derived, never set. */
export const builtInStatuses = [
  'connected',
  'not_available',
  'on_break',
  'training',
  'phone',
  'with_supervisor',
  'no_new',
  'looking_for_info',
] as const;
export const builtInStatus = z.enum(builtInStatuses);
export type BuiltInStatus = z.infer<typeof builtInStatus>;

/**
 * A status to set: a built-in one, `disconnected` (appear offline: receives nothing until another status
 * is chosen), or `custom:<id>` for an admin-defined unavailable reason.
 */
const statusError = `must be one of ${builtInStatuses.join(', ')}, disconnected, or custom:<id of a custom status>`;
export const settableStatus = z.union(
  [
    builtInStatus,
    z.literal('disconnected'),
    z.string().regex(/^custom:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
      error: statusError,
    }),
  ],
  { error: statusError },
);
export type SettableStatus = z.infer<typeof settableStatus>;
export type OperatorStatus = SettableStatus | 'disconnected';

export const setStatusBody = z.object({ status: settableStatus });

export const customStatus = z.object({ id, name: z.string() });
export type CustomStatus = z.infer<typeof customStatus>;
export const createCustomStatusBody = z.object({ name: text({ min: 1, max: 60 }) });

export const assignmentRule = z.enum(['round_robin', 'least_busy', 'manual']);
export type AssignmentRule = z.infer<typeof assignmentRule>;

const clockPattern = /^([01]\d|2[0-3]):[0-5]\d$/;
const clock = z.string().regex(clockPattern, 'HH:MM');
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];
/** Opening hours in the team's time zone; several ranges a day for split shifts. As stored and shown. */
const storedHours = z.object({
  timezone: z.string(),
  weekly: z.partialRecord(z.enum(weekdays), z.array(z.tuple([clock, clock]))),
  holidays: z.array(calendarDate).default([]),
});
export type BusinessHours = z.infer<typeof storedHours>;
export type OpeningRange = [string, string];

/** Minutes after midnight of an `HH:MM` clock. */
export const minutesOf = (clock: string): number => {
  const [h = '0', m = '0'] = clock.split(':');
  return Number(h) * 60 + Number(m);
};

/** One formatter per time zone (building one costs far more than using it). */
const clockFormats = new Map<string, Intl.DateTimeFormat>();
const shortWeekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * The wall clock in a time zone at an instant: weekday, date (YYYY-MM-DD) and minutes since
 * midnight — what a team's hours and holidays are read against.
 */
export function localClock(at: Date, timezone: string): { weekday: Weekday; date: string; minutes: number } {
  let format = clockFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    clockFormats.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    weekday: weekdays[shortWeekdays.indexOf(parts.weekday!)]!,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** A range closing before it opens runs past midnight (22:00–06:00). */
export const overnight = (range: OpeningRange): boolean =>
  clockPattern.test(range[0]) && clockPattern.test(range[1]) && minutesOf(range[1]) < minutesOf(range[0]);

/** Until when (minutes after midnight) a day's overnight ranges keep the team open the next day. */
export const runsInto = (ranges: readonly OpeningRange[]): number =>
  Math.max(0, ...ranges.filter(overnight).map((range) => minutesOf(range[1])));

/** Until when (minutes) the night before a weekday keeps the team open into it (Sunday's into Monday). */
export const carriedInto = (weekly: BusinessHours['weekly'], day: Weekday): number =>
  runsInto(weekly[weekdays[(weekdays.indexOf(day) + 6) % 7]!] ?? []);

/**
 * What is wrong with a day's ranges (all of them whole clock times), by index: closing when it opens,
 * or opening before another range of the day, or the night before (open until `carried`), has closed.
 */
export function rangeClashes(ranges: readonly OpeningRange[], carried = 0): Map<number, 'same' | 'overlap'> {
  const clashes = new Map<number, 'same' | 'overlap'>();
  const order = ranges.map((range, index) => ({ range, index }));
  order.sort((a, b) => minutesOf(a.range[0]) - minutesOf(b.range[0]));
  // The latest closing time so far: a range opening before it overlaps one that started earlier.
  let closesAt = carried;
  for (const { range, index } of order) {
    if (range[0] === range[1]) clashes.set(index, 'same');
    else if (minutesOf(range[0]) < closesAt) clashes.set(index, 'overlap');
    // An overnight range runs to the end of its day.
    closesAt = Math.max(closesAt, overnight(range) ? 24 * 60 : minutesOf(range[1]));
  }
  return clashes;
}

const clashMessages = {
  same: 'must close at another time than it opens',
  overlap: 'overlaps another opening range of the day or the night before',
};

/** Opening hours as a client sends them: ranges that close when they open, or overlap, are refused. */
export const businessHours = z
  .object({
    timezone: text({ min: 1, max: 64 }),
    weekly: z.partialRecord(z.enum(weekdays), z.array(z.tuple([clock, clock])).max(4)),
    holidays: z.array(calendarDate).max(100).default([]),
  })
  .superRefine((hours, ctx) => {
    for (const day of weekdays) {
      for (const [index, clash] of rangeClashes(hours.weekly[day] ?? [], carriedInto(hours.weekly, day))) {
        ctx.addIssue({ code: 'custom', path: ['weekly', day, index], message: clashMessages[clash] });
      }
    }
  });

export const team = z.object({
  id,
  name: z.string(),
  rule: assignmentRule,
  capacity: z
    .number()
    .int()
    .nullable()
    .describe('per-operator capacity in this team; null = each operator’s own'),
  rerouteAfterSeconds: z.number().int().nullable().describe('re-route when the assignee has not answered'),
  businessHours: storedHours.nullable(),
  outOfHoursMessage: z
    .string()
    .nullable()
    .describe(
      'what the chat widget says while the team is closed; null = its own notice, in the visitor’s language',
    ),
  memberIds: z.array(id),
  queued: z.number().int(),
  open: z.boolean().describe('within business hours now'),
});
export type Team = z.infer<typeof team>;

const teamFields = {
  name: text({ min: 1, max: 80 }),
  rule: assignmentRule,
  capacity: z.number().int().min(1).max(50).nullable(),
  rerouteAfterSeconds: z.number().int().min(30).max(86_400).nullable(),
  businessHours: businessHours.nullable(),
  outOfHoursMessage: text({ min: 1, max: 500, multiline: true }).nullable(),
};
export const teamBody = z.object({
  name: teamFields.name,
  rule: teamFields.rule.default('round_robin'),
  capacity: teamFields.capacity.default(null),
  rerouteAfterSeconds: teamFields.rerouteAfterSeconds.default(null),
  businessHours: teamFields.businessHours.default(null),
  outOfHoursMessage: teamFields.outOfHoursMessage.default(null),
});
/** Partial: absent fields are left alone, `null` clears capacity, re-route timeout, hours or message. */
export const updateTeamBody = patchBody(teamFields);
export const teamMembersBody = z.object({ userIds: z.array(id).max(500) });

export const routingSettings = z.object({
  defaultTeamId: id
    .nullable()
    .describe('where new web conversations are routed; null = no automatic routing'),
  lookingForInfoNoticeSeconds: z.number().int().min(10).max(3600),
  disconnectGraceSeconds: z.number().int().min(20).max(3600),
});
export type RoutingSettings = z.infer<typeof routingSettings>;
export const updateRoutingBody = patchBody(routingSettings.shape);

export const operatorPresence = z.object({
  userId: id,
  name: z.string(),
  status: z.string().describe('a settable status or disconnected'),
  statusSince: timestamp.nullable(),
  capacity: z.number().int(),
  active: z.number().int().describe('open conversations assigned now'),
  teamIds: z.array(id),
});
export type OperatorPresence = z.infer<typeof operatorPresence>;

export const transferBody = z
  .object({
    toUserId: id.optional(),
    toTeamId: id.optional(),
    message: text({ max: 1000, multiline: true }).optional(),
  })
  .refine((b) => Boolean(b.toUserId || b.toTeamId), {
    message: 'give toUserId (optionally with one of their teams as toTeamId) or toTeamId',
    path: ['toUserId'],
  });

export const transferTargets = z.object({
  operators: z.array(operatorPresence.extend({ teams: z.array(z.object({ id, name: z.string() })) })),
  teams: z.array(
    z.object({
      id,
      name: z.string(),
      available: z.number().int().describe('operators who can take one now'),
    }),
  ),
});
export type TransferTargets = z.infer<typeof transferTargets>;

export const queueSummary = z.object({
  queued: z.number().int(),
  byTeam: z.array(z.object({ teamId: id, queued: z.number().int() })),
});
export type QueueSummary = z.infer<typeof queueSummary>;

export const widgetQueue = z.object({
  position: z.number().int().nullable().describe('1 = next; null when not waiting in a queue'),
  estimatedWaitSeconds: z.number().int().nullable(),
});
export type WidgetQueue = z.infer<typeof widgetQueue>;

export const statusTimeQuery = z.object({
  from: dateTime.describe('start of the period (ISO 8601)'),
  to: dateTime.optional().describe('end of the period; now when absent'),
});
export const statusTime = z.object({
  userId: id,
  from: timestamp,
  to: timestamp,
  totals: z.array(z.object({ status: z.string(), seconds: z.number().int() })),
});
export type StatusTime = z.infer<typeof statusTime>;
