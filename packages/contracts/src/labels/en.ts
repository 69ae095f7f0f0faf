import type { AdminRow, AdminStatus } from '../admin-conversations.ts';
import type { ConnectionEvent } from '../auth.ts';
import type { ChannelKind } from '../conversations.ts';
import type { Role } from '../permissions.ts';
import type { BuiltInStatus } from '../routing.ts';

/**
 * The names of enumerated values (roles, statuses, channels, audit actions…) as a reader sees them,
 * shared by the console's translations and the server's exports (CSV / XLSX), so a file says what the
 * screen it was exported from says. English defines the keys; every other language must have every
 * one (`Labels`), and every role, status, kind and channel must be named (a missing one is a type error).
 */
export const enLabels = {
  roles: { owner: 'Owner', admin: 'Admin', supervisor: 'Supervisor', operator: 'Operator' } satisfies Record<
    Role,
    string
  >,
  /** An operator's effective status; a custom one reads as its name in the workspace. */
  statuses: {
    connected: 'Connected',
    not_available: 'Not available',
    on_break: 'On break',
    training: 'Training',
    phone: 'Phone',
    with_supervisor: 'Talking with supervisor',
    no_new: 'No new conversations',
    looking_for_info: 'Looking for information',
    disconnected: 'Disconnected',
    /** A custom status deleted since. */
    unknown: 'Unavailable',
  } satisfies Record<BuiltInStatus | 'disconnected' | 'unknown', string>,
  connectionKinds: {
    login: 'Login',
    logout: 'Logout',
    status_change: 'Status change',
    login_failed: 'Failed login',
    session_expired: 'Session expired',
  } satisfies Record<ConnectionEvent['kind'], string>,
  conversationStatuses: { open: 'Open', in_progress: 'In progress', closed: 'Closed' } satisfies Record<
    AdminStatus,
    string
  >,
  channels: {
    web: 'Web chat',
    whatsapp: 'WhatsApp',
    messenger: 'Messenger',
    instagram: 'Instagram',
    x: 'X',
    telegram: 'Telegram',
    email: 'Email',
    api: 'API',
  } satisfies Record<ChannelKind, string>,
  /** A customer with no name and no e-mail, by their conversation's number (the console's `conversations.visitor`). */
  visitor: 'Visitor #{{number}}',
  firstAuthors: { contact: 'Customer', operator: 'Operator' } satisfies Record<
    NonNullable<AdminRow['firstAuthor']>,
    string
  >,
  /** By the code recorded, `group.name` (`team.members_set`); a code not listed is shown as it is. */
  auditActions: {
    workspace: { created: 'Workspace created', updated: 'Workspace settings changed' },
    member: {
      updated: 'Member’s access changed',
      removed: 'Member removed',
      status_changed: 'Member’s status set',
    },
    invite: { created: 'Invitation sent', revoked: 'Invitation revoked' },
    widget: { updated: 'Chat widget changed', secret_rotated: 'Widget secret renewed' },
    status: { created: 'Custom status created', deleted: 'Custom status deleted' },
    team: {
      created: 'Team created',
      updated: 'Team changed',
      deleted: 'Team deleted',
      members_set: 'Team members changed',
    },
    routing: { updated: 'Routing settings changed' },
    operator: { conversations_transferred: 'Operator’s conversations transferred' },
    export: { created: 'Data exported' },
    monitoring: { settings_changed: 'Monitoring settings changed' },
    conversation_tools: { updated: 'Conversation settings changed' },
    tag: { created: 'Tag created', updated: 'Tag changed', deleted: 'Tag deleted' },
    canned_answer: {
      created: 'Canned answer created',
      updated: 'Canned answer changed',
      deleted: 'Canned answer deleted',
    },
    survey: { created: 'Survey created', updated: 'Survey changed', deleted: 'Survey deleted' },
    impersonation: {
      started: 'Impersonation started',
      ended: 'Impersonation ended',
      action: 'Action while impersonating',
    },
    conversation: { taken_over: 'Conversation taken over' },
  },
  /** By the target type recorded; a type not listed is shown as it is. */
  auditTargets: {
    user: 'Member',
    team: 'Team',
    workspace: 'Workspace',
    invite: 'Invitation',
    tag: 'Tag',
    status: 'Custom status',
    survey: 'Survey',
    canned_answer: 'Canned answer',
    conversation: 'Conversation',
    export: 'Export',
    conversation_export: 'Conversation export',
  },
  /** What an export exported (the audit entry's target), by the name the console gives it. */
  exports: {
    operators: 'Operators',
    'audit-log': 'Audit log',
    'connection-history': 'Connection history',
    conversations: 'Conversations',
    survey_responses: 'Survey answers',
  },
};

type Wording<T> = { readonly [K in keyof T]: T[K] extends string ? string : Wording<T[K]> };
export type Labels = Wording<typeof enLabels>;
