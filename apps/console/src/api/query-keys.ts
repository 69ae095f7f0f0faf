import type { ConversationStatus, ConversationView } from '@parley/contracts';

/** One conversation list as filtered on screen. */
export interface ConversationFilter {
  view: ConversationView;
  status: ConversationStatus;
  q: string;
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
};
