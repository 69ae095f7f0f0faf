import { z } from 'zod';
import { displayName, email, id, password, timestamp } from './common.ts';
import { connectionKinds, impersonationInfo } from './operators.ts';
import { grantablePermission, role } from './permissions.ts';
import { patchBody, text } from './text.ts';

export const setupStatus = z.object({ needsSetup: z.boolean() });

export const setupBody = z.object({
  name: displayName,
  email,
  password,
  workspaceName: displayName,
});
export type SetupBody = z.infer<typeof setupBody>;

export const loginBody = z.object({ email, password: text({ min: 1, max: 200, trim: false }) });
export type LoginBody = z.infer<typeof loginBody>;

export const workspaceMembership = z.object({
  id,
  name: z.string(),
  role,
  permissions: z.array(z.string()).describe('effective permissions: role defaults plus grants'),
});
export type WorkspaceMembership = z.infer<typeof workspaceMembership>;

export const sessionInfo = z.object({
  user: z.object({ id, name: z.string(), email: z.string() }),
  workspaces: z.array(workspaceMembership),
  currentWorkspaceId: id.nullable(),
  csrfToken: z.string(),
  /** OPS-4: set while this browser impersonates an operator (the user above is that operator). */
  impersonation: impersonationInfo.nullable().optional(),
});
export type SessionInfo = z.infer<typeof sessionInfo>;

export const switchWorkspaceBody = z.object({ workspaceId: id });

export const passwordResetRequestBody = z.object({ email });
/** The secret of an e-mailed link (password reset, invite). */
export const linkToken = text({ min: 10, max: 200 });
export const passwordResetConfirmBody = z.object({ token: linkToken, password });
export const changePasswordBody = z.object({
  currentPassword: text({ min: 1, max: 200, trim: false }),
  password,
});

export const inviteBody = z.object({
  email,
  role: role.default('operator'),
  permissions: z.array(grantablePermission).default([]),
});
export type InviteBody = z.input<typeof inviteBody>;

export const invite = z.object({
  id,
  email: z.string(),
  role,
  permissions: z.array(z.string()),
  createdAt: timestamp,
  expiresAt: timestamp,
  url: z.string().optional().describe('only returned to the inviter when the invite is created'),
});
export type Invite = z.infer<typeof invite>;

export const invitePreview = z.object({
  workspaceName: z.string(),
  email: z.string(),
  role,
  userExists: z.boolean(),
});
export type InvitePreview = z.infer<typeof invitePreview>;

export const acceptInviteBody = z.object({
  name: displayName.optional(),
  password,
});

export const createWorkspaceBody = z.object({ name: displayName });
/** An IANA time zone name; the server checks it is one it knows. */
export const timezoneName = text({ min: 1, max: 64 });
export const updateWorkspaceBody = patchBody({ name: displayName, timezone: timezoneName });

export const workspace = z.object({
  id,
  name: z.string(),
  timezone: z.string(),
  widgetKey: z.string().describe('the data-workspace value of the widget snippet'),
  createdAt: timestamp,
});
export type Workspace = z.infer<typeof workspace>;

export const member = z.object({
  userId: id,
  name: z.string(),
  email: z.string(),
  role,
  permissions: z.array(z.string()).describe('granted permissions on top of the role'),
  joinedAt: timestamp,
  lastLoginAt: timestamp.nullable(),
  status: z.string().describe('a settable status, or disconnected when no console is open'),
  statusSince: timestamp.nullable(),
  signedIn: z
    .boolean()
    .describe('a console of theirs is open: false when signed out, true while appearing offline'),
  capacity: z.number().int().describe('open conversations at once (default 3)'),
});
export type Member = z.infer<typeof member>;

export const updateMemberBody = patchBody({
  capacity: z.number().int().min(1).max(50),
  role,
  permissions: z.array(grantablePermission),
});

export const connectionEvent = z.object({
  id,
  userId: id,
  userName: z.string(),
  kind: z.enum(connectionKinds),
  detail: z.string().nullable(),
  at: timestamp,
  ip: z.string().nullable(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
});
export type ConnectionEvent = z.infer<typeof connectionEvent>;

export const widgetConfig = z.object({
  widgetKey: z.string(),
  snippet: z.string().describe('the <script> tag to paste into a website'),
  identitySecret: z
    .string()
    .nullable()
    .describe('HMAC key for Parley.identify; only shown to those who may manage the workspace'),
  prechat: z.object({ enabled: z.boolean(), requireEmail: z.boolean() }),
  offlineForm: z
    .boolean()
    .describe('when nobody can answer, the widget shows the offline form instead of the chat'),
});
export type WidgetConfig = z.infer<typeof widgetConfig>;

export const updateWidgetConfigBody = z
  .object({
    prechat: z.object({ enabled: z.boolean(), requireEmail: z.boolean() }).optional(),
    offlineForm: z.boolean().optional(),
  })
  .refine((b) => b.prechat !== undefined || b.offlineForm !== undefined, {
    message: 'nothing to change: send prechat or offlineForm',
  });
