import type {
  AdminHeadline,
  AdminPage,
  AdminSort,
  AdminStatus,
  ChannelKind,
  ConversationExport,
  Tag,
} from '@parley/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { currentLanguage } from '../../i18n/i18n.ts';

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

/** Everything of this page: one prefix that events mark stale together. */
export const adminKey = (workspaceId: string) => ['workspaces', workspaceId, 'admin-conversations'] as const;
export const tagsKey = (workspaceId: string) => ['workspaces', workspaceId, 'tags'] as const;

export interface AdminFilter {
  from: string | null;
  to: string | null;
  country: string | null;
  waitingMinutes: number | null;
  status: AdminStatus[];
  teamId: string[];
  operatorId: string[];
  tagId: string[];
  channel: ChannelKind[];
  rating: string[];
  q: string;
  sort: AdminSort;
  dir: 'asc' | 'desc';
}

/** The filter as query parameters: the same in the URL of the page and in the API's. */
export function filterParams(f: AdminFilter): URLSearchParams {
  const p = new URLSearchParams();
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.country) p.set('country', f.country);
  if (f.waitingMinutes) p.set('waitingMinutes', String(f.waitingMinutes));
  for (const key of ['status', 'teamId', 'operatorId', 'tagId', 'channel', 'rating'] as const) {
    if (f[key].length) p.set(key, f[key].join(','));
  }
  if (f.q) p.set('q', f.q);
  if (f.sort !== 'created') p.set('sort', f.sort);
  if (f.dir !== 'desc') p.set('dir', f.dir);
  return p;
}

/** The export's body: the same filters, as arrays. */
export function filterBody(f: AdminFilter) {
  const { sort, dir, ...rest } = f;
  const filters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (Array.isArray(value) ? value.length > 0 : value !== null && value !== '') filters[key] = value;
  }
  return { filters, sort, dir };
}

export function useAdminPage(workspaceId: string, filter: AdminFilter, cursor: string | null) {
  return useQuery({
    queryKey: [...adminKey(workspaceId), 'page', filter, cursor],
    queryFn: () => {
      const params = filterParams(filter);
      params.set('limit', '25');
      if (cursor) params.set('cursor', cursor);
      return api<AdminPage>('GET', `${base(workspaceId)}/admin/conversations?${params}`);
    },
    placeholderData: keepPreviousData,
  });
}

export function useHeadline(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...adminKey(workspaceId), 'headline'],
    queryFn: () => api<AdminHeadline>('GET', `${base(workspaceId)}/admin/headline`),
    enabled,
  });
}

export function useTags(workspaceId: string) {
  return useQuery({
    queryKey: tagsKey(workspaceId),
    queryFn: () => api<Tag[]>('GET', `${base(workspaceId)}/tags`),
  });
}

export function useTagMutations(workspaceId: string) {
  const client = useQueryClient();
  const done = () => client.invalidateQueries({ queryKey: tagsKey(workspaceId) });
  return {
    create: useMutation({
      mutationFn: (body: { name: string; colour: string }) =>
        api<Tag>('POST', `${base(workspaceId)}/tags`, body),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (tagId: string) => api<void>('DELETE', `${base(workspaceId)}/tags/${tagId}`),
      onSuccess: done,
    }),
  };
}

export function useConversationTags(workspaceId: string, conversationId: string) {
  return useQuery({
    queryKey: [...tagsKey(workspaceId), 'conversation', conversationId],
    queryFn: () => api<Tag[]>('GET', `${base(workspaceId)}/conversations/${conversationId}/tags`),
  });
}

export function useSetConversationTags(workspaceId: string, conversationId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (tagIds: string[]) =>
      api<Tag[]>('PUT', `${base(workspaceId)}/conversations/${conversationId}/tags`, { tagIds }),
    onSuccess: (tags) => client.setQueryData([...tagsKey(workspaceId), 'conversation', conversationId], tags),
  });
}

export function useStartExport(workspaceId: string) {
  return useMutation({
    // The file is written later by a job: the language is the console's when the export is asked for.
    mutationFn: (body: { format: 'csv' | 'xlsx' } & ReturnType<typeof filterBody>) =>
      api<ConversationExport>('POST', `${base(workspaceId)}/exports`, { ...body, lang: currentLanguage() }),
  });
}

/** An export's progress, asked every second until it is done (a background job, not an event). */
export function useExport(workspaceId: string, exportId: string | null) {
  return useQuery({
    queryKey: [...adminKey(workspaceId), 'export', exportId],
    queryFn: () => api<ConversationExport>('GET', `${base(workspaceId)}/exports/${exportId}`),
    enabled: exportId !== null,
    refetchInterval: (query) =>
      query.state.data?.status === 'done' || query.state.data?.status === 'failed' ? false : 1000,
  });
}

/** The tags of the inbox's rows, read in one request per list (kept current by `conversation.tagged`). */
export function useTagsOf(workspaceId: string, conversationIds: string[]) {
  const ids = [...conversationIds].sort().join(',');
  return useQuery({
    queryKey: [...tagsKey(workspaceId), 'rows', ids],
    queryFn: () => api<Record<string, Tag[]>>('GET', `${base(workspaceId)}/conversation-tags?ids=${ids}`),
    enabled: ids.length > 0,
    placeholderData: keepPreviousData,
  });
}
