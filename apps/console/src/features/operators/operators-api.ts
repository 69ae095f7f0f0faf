import type {
  AuditEntryView,
  ConnectionEvent,
  OperatorConversation,
  OperatorDetail,
  OperatorOverview,
  PeriodPreset,
  SessionInfo,
  SettableStatus,
  TransferOperatorConversationsResult,
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
import { currentLanguage } from '../../i18n/i18n.ts';

export interface OperatorFilter {
  q: string;
  status: string | null;
  teamId: string | null;
}

export interface PeriodFilter {
  period: PeriodPreset;
  /** A custom period [from, to) as dates (YYYY-MM-DD); both or neither. */
  from: string | null;
  to: string | null;
}

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

export function query(values: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) search.set(key, value);
  return search.toString();
}

/** Dates picked on screen are whole local days: [from 00:00, to + 1 day 00:00). */
export function periodQuery(p: PeriodFilter): Record<string, string | null> {
  if (p.from && p.to) {
    const to = new Date(`${p.to}T00:00:00`);
    to.setDate(to.getDate() + 1);
    return { from: new Date(`${p.from}T00:00:00`).toISOString(), to: to.toISOString() };
  }
  return { period: p.period };
}

const overviewParams = (f: OperatorFilter) => ({ q: f.q.trim() || null, status: f.status, teamId: f.teamId });

/**
 * OPS-1: under the monitoring prefix, so the events that move a status or a load refresh it live
 * (`use-realtime.ts` marks that prefix stale at most once a second while someone looks).
 */
export function useOperatorOverview(workspaceId: string, filter: OperatorFilter) {
  return useQuery({
    queryKey: [...queryKeys.monitoring(workspaceId), 'operators-overview', filter],
    queryFn: () =>
      api<OperatorOverview[]>(
        'GET',
        `${base(workspaceId)}/operators/overview?${query(overviewParams(filter))}`,
      ),
    placeholderData: keepPreviousData,
  });
}

/** OPS-6: the list as filtered on screen, in the console's language. */
export const exportOperatorsUrl = (workspaceId: string, filter: OperatorFilter, format: 'csv' | 'xlsx') =>
  `${base(workspaceId)}/operators/export?${query({ ...overviewParams(filter), format, lang: currentLanguage() })}`;

export function useOperatorDetail(workspaceId: string, userId: string, period: PeriodFilter) {
  return useQuery({
    queryKey: [...queryKeys.monitoring(workspaceId), 'operator-detail', userId, period],
    queryFn: () =>
      api<OperatorDetail>(
        'GET',
        `${base(workspaceId)}/operators/${encodeURIComponent(userId)}/detail?${query(periodQuery(period))}`,
      ),
    placeholderData: keepPreviousData,
  });
}

/** The operator's conversations a transfer can move (still theirs, not closed): a few, one page. */
export function useOperatorOpenConversations(
  workspaceId: string,
  userId: string,
  period: PeriodFilter,
  enabled = true,
) {
  return useQuery({
    queryKey: [...queryKeys.monitoring(workspaceId), 'operator-conversations', userId, period, 'current'],
    queryFn: () =>
      api<Page<OperatorConversation>>(
        'GET',
        `${base(workspaceId)}/operators/${encodeURIComponent(userId)}/conversations?${query({
          ...periodQuery(period),
          current: 'true',
          limit: '200',
        })}`,
      ),
    enabled,
  });
}

export function useOperatorConversations(
  workspaceId: string,
  userId: string,
  period: PeriodFilter,
  enabled = true,
) {
  return useInfiniteQuery({
    queryKey: [...queryKeys.monitoring(workspaceId), 'operator-conversations', userId, period],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api<Page<OperatorConversation>>(
        'GET',
        `${base(workspaceId)}/operators/${encodeURIComponent(userId)}/conversations?${query({
          ...periodQuery(period),
          cursor: pageParam,
          limit: '50',
        })}`,
      ),
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

export function useSetOperatorStatus(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { userId: string; status: SettableStatus }) =>
      api('PUT', `${base(workspaceId)}/members/${encodeURIComponent(input.userId)}/status`, {
        status: input.status,
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.monitoring(workspaceId) }),
  });
}

export function useTransferOperator(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      userId: string;
      conversationIds?: string[];
      toUserId?: string;
      toTeamId?: string;
      message?: string;
    }) => {
      const { userId, ...body } = input;
      return api<TransferOperatorConversationsResult>(
        'POST',
        `${base(workspaceId)}/operators/${encodeURIComponent(userId)}/transfer`,
        body,
      );
    },
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.monitoring(workspaceId) }),
  });
}

/**
 * OPS-4: starting or ending an impersonation changes who the whole console is; the page is loaded
 * again so every cache, the realtime connection and the menus follow the new identity.
 */
export function useImpersonation(workspaceId: string) {
  const start = useMutation({
    mutationFn: (userId: string) =>
      api<SessionInfo>('POST', `${base(workspaceId)}/operators/${encodeURIComponent(userId)}/impersonation`),
    onSuccess: () => window.location.assign(`/w/${encodeURIComponent(workspaceId)}`),
  });
  const end = useMutation({
    mutationFn: () => api<SessionInfo>('DELETE', `${base(workspaceId)}/impersonation`),
    onSuccess: () => window.location.assign(`/w/${encodeURIComponent(workspaceId)}/operators`),
  });
  return { start, end };
}

export interface HistoryFilter {
  kind: string | null;
  from: string | null;
  to: string | null;
}

const dayRange = (from: string | null, to: string | null) => {
  const end = to ? new Date(`${to}T00:00:00`) : null;
  end?.setDate(end.getDate() + 1);
  return {
    from: from ? new Date(`${from}T00:00:00`).toISOString() : null,
    to: end ? end.toISOString() : null,
  };
};

type Page<T> = { items: T[]; nextCursor: string | null };

export function useConnections(workspaceId: string, userId: string, filter: HistoryFilter) {
  return useInfiniteQuery({
    queryKey: ['workspaces', workspaceId, 'connections', userId, filter],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api<Page<ConnectionEvent>>(
        'GET',
        `${base(workspaceId)}/operators/${encodeURIComponent(userId)}/connections?${query({
          kind: filter.kind,
          ...dayRange(filter.from, filter.to),
          cursor: pageParam,
          limit: '50',
        })}`,
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const exportConnectionsUrl = (
  workspaceId: string,
  userId: string,
  filter: HistoryFilter,
  format: 'csv' | 'xlsx',
) =>
  `${base(workspaceId)}/operators/${encodeURIComponent(userId)}/connections/export?${query({
    kind: filter.kind,
    ...dayRange(filter.from, filter.to),
    format,
    lang: currentLanguage(),
  })}`;

export interface AuditFilter {
  actorId: string | null;
  action: string;
  from: string | null;
  to: string | null;
}

const auditParams = (f: AuditFilter) => ({
  actorId: f.actorId,
  action: f.action.trim() || null,
  ...dayRange(f.from, f.to),
});

export function useAuditLog(workspaceId: string, filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: ['workspaces', workspaceId, 'audit-log', filter],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api<Page<AuditEntryView>>(
        'GET',
        `${base(workspaceId)}/audit-log?${query({ ...auditParams(filter), cursor: pageParam, limit: '50' })}`,
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const exportAuditUrl = (workspaceId: string, filter: AuditFilter, format: 'csv' | 'xlsx') =>
  `${base(workspaceId)}/audit-log/export?${query({ ...auditParams(filter), format, lang: currentLanguage() })}`;
