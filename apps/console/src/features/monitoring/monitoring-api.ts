import type {
  CaseKind,
  ChannelKind,
  ListedMetric,
  MetricConversationPage,
  MetricsReport,
  MonitoredCase,
  MonitoringSettings,
  OperatorPresence,
  PeriodPreset,
} from '@parley/contracts';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';

export interface MonitoringFilter {
  period: PeriodPreset;
  channel: ChannelKind | null;
  teamId: string | null;
}

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

function params(filter: Partial<MonitoringFilter> & Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) search.set(key, value);
  return search.toString();
}

/** The page's figures; refreshed by events (see `use-realtime.ts`), never by polling. */
export function useMetrics(workspaceId: string, filter: MonitoringFilter) {
  return useQuery({
    queryKey: [...queryKeys.monitoring(workspaceId), 'metrics', filter],
    queryFn: () =>
      api<MetricsReport>(
        'GET',
        // Per team too: the service level is shown for each team.
        `${base(workspaceId)}/metrics?${params({ period: filter.period, channel: filter.channel, teamId: filter.teamId, segment: 'team' })}`,
      ),
    placeholderData: keepPreviousData,
  });
}

/** The conversations behind a tile's number, a page at a time (the same rule as the figure). */
export function useMetricConversations(workspaceId: string, metric: ListedMetric, filter: MonitoringFilter) {
  return useInfiniteQuery({
    queryKey: [...queryKeys.monitoring(workspaceId), 'conversations', metric, filter],
    queryFn: ({ pageParam }) =>
      api<MetricConversationPage>(
        'GET',
        `${base(workspaceId)}/monitoring/conversations?${params({
          metric,
          period: filter.period,
          channel: filter.channel,
          teamId: filter.teamId,
          cursor: pageParam,
        })}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useCases(workspaceId: string, kind: CaseKind, filter: MonitoringFilter) {
  return useQuery({
    queryKey: [...queryKeys.monitoring(workspaceId), 'cases', kind, filter.channel, filter.teamId],
    queryFn: () =>
      api<MonitoredCase[]>(
        'GET',
        `${base(workspaceId)}/monitoring/cases?${params({ kind, channel: filter.channel, teamId: filter.teamId })}`,
      ),
    placeholderData: keepPreviousData,
  });
}

export function useOperators(workspaceId: string) {
  return useQuery({
    queryKey: [...queryKeys.monitoring(workspaceId), 'operators'],
    queryFn: () => api<OperatorPresence[]>('GET', `${base(workspaceId)}/operators`),
  });
}

export function useRecover(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (conversationId: string) =>
      api<{ outcome: string }>(
        'POST',
        `${base(workspaceId)}/conversations/${encodeURIComponent(conversationId)}/recover`,
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.monitoring(workspaceId) }),
  });
}

export function useMonitoringSettings(workspaceId: string) {
  return useQuery({
    queryKey: [...queryKeys.monitoring(workspaceId), 'settings'],
    queryFn: () => api<MonitoringSettings>('GET', `${base(workspaceId)}/monitoring/settings`),
  });
}

export function useSaveMonitoringSettings(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<MonitoringSettings>) =>
      api<MonitoringSettings>('PATCH', `${base(workspaceId)}/monitoring/settings`, body),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.monitoring(workspaceId) }),
  });
}
