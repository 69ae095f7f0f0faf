import type { Conversation } from '@parley/contracts';
import { useSyncExternalStore } from 'react';

/**
 * Conversations that arrived during this session and nobody has taken yet: they get a tab beside
 * mine until someone is assigned, or they are closed.
 */
const incoming = new Map<string, Conversation>();
let snapshot: Conversation[] = [];
const listeners = new Set<() => void>();

function changed(): void {
  snapshot = [...incoming.values()];
  for (const listener of listeners) listener();
}

export function addIncoming(c: Conversation): void {
  if (c.status !== 'open' || c.assigneeId !== null) return;
  incoming.set(c.id, c);
  changed();
}

/** Follows a conversation's latest state from any event that carries it. */
export function updateIncoming(c: Conversation): void {
  if (!incoming.has(c.id)) return;
  if (c.status !== 'open' || c.assigneeId !== null) incoming.delete(c.id);
  else incoming.set(c.id, c);
  changed();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function useIncoming(): Conversation[] {
  return useSyncExternalStore(subscribe, () => snapshot);
}
