import type { Conversation, HelpRequest, InboxFilter, InboxItem, Priority } from '@parley/contracts';
import { type InfiniteData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export interface InboxPageData {
  items: InboxItem[];
  unread: number;
  hasMore: boolean;
}
export type InboxData = InfiniteData<InboxPageData, unknown>;

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;
const one = (workspaceId: string, conversationId: string) =>
  `${base(workspaceId)}/conversations/${encodeURIComponent(conversationId)}`;

/** Under the workspace prefix, so leaving a workspace drops them with the rest. */
export const inboxKeys = {
  all: (workspaceId: string) => ['workspaces', workspaceId, 'inbox'] as const,
  list: (workspaceId: string, filter: InboxFilter, important: boolean) =>
    ['workspaces', workspaceId, 'inbox', 'list', filter, important] as const,
  unread: (workspaceId: string) => ['workspaces', workspaceId, 'inbox', 'unread'] as const,
  monitored: (workspaceId: string) => ['workspaces', workspaceId, 'monitored'] as const,
  monitoredList: (workspaceId: string) => ['workspaces', workspaceId, 'monitored', 'list'] as const,
  help: (workspaceId: string, conversationId: string) =>
    ['workspaces', workspaceId, 'help-requests', conversationId] as const,
  helpAll: (workspaceId: string) => ['workspaces', workspaceId, 'help-requests'] as const,
};

export function useInbox(workspaceId: string, filter: InboxFilter, important: boolean) {
  return useInfiniteQuery({
    queryKey: inboxKeys.list(workspaceId, filter, important),
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ filter, limit: '30' });
      if (important) query.set('important', 'true');
      if (pageParam) query.set('before', pageParam);
      return api<InboxPageData>('GET', `${base(workspaceId)}/inbox?${query}`);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.hasMore ? (last.items.at(-1)?.id ?? null) : null),
  });
}

export function useUnreadCount(workspaceId: string) {
  return useQuery({
    queryKey: inboxKeys.unread(workspaceId),
    queryFn: () => api<{ unread: number }>('GET', `${base(workspaceId)}/inbox/unread`),
    select: (data) => data.unread,
  });
}

export function useMonitoredIds(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: inboxKeys.monitored(workspaceId),
    queryFn: () => api<{ conversationIds: string[] }>('GET', `${base(workspaceId)}/monitored`),
    select: (data) => data.conversationIds,
    enabled,
  });
}

export function useMonitoredConversations(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: inboxKeys.monitoredList(workspaceId),
    queryFn: async () => {
      // Every status: a monitored conversation may be snoozed or closed meanwhile.
      const lists = await Promise.all(
        (['open', 'snoozed', 'closed'] as const).map((status) =>
          api<{ items: Conversation[] }>(
            'GET',
            `${base(workspaceId)}/conversations?view=all&monitored=true&status=${status}&limit=100`,
          ),
        ),
      );
      return lists.flatMap((l) => l.items);
    },
    enabled,
  });
}

export function useHelpRequests(workspaceId: string, conversationId: string) {
  return useQuery({
    queryKey: inboxKeys.help(workspaceId, conversationId),
    queryFn: () => api<{ items: HelpRequest[] }>('GET', `${one(workspaceId, conversationId)}/help-requests`),
    select: (data) => data.items,
  });
}

export const inboxApi = {
  update: (workspaceId: string, itemId: string, body: { read?: boolean; archived?: boolean }) =>
    api<InboxItem>('PATCH', `${base(workspaceId)}/inbox/${encodeURIComponent(itemId)}`, body),
  readAll: (workspaceId: string) => api<{ unread: number }>('POST', `${base(workspaceId)}/inbox/read-all`),
  monitor: (workspaceId: string, conversationId: string, on: boolean) =>
    api<{ conversationIds: string[] }>(
      on ? 'PUT' : 'DELETE',
      `${one(workspaceId, conversationId)}/monitored`,
    ),
  takeOver: (workspaceId: string, conversationId: string) =>
    api<Conversation>('POST', `${one(workspaceId, conversationId)}/take-over`),
  askHelp: (workspaceId: string, conversationId: string, message: string) =>
    api<HelpRequest>('POST', `${one(workspaceId, conversationId)}/help-requests`, message ? { message } : {}),
  joinHelp: (workspaceId: string, requestId: string) =>
    api<HelpRequest>('POST', `${base(workspaceId)}/help-requests/${encodeURIComponent(requestId)}/join`),
  snooze: (workspaceId: string, conversationId: string, until: string) =>
    api<Conversation>('POST', `${one(workspaceId, conversationId)}/snooze`, { until }),
  unsnooze: (workspaceId: string, conversationId: string) =>
    api<Conversation>('POST', `${one(workspaceId, conversationId)}/unsnooze`),
  mark: (workspaceId: string, conversationId: string, body: { priority?: Priority; important?: boolean }) =>
    api<Conversation>('PATCH', `${one(workspaceId, conversationId)}/marks`, body),
};
