import type { ConversationStatus, ConversationView } from '@parley/contracts';

/** One conversation list as filtered on screen. */
export interface ConversationFilter {
  view: ConversationView;
  status: ConversationStatus;
  q: string;
  /** Only conversations with this tag. */
  tagId?: string | null;
}

export const queryKeys = {
  setup: ['setup'] as const,
  session: ['session'] as const,
  workspace: (workspaceId: string) => ['workspaces', workspaceId] as const,
  members: (workspaceId: string) => ['workspaces', workspaceId, 'members'] as const,
  invites: (workspaceId: string) => ['workspaces', workspaceId, 'invites'] as const,
  invitePreview: (token: string) => ['invite-preview', token] as const,
  conversations: (workspaceId: string) => ['workspaces', workspaceId, 'conversations'] as const,
  conversationLists: (workspaceId: string) => ['workspaces', workspaceId, 'conversations', 'list'] as const,
  conversationList: (workspaceId: string, filter: ConversationFilter) =>
    ['workspaces', workspaceId, 'conversations', 'list', filter] as const,
  conversation: (workspaceId: string, conversationId: string) =>
    ['workspaces', workspaceId, 'conversations', 'detail', conversationId] as const,
  messages: (workspaceId: string, conversationId: string) =>
    ['workspaces', workspaceId, 'conversations', 'messages', conversationId] as const,
  statuses: (workspaceId: string) => ['workspaces', workspaceId, 'statuses'] as const,
  teams: (workspaceId: string) => ['workspaces', workspaceId, 'teams'] as const,
  routing: (workspaceId: string) => ['workspaces', workspaceId, 'routing'] as const,
  queue: (workspaceId: string) => ['workspaces', workspaceId, 'queue'] as const,
  widget: (workspaceId: string) => ['workspaces', workspaceId, 'widget'] as const,
  /** Everything on the live monitoring page: one prefix that events mark stale together. */
  monitoring: (workspaceId: string) => ['workspaces', workspaceId, 'monitoring'] as const,
  /** Who can receive a conversation depends on everyone's status and load: one prefix to refresh them all. */
  transferTargetsAll: (workspaceId: string) => ['workspaces', workspaceId, 'transfer-targets'] as const,
  transferTargets: (workspaceId: string, conversationId: string) =>
    ['workspaces', workspaceId, 'transfer-targets', conversationId] as const,
};
