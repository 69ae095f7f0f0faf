import type { Workspace } from '@parley/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';

/** The workspace's own settings (name, time zone, widget key); `workspace.updated` refreshes it. */
export function useWorkspace(workspaceId: string) {
  return useQuery({
    queryKey: queryKeys.workspace(workspaceId),
    queryFn: () => api<Workspace>('GET', `/api/workspaces/${encodeURIComponent(workspaceId)}`),
  });
}
