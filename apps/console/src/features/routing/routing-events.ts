import { notifications } from '@mantine/notifications';
import type { CustomStatus, DomainEvent, Member, QueueSummary, Team } from '@parley/contracts';
import type { QueryClient } from '@tanstack/react-query';
import i18next from 'i18next';
import { patchLive, replaceLive } from '../../api/live-patch.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { isBuiltInStatus } from './statuses.tsx';

/** Changes that alter who can take a conversation now: its list of transfer targets is stale. */
const loadChanges = new Set(['assigned', 'closed', 'reopened', 'transferred', 'queued']);

function statusName(client: QueryClient, workspaceId: string, status: string): string {
  if (status === 'disconnected' || isBuiltInStatus(status)) return i18next.t(`statuses.${status}`);
  const custom = client.getQueryData<CustomStatus[]>(queryKeys.statuses(workspaceId));
  return custom?.find((s) => `custom:${s.id}` === status)?.name ?? i18next.t('statuses.unknown');
}

function upsertTeam(teams: Team[], team: Team): Team[] {
  const known = teams.some((t) => t.id === team.id);
  const next = known ? teams.map((t) => (t.id === team.id ? team : t)) : [...teams, team];
  return next.sort((a, b) => a.name.localeCompare(b.name));
}

/** Statuses, teams and the queue follow their events in the caches, without refetching. */
export function applyRoutingEvent(
  client: QueryClient,
  workspaceId: string,
  me: string,
  event: DomainEvent,
): void {
  const refreshTargets = () =>
    void client.invalidateQueries({ queryKey: queryKeys.transferTargetsAll(workspaceId) });
  switch (event.name) {
    case 'operator.status_changed': {
      const { userId, status, since, changedBy, signedIn } = event.payload;
      let found = false;
      patchLive<Member[]>(client, queryKeys.members(workspaceId), (members) =>
        members.map((m) => {
          if (m.userId !== userId) return m;
          found = true;
          return { ...m, status, statusSince: since, signedIn };
        }),
      );
      if (!found) void client.invalidateQueries({ queryKey: queryKeys.members(workspaceId) });
      refreshTargets();
      // Someone else (a supervisor) changed mine: say so, the switcher alone would change silently.
      if (userId === me && changedBy && changedBy !== me) {
        notifications.show({
          color: 'blue',
          message: i18next.t('statuses.changedBySupervisor', {
            status: statusName(client, workspaceId, status),
          }),
        });
      }
      return;
    }
    case 'team.updated':
      patchLive<Team[]>(client, queryKeys.teams(workspaceId), (teams) =>
        upsertTeam(teams, event.payload.team),
      );
      refreshTargets();
      return;
    case 'team.deleted':
      patchLive<Team[]>(client, queryKeys.teams(workspaceId), (teams) =>
        teams.filter((t) => t.id !== event.payload.teamId),
      );
      refreshTargets();
      return;
    case 'queue.updated': {
      const summary: QueueSummary = event.payload;
      replaceLive(client, queryKeys.queue(workspaceId), summary);
      const byTeam = new Map(summary.byTeam.map((q) => [q.teamId, q.queued]));
      patchLive<Team[]>(client, queryKeys.teams(workspaceId), (teams) =>
        teams.map((t) => ({ ...t, queued: byTeam.get(t.id) ?? 0 })),
      );
      return;
    }
    case 'conversation.updated':
      if (loadChanges.has(event.payload.change)) refreshTargets();
      return;
    case 'member.updated':
    case 'member.removed':
      refreshTargets();
      return;
    default:
      return;
  }
}
