import type { SessionInfo } from '@parley/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, isApiError, setCsrfToken } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { navigate } from '../../router/history.ts';

async function fetchSession(): Promise<SessionInfo | null> {
  try {
    const session = await api<SessionInfo>('GET', '/api/auth/session');
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (isApiError(error) && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

/** The logged-in user, or `null` when nobody is logged in. */
export function useSession() {
  return useQuery({ queryKey: queryKeys.session, queryFn: fetchSession, staleTime: 60_000 });
}

export function useSetupStatus() {
  return useQuery({
    queryKey: queryKeys.setup,
    queryFn: () => api<{ needsSetup: boolean }>('GET', '/api/setup'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Stores a session returned by login, setup, invite acceptance or a workspace switch. */
export function useApplySession() {
  const queryClient = useQueryClient();
  return useCallback(
    (session: SessionInfo) => {
      setCsrfToken(session.csrfToken);
      queryClient.setQueryData(queryKeys.session, session);
    },
    [queryClient],
  );
}

/** Ends the session and lands on the login page; cached workspace data goes with it. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    try {
      await api('POST', '/api/auth/logout');
    } catch (error) {
      // Already logged out is the outcome we want; anything else keeps the user where they are.
      if (!isApiError(error, 'unauthenticated')) throw error;
    }
    setCsrfToken(null);
    queryClient.setQueryData(queryKeys.session, null);
    navigate('/login', { replace: true });
    queryClient.removeQueries({
      predicate: (query) => !['session', 'setup'].includes(String(query.queryKey[0])),
    });
  }, [queryClient]);
}

/** Where a logged-in user lands: the remembered workspace if still a member, else the first one. */
export function homeWorkspaceId(session: SessionInfo): string | null {
  const remembered = session.workspaces.find((w) => w.id === session.currentWorkspaceId);
  return (remembered ?? session.workspaces[0])?.id ?? null;
}

/** My effective permissions in a workspace, from the session. */
export function usePermissions(workspaceId: string): readonly string[] {
  const session = useSession();
  return session.data?.workspaces.find((w) => w.id === workspaceId)?.permissions ?? [];
}
