import type { DomainEvent, TypingSignal } from '@parley/contracts';
import {
  createRealtimeClient,
  type RealtimeClient,
  type RealtimeStatus,
} from '@parley/contracts/realtime-client';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { queryKeys } from '../../api/query-keys.ts';
import { adminRefresher } from '../admin-conversations/realtime.ts';
import { applyComposeEvent } from '../compose/compose-api.ts';
import { alertFor } from '../conversations/alerts.ts';
import { applyConversationEvent } from '../conversations/realtime-cache.ts';
import { resendAfterReconnect } from '../conversations/use-send-message.ts';
import { applyInboxEvent } from '../inbox/inbox-events.ts';
import { applyRoutingEvent } from '../routing/routing-events.ts';
import type { RealtimeApi, SignalListener } from './realtime-context.tsx';

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

/** A stable handle for screens: it follows whichever client the current effect created. */
function createBridge() {
  let client: RealtimeClient | null = null;
  const listeners = new Set<SignalListener>();
  const api: RealtimeApi = {
    send: (message) => client?.send(message) ?? false,
    onSignal: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    api,
    attach: (next: RealtimeClient | null) => {
      client = next;
    },
    signal: (signal: TypingSignal) => {
      for (const listener of listeners) listener(signal);
    },
  };
}

export interface RealtimeState {
  status: RealtimeStatus;
  /** Whether the connection was live at least once, to tell "connecting" from "reconnecting". */
  wasLive: boolean;
}

/** Events that move a monitoring figure or list (MON-7). */
const monitoringEvents = new Set([
  'conversation.created',
  'conversation.updated',
  'message.created',
  'operator.status_changed',
  'queue.updated',
  'member.updated',
  'team.updated',
]);

/**
 * The monitoring page follows the event stream: a burst of events refreshes it once a second at
 * most, and only when the page is open (stale queries that nobody watches are not fetched).
 */
function monitoringRefresher(client: QueryClient, workspaceId: string) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    onEvent(event: DomainEvent) {
      if (timer || !monitoringEvents.has(event.name)) return;
      timer = setTimeout(() => {
        timer = null;
        void client.invalidateQueries({ queryKey: queryKeys.monitoring(workspaceId) });
      }, 1000);
    },
    stop() {
      if (timer) clearTimeout(timer);
    },
  };
}

/** One live connection per open workspace, resuming from the last event seen after a drop. */
export function useRealtime(workspaceId: string, userId: string): { state: RealtimeState; api: RealtimeApi } {
  const queryClient = useQueryClient();
  const [state, setState] = useState<RealtimeState>({ status: 'connecting', wasLive: false });
  const [bridge] = useState(createBridge);

  useEffect(() => {
    let disposed = false;
    let live = false;
    let caughtUp = (lastSeen.get(workspaceId) ?? 0) > 0;
    setState({ status: 'connecting', wasLive: false });
    const monitoring = monitoringRefresher(queryClient, workspaceId);
    const admin = adminRefresher(queryClient, workspaceId);
    const client = createRealtimeClient({
      url: (after) => realtimeUrl(workspaceId, after),
      after: lastSeen.get(workspaceId) ?? 0,
      onEvent: (event) => {
        invalidateFor(queryClient, workspaceId, userId, event);
        monitoring.onEvent(event);
        admin.onEvent(event);
        applyConversationEvent(queryClient, workspaceId, userId, event);
        applyRoutingEvent(queryClient, workspaceId, userId, event);
        applyComposeEvent(queryClient, workspaceId, event);
        alertFor(workspaceId, userId, event, live);
        applyInboxEvent(queryClient, workspaceId, live, event);
      },
      onSignal: bridge.signal,
      // Too long away: the server streams from now, so the screens are loaded again once live.
      onResync: () => {
        caughtUp = false;
      },
      onStatus: (status) => {
        if (disposed) return;
        // A fresh stream starts at "now": what changed between loading the screens and `ready` is
        // loaded again once. Resumed streams replay it instead.
        if (status === 'live' && !caughtUp) {
          caughtUp = true;
          void queryClient.invalidateQueries({ queryKey: queryKeys.conversations(workspaceId) });
          // Statuses (incl. mine, now that a console is open) and the queue are live state too.
          void queryClient.invalidateQueries({ queryKey: queryKeys.members(workspaceId) });
          void queryClient.invalidateQueries({ queryKey: queryKeys.queue(workspaceId) });
          void queryClient.invalidateQueries({ queryKey: queryKeys.monitoring(workspaceId) });
        }
        live = status === 'live';
        if (live) resendAfterReconnect(queryClient, workspaceId);
        setState((current) => ({ status, wasLive: current.wasLive || status === 'live' }));
        // Refused by the server: the session ended or the membership was removed.
        if (status === 'unauthorized') void queryClient.invalidateQueries({ queryKey: queryKeys.session });
      },
    });
    bridge.attach(client);
    return () => {
      disposed = true;
      monitoring.stop();
      admin.stop();
      bridge.attach(null);
      lastSeen.set(workspaceId, client.lastSeq);
      client.close();
    };
  }, [workspaceId, userId, queryClient, bridge]);

  return { state, api: bridge.api };
}
