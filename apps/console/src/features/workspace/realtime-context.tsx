import type { ClientMessage, TypingSignal } from '@parley/contracts';
import { createContext, useContext } from 'react';

export type SignalListener = (signal: TypingSignal) => void;

/** What screens may do with the workspace's live connection besides receiving events. */
export interface RealtimeApi {
  /** Returns false when the socket is not open; ephemeral messages (typing) are then simply dropped. */
  send(message: ClientMessage): boolean;
  /** Ephemeral signals such as typing indicators; returns the unsubscribe function. */
  onSignal(listener: SignalListener): () => void;
}

const disconnected: RealtimeApi = { send: () => false, onSignal: () => () => undefined };

export const RealtimeContext = createContext<RealtimeApi>(disconnected);

export function useRealtimeApi(): RealtimeApi {
  return useContext(RealtimeContext);
}
