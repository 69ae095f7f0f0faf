import type { Invite, InviteBody, Member } from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

export function useMembers(workspaceId: string) {
  return useQuery({
    queryKey: queryKeys.members(workspaceId),
    queryFn: () => api<Member[]>('GET', `${base(workspaceId)}/members`),
  });
}

export function useInvites(workspaceId: string) {
  return useQuery({
    queryKey: queryKeys.invites(workspaceId),
    queryFn: () => api<Invite[]>('GET', `${base(workspaceId)}/invites`),
  });
}

export function createInvite(workspaceId: string, body: InviteBody): Promise<Invite> {
  return api<Invite>('POST', `${base(workspaceId)}/invites`, body);
}

export type MemberChange = Pick<Member, 'userId'> &
  Partial<Pick<Member, 'role' | 'permissions' | 'capacity'>>;

/** Member and invite changes refetch their list at once; the realtime event does the same for others. */
export function useMemberMutations(workspaceId: string) {
  const queryClient = useQueryClient();
  const refreshMembers = () => queryClient.invalidateQueries({ queryKey: queryKeys.members(workspaceId) });
  const refreshInvites = () => queryClient.invalidateQueries({ queryKey: queryKeys.invites(workspaceId) });
  return {
    update: useMutation({
      mutationFn: ({ userId, ...body }: MemberChange) =>
        api<Member>('PATCH', `${base(workspaceId)}/members/${encodeURIComponent(userId)}`, body),
      // Show the change at once so the controls do not jump back while the request is in flight.
      onMutate: async (change: MemberChange) => {
        const key = queryKeys.members(workspaceId);
        await queryClient.cancelQueries({ queryKey: key });
        const previous = queryClient.getQueryData<Member[]>(key);
        queryClient.setQueryData<Member[]>(key, (members) =>
          members?.map((m) => (m.userId === change.userId ? { ...m, ...change } : m)),
        );
        return { previous };
      },
      onError: (_error, _change, context) => {
        queryClient.setQueryData(queryKeys.members(workspaceId), context?.previous);
      },
      onSettled: refreshMembers,
    }),
    remove: useMutation({
      mutationFn: (userId: string) =>
        api('DELETE', `${base(workspaceId)}/members/${encodeURIComponent(userId)}`),
      onSettled: refreshMembers,
    }),
    revokeInvite: useMutation({
      mutationFn: (inviteId: string) =>
        api('DELETE', `${base(workspaceId)}/invites/${encodeURIComponent(inviteId)}`),
      onSettled: refreshInvites,
    }),
    refreshInvites,
  };
}
