import type { Team } from '@parley/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../api/query-keys.ts';
import { routingApi, type TeamInput } from '../routing/routing-api.ts';

export interface TeamSave {
  /** Undefined creates a team. */
  teamId?: string;
  team: TeamInput;
  /** Undefined leaves the members as they are. */
  memberIds?: string[];
}

/** Create or update a team, then its members; the list follows from the answers (and `team.updated`). */
export function useTeamMutations(workspaceId: string) {
  const client = useQueryClient();
  const key = queryKeys.teams(workspaceId);
  const put = (team: Team) =>
    client.setQueryData<Team[]>(key, (teams) =>
      teams?.some((t) => t.id === team.id)
        ? teams.map((t) => (t.id === team.id ? team : t))
        : teams && [...teams, team].sort((a, b) => a.name.localeCompare(b.name)),
    );
  return {
    save: useMutation({
      mutationFn: async ({ teamId, team, memberIds }: TeamSave): Promise<Team> => {
        let saved = teamId
          ? await routingApi.updateTeam(workspaceId, teamId, team)
          : await routingApi.createTeam(workspaceId, team);
        put(saved);
        if (memberIds) saved = await routingApi.setTeamMembers(workspaceId, saved.id, memberIds);
        put(saved);
        return saved;
      },
      onSettled: () => client.invalidateQueries({ queryKey: key }),
    }),
    remove: useMutation({
      mutationFn: (teamId: string) => routingApi.deleteTeam(workspaceId, teamId),
      onSuccess: (_result, teamId) =>
        client.setQueryData<Team[]>(key, (teams) => teams?.filter((t) => t.id !== teamId)),
      onSettled: () => client.invalidateQueries({ queryKey: key }),
    }),
  };
}
