import { z } from 'zod';
import { exportLanguage, id, timestamp } from './common.ts';
import { conversationStatus } from './conversations.ts';
import { figures, periodPreset } from './metrics.ts';
import { role } from './permissions.ts';
import { statusTime } from './routing.ts';
import { dateTime, instantCursor, text } from './text.ts';

/** OPS-5: the overview's search and filters; the export takes the same ones (OPS-6). */
export const operatorsQuery = z.object({
  q: text({ max: 120 }).optional().describe('part of the name or e-mail'),
  status: text({ max: 60 })
    .optional()
    .describe('an effective status: connected, disconnected, a built-in one or custom:<id>'),
  teamId: id.optional(),
});
export type OperatorsQuery = z.infer<typeof operatorsQuery>;

export const tableFormat = z.enum(['csv', 'xlsx']);
export type TableFormatName = z.infer<typeof tableFormat>;
export const exportQuery = z.object({ format: tableFormat.default('csv'), lang: exportLanguage });

/** OPS-1: one operator as the supervisor's overview shows them. */
export const operatorOverview = z.object({
  userId: id,
  name: z.string(),
  email: z.string(),
  role,
  teams: z.array(z.object({ id, name: z.string() })),
  status: z.string(),
  statusSince: timestamp,
  signedIn: z.boolean().describe('a console of theirs is open: false when signed out'),
  lastLoginAt: timestamp.nullable(),
  active: z.number().int().describe('open conversations assigned to them now (metrics module)'),
  pending: z.number().int().describe('of those, awaiting their first response (metrics module)'),
  canImpersonate: z.boolean().describe('whether the caller may impersonate this operator'),
});
export type OperatorOverview = z.infer<typeof operatorOverview>;

const periodFields = {
  period: periodPreset.optional().describe('a preset period in the workspace time zone (default 7d)'),
  from: dateTime.optional(),
  to: dateTime.optional(),
};
const fromWithTo = (q: { from?: string; to?: string }) => (q.from === undefined) === (q.to === undefined);
const fromWithToError = { message: 'from and to go together', path: ['to'] };

export const operatorPeriodQuery = z.object(periodFields).refine(fromWithTo, fromWithToError);
export type OperatorPeriodQuery = z.infer<typeof operatorPeriodQuery>;

/** OPS-7: a page of the operator's conversations in the period, newest assignment first. */
export const operatorConversationsQuery = z
  .object({
    ...periodFields,
    current: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .describe('true: only those still assigned to them and not closed (what a transfer can move)'),
    cursor: instantCursor.optional().describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine(fromWithTo, fromWithToError);
export type OperatorConversationsQuery = z.infer<typeof operatorConversationsQuery>;

/** OPS-7: the operator's figures for the period, from the metrics module. */
export const operatorDetail = z.object({
  operator: operatorOverview,
  from: timestamp,
  to: timestamp,
  timezone: z.string(),
  figures,
  statusTime,
});
export type OperatorDetail = z.infer<typeof operatorDetail>;

export const operatorConversation = z.object({
  id,
  number: z.number().int(),
  contactName: z.string().nullable(),
  channel: z.string(),
  status: conversationStatus,
  teamName: z.string().nullable(),
  assignedAt: timestamp,
  createdAt: timestamp,
  closedAt: timestamp.nullable(),
  current: z.boolean().describe('still assigned to this operator'),
});
export type OperatorConversation = z.infer<typeof operatorConversation>;

/** OPS-2: move an operator's open conversations (all, or the ones given) to an operator or a team. */
export const transferOperatorConversationsBody = z
  .object({
    conversationIds: z.array(id).min(1).max(200).optional().describe('absent = all their open ones'),
    toUserId: id.optional(),
    toTeamId: id.optional(),
    message: text({ max: 1000, multiline: true }).optional(),
  })
  .refine((b) => Boolean(b.toUserId || b.toTeamId), {
    message: 'give toUserId or toTeamId',
    path: ['toUserId'],
  });
export const transferOperatorConversationsResult = z.object({
  results: z.array(
    z.object({
      conversationId: id,
      ok: z.boolean(),
      assigneeId: id.nullable(),
      error: z.string().nullable(),
    }),
  ),
});
export type TransferOperatorConversationsResult = z.infer<typeof transferOperatorConversationsResult>;

/** OPS-4: the impersonation the session is in, if any (shown as a banner on every screen). */
export const impersonationInfo = z.object({
  impersonator: z.object({ id, name: z.string() }),
  workspaceId: id,
  startedAt: timestamp,
  expiresAt: timestamp,
});
export type ImpersonationInfo = z.infer<typeof impersonationInfo>;

export const connectionKinds = [
  'login',
  'logout',
  'status_change',
  'login_failed',
  'session_expired',
] as const;
export const connectionsQuery = z.object({
  kind: z.enum(connectionKinds).optional(),
  from: dateTime.optional(),
  to: dateTime.optional(),
  cursor: instantCursor.optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** API-3: one audit log entry. */
export const auditEntry = z.object({
  id,
  action: z.string(),
  actor: z.object({ id, name: z.string() }).nullable(),
  impersonator: z.object({ id, name: z.string() }).nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  at: timestamp,
  /** The conversations the entry names (target or recorded values), as the viewer knows them. */
  conversations: z.array(z.object({ id, number: z.number().int(), customerName: z.string().nullable() })),
});
export type AuditEntryView = z.infer<typeof auditEntry>;

export const auditQuery = z.object({
  actorId: id.optional(),
  action: text({ max: 80 }).optional().describe('an action, or its prefix ending with a dot (member.)'),
  from: dateTime.optional(),
  to: dateTime.optional(),
  cursor: instantCursor.optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
