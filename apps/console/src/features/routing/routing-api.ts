import type {
  Conversation,
  CustomStatus,
  Member,
  QueueSummary,
  RoutingSettings,
  SettableStatus,
  Team,
  TransferTargets,
} from '@parley/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';

/** What `teamBody` accepts; the team as read has the same fields plus members and live state. */
export type TeamInput = Pick<
  Team,
  'name' | 'rule' | 'capacity' | 'rerouteAfterSeconds' | 'businessHours' | 'outOfHoursMessage'
>;

/**
 * `transferBody`: to an operator (`toUserId`, optionally into one of their teams as `toTeamId`,
 * ADM-5), or to a team alone (`toTeamId`), whose rule then picks the operator.
 */
export interface TransferRequest {
  toUserId?: string;
  toTeamId?: string;
  message?: string;
}

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;
const enc = encodeURIComponent;

export function useStatuses(workspaceId: string) {
  return useQuery({
    queryKey: queryKeys.statuses(workspaceId),
    queryFn: () => api<CustomStatus[]>('GET', `${base(workspaceId)}/statuses`),
    staleTime: 5 * 60_000,
  });
}

export function useTeams(workspaceId: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.teams(workspaceId),
    queryFn: () => api<Team[]>('GET', `${base(workspaceId)}/teams`),
    enabled,
  });
}

export function useRoutingSettings(workspaceId: string) {
  return useQuery({
    queryKey: queryKeys.routing(workspaceId),
    queryFn: () => api<RoutingSettings>('GET', `${base(workspaceId)}/routing`),
  });
}

/** Kept current by `queue.updated` events; loaded again whenever a fresh stream starts. */
export function useQueueSummary(workspaceId: string) {
  return useQuery({
    queryKey: queryKeys.queue(workspaceId),
    queryFn: () => api<QueueSummary>('GET', `${base(workspaceId)}/queue`),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useTransferTargets(workspaceId: string, conversationId: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.transferTargets(workspaceId, conversationId),
    queryFn: () =>
      api<TransferTargets>(
        'GET',
        `${base(workspaceId)}/conversations/${enc(conversationId)}/transfer-targets`,
      ),
    enabled,
    staleTime: 15_000,
    retry: false,
  });
}

/** Whether anyone can receive the conversation right now (OI-6: only then is transfer offered). */
export const anyTarget = (targets: TransferTargets | undefined): boolean =>
  Boolean(targets && (targets.operators.length > 0 || targets.teams.some((t) => t.available > 0)));

export const routingApi = {
  setMyStatus: (workspaceId: string, status: SettableStatus) =>
    api<Member>('PUT', `${base(workspaceId)}/me/status`, { status }),
  setMemberStatus: (workspaceId: string, userId: string, status: SettableStatus) =>
    api<Member>('PUT', `${base(workspaceId)}/members/${enc(userId)}/status`, { status }),
  createStatus: (workspaceId: string, name: string) =>
    api<CustomStatus>('POST', `${base(workspaceId)}/statuses`, { name }),
  deleteStatus: (workspaceId: string, id: string) =>
    api('DELETE', `${base(workspaceId)}/statuses/${enc(id)}`),
  createTeam: (workspaceId: string, body: TeamInput) => api<Team>('POST', `${base(workspaceId)}/teams`, body),
  updateTeam: (workspaceId: string, teamId: string, body: Partial<TeamInput>) =>
    api<Team>('PATCH', `${base(workspaceId)}/teams/${enc(teamId)}`, body),
  deleteTeam: (workspaceId: string, teamId: string) =>
    api('DELETE', `${base(workspaceId)}/teams/${enc(teamId)}`),
  setTeamMembers: (workspaceId: string, teamId: string, userIds: string[]) =>
    api<Team>('PUT', `${base(workspaceId)}/teams/${enc(teamId)}/members`, { userIds }),
  updateRouting: (workspaceId: string, body: Partial<RoutingSettings>) =>
    api<RoutingSettings>('PATCH', `${base(workspaceId)}/routing`, body),
  transfer: (workspaceId: string, conversationId: string, body: TransferRequest) =>
    api<Conversation>('POST', `${base(workspaceId)}/conversations/${enc(conversationId)}/transfer`, body),
};
