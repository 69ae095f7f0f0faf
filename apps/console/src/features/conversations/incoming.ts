import type { Conversation } from '@parley/contracts';
import { useCallback, useSyncExternalStore } from 'react';

/**
 * Conversations that arrived during this session and nobody has taken yet: they get a tab beside
 * mine until someone is assigned, or they are closed. Kept per workspace: switching workspaces must
 * not carry the previous one's tabs along.
 */
const incoming = new Map<string, Map<string, Conversation>>();
const snapshots = new Map<string, Conversation[]>();
const none: Conversation[] = [];
const listeners = new Set<() => void>();

function changed(workspaceId: string): void {
  const current = incoming.get(workspaceId);
  if (current && current.size > 0) snapshots.set(workspaceId, [...current.values()]);
  else {
    incoming.delete(workspaceId);
    snapshots.delete(workspaceId);
  }
  for (const listener of listeners) listener();
}

export function addIncoming(workspaceId: string, c: Conversation): void {
  if (c.status !== 'open' || c.assigneeId !== null) return;
  const current = incoming.get(workspaceId) ?? new Map<string, Conversation>();
  incoming.set(workspaceId, current);
  current.set(c.id, c);
  changed(workspaceId);
}

/** Follows a conversation's latest state from any event that carries it. */
export function updateIncoming(workspaceId: string, c: Conversation): void {
  const current = incoming.get(workspaceId);
  if (!current?.has(c.id)) return;
  if (c.status !== 'open' || c.assigneeId !== null) current.delete(c.id);
  else current.set(c.id, c);
  changed(workspaceId);
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function useIncoming(workspaceId: string): Conversation[] {
  const snapshot = useCallback(() => snapshots.get(workspaceId) ?? none, [workspaceId]);
  return useSyncExternalStore(subscribe, snapshot);
}
