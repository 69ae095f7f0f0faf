export const queryKeys = {
  setup: ['setup'] as const,
  session: ['session'] as const,
  workspace: (workspaceId: string) => ['workspaces', workspaceId] as const,
  members: (workspaceId: string) => ['workspaces', workspaceId, 'members'] as const,
  invites: (workspaceId: string) => ['workspaces', workspaceId, 'invites'] as const,
  invitePreview: (token: string) => ['invite-preview', token] as const,
};
