import type { DomainEvent } from '@parley/contracts';
import { createRealtimeClient, type RealtimeStatus } from '@parley/contracts/realtime-client';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { queryKeys } from '../../api/query-keys.ts';

function realtimeUrl(workspaceId: string, after: number): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const query = new URLSearchParams({ workspaceId, after: String(after) });
  return `${scheme}://${window.location.host}/api/realtime?${query}`;
}

/** Marks what an event changed as stale; queries on screen refetch, the rest on their next use. */
function invalidateFor(client: QueryClient, workspaceId: string, userId: string, event: DomainEvent): void {
  const invalidate = (queryKey: readonly unknown[]) => void client.invalidateQueries({ queryKey });
  switch (event.name) {
    case 'workspace.updated':
      invalidate(queryKeys.workspace(workspaceId));
      invalidate(queryKeys.session);
      return;
    case 'member.joined':
    case 'member.updated':
    case 'member.removed': {
      invalidate(queryKeys.members(workspaceId));
      const subject = 'member' in event.payload ? event.payload.member.userId : event.payload.userId;
      // My own role or permissions changed: the session holds the effective permissions.
      if (subject === userId) invalidate(queryKeys.session);
      if (event.name === 'member.joined') invalidate(queryKeys.invites(workspaceId));
      return;
    }
    case 'invite.created':
    case 'invite.revoked':
      invalidate(queryKeys.invites(workspaceId));
      return;
  }
}

/**
 * The last sequence seen per workspace, so coming back to a workspace resumes where the previous
 * connection stopped and replays what happened meanwhile, instead of trusting cached queries.
 */
const lastSeen = new Map<string, number>();

export interface RealtimeState {
  status: RealtimeStatus;
  /** Whether the connection was live at least once, to tell "connecting" from "reconnecting". */
  wasLive: boolean;
}

/** One live connection per open workspace, resuming from the last event seen after a drop. */
export function useRealtime(workspaceId: string, userId: string): RealtimeState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<RealtimeState>({ status: 'connecting', wasLive: false });

  useEffect(() => {
    let disposed = false;
    setState({ status: 'connecting', wasLive: false });
    const client = createRealtimeClient({
      url: (after) => realtimeUrl(workspaceId, after),
      after: lastSeen.get(workspaceId) ?? 0,
      onEvent: (event) => invalidateFor(queryClient, workspaceId, userId, event),
      onStatus: (status) => {
        if (disposed) return;
        setState((current) => ({ status, wasLive: current.wasLive || status === 'live' }));
        // Refused by the server: the session ended or the membership was removed.
        if (status === 'unauthorized') void queryClient.invalidateQueries({ queryKey: queryKeys.session });
      },
    });
    return () => {
      disposed = true;
      lastSeen.set(workspaceId, client.lastSeq);
      client.close();
    };
  }, [workspaceId, userId, queryClient]);

  return state;
}
