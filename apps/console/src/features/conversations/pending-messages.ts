import type { Attachment } from '@parley/contracts';
import { useSyncExternalStore } from 'react';

/** An operator message on its way to the server, or one that failed and waits for a retry. */
export interface PendingMessage {
  clientId: string;
  workspaceId: string;
  conversationId: string;
  text: string;
  private: boolean;
  /** A supervisor's whisper to the assigned operator (OI-4). */
  whisper?: boolean;
  attachments: Attachment[];
  createdAt: string;
  status: 'sending' | 'failed';
  error?: string;
  /** Failed for a reason that may pass (no answer, server down or busy): worth sending again. */
  transient?: boolean;
  /** Already sent again by itself once, when the realtime connection came back. */
  resent?: boolean;
}

const byConversation = new Map<string, PendingMessage[]>();
const listeners = new Set<() => void>();
const none: PendingMessage[] = [];

function write(conversationId: string, update: (list: PendingMessage[]) => PendingMessage[]): void {
  const next = update(byConversation.get(conversationId) ?? none);
  if (next.length === 0) byConversation.delete(conversationId);
  else byConversation.set(conversationId, next);
  for (const listener of listeners) listener();
}

export const pendingStore = {
  add: (message: PendingMessage) => write(message.conversationId, (list) => [...list, message]),
  update: (
    message: PendingMessage,
    patch: Partial<Pick<PendingMessage, 'status' | 'error' | 'transient' | 'resent'>>,
  ) =>
    write(message.conversationId, (list) =>
      list.map((m) => (m.clientId === message.clientId ? { ...m, ...patch } : m)),
    ),
  remove: (message: PendingMessage) =>
    write(message.conversationId, (list) => list.filter((m) => m.clientId !== message.clientId)),
  /** Every message of a workspace that failed and is still waiting. */
  failed: (workspaceId: string): PendingMessage[] =>
    [...byConversation.values()].flat().filter((m) => m.workspaceId === workspaceId && m.status === 'failed'),
};

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Pending sends survive switching conversations: they live outside the components. */
export function usePendingMessages(conversationId: string): PendingMessage[] {
  return useSyncExternalStore(subscribe, () => byConversation.get(conversationId) ?? none);
}

/** 22 URL-safe characters from the CSPRNG; works on plain http too, unlike crypto.randomUUID. */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
