import type { Attachment, Conversation, ConversationDetail, Message } from '@parley/contracts';
import { type InfiniteData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { type ConversationFilter, queryKeys } from '../../api/query-keys.ts';

export interface ConversationPage {
  items: Conversation[];
  nextCursor: string | null;
}
export type ConversationListData = InfiniteData<ConversationPage, unknown>;

export interface MessagePage {
  messages: Message[];
  hasMore: boolean;
}
/** Pages from newest to oldest; each page's messages oldest first, as the server sends them. */
export type MessagesData = InfiniteData<MessagePage, unknown>;

export interface SendBody {
  clientId: string;
  text: string;
  private: boolean;
  whisper?: boolean;
  attachmentIds: string[];
}

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;
const one = (workspaceId: string, conversationId: string) =>
  `${base(workspaceId)}/conversations/${encodeURIComponent(conversationId)}`;

export const listPageSize = 50;

export function useConversationList(workspaceId: string, filter: ConversationFilter, enabled = true) {
  return useInfiniteQuery({
    queryKey: queryKeys.conversationList(workspaceId, filter),
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({
        view: filter.view,
        status: filter.status,
        limit: String(listPageSize),
      });
      if (filter.q) query.set('q', filter.q);
      if (filter.tagId) query.set('tagId', filter.tagId);
      if (pageParam) query.set('cursor', pageParam);
      return api<ConversationPage>('GET', `${base(workspaceId)}/conversations?${query}`);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

export function useConversation(workspaceId: string, conversationId: string) {
  return useQuery({
    queryKey: queryKeys.conversation(workspaceId, conversationId),
    queryFn: () => api<ConversationDetail>('GET', one(workspaceId, conversationId)),
  });
}

export function useMessages(workspaceId: string, conversationId: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.messages(workspaceId, conversationId),
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: '50' });
      if (pageParam) query.set('cursor', pageParam);
      return api<MessagePage>('GET', `${one(workspaceId, conversationId)}/messages?${query}`);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.hasMore ? (last.messages[0]?.id ?? null) : null),
    // Kept current by realtime events; a refetch would reload every page already scrolled through.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export const conversationApi = {
  send: (workspaceId: string, conversationId: string, body: SendBody) =>
    api<Message>('POST', `${one(workspaceId, conversationId)}/messages`, body),
  assign: (workspaceId: string, conversationId: string, assigneeId: string | null) =>
    api<Conversation>('POST', `${one(workspaceId, conversationId)}/assign`, { assigneeId }),
  close: (workspaceId: string, conversationId: string) =>
    api<Conversation>('POST', `${one(workspaceId, conversationId)}/close`),
  reopen: (workspaceId: string, conversationId: string) =>
    api<Conversation>('POST', `${one(workspaceId, conversationId)}/reopen`),
  read: (workspaceId: string, conversationId: string, upTo: string) =>
    api('POST', `${one(workspaceId, conversationId)}/read`, { upTo }),
  upload: (workspaceId: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api<Attachment>('POST', `${base(workspaceId)}/attachments`, form);
  },
};
