import { useCallback, useEffect, useRef, useState } from 'react';
import { useRealtimeApi } from '../workspace/realtime-context.tsx';

const resendMs = 2000;
const idleMs = 3000;
const fallbackMs = 6000;

/** Tells the customer the operator is typing: true at most every 2 s, false after 3 s idle or on send. */
export function useTypingSender(conversationId: string) {
  const realtime = useRealtimeApi();
  const state = useRef<{ typing: boolean; lastSent: number; idle?: ReturnType<typeof setTimeout> }>({
    typing: false,
    lastSent: 0,
  });

  const stop = useCallback(() => {
    const s = state.current;
    clearTimeout(s.idle);
    if (!s.typing) return;
    s.typing = false;
    s.lastSent = 0;
    realtime.send({ type: 'typing', conversationId, typing: false });
  }, [realtime, conversationId]);

  const typed = useCallback(() => {
    const s = state.current;
    const now = Date.now();
    if (now - s.lastSent >= resendMs && realtime.send({ type: 'typing', conversationId, typing: true })) {
      s.typing = true;
      s.lastSent = now;
    }
    clearTimeout(s.idle);
    s.idle = setTimeout(stop, idleMs);
  }, [realtime, conversationId, stop]);

  // Leaving the conversation ends the indicator on the other side.
  useEffect(() => stop, [stop]);

  return { typed, stop };
}

/**
 * Whether the customer is typing in this conversation. A customer message ends it (`lastContactMessage`
 * changes); a lost "stopped typing" signal is covered by a 6 s fallback.
 */
export function useContactTyping(conversationId: string, lastContactMessage: string | undefined): boolean {
  const realtime = useRealtimeApi();
  const [typing, setTyping] = useState(false);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = realtime.onSignal((signal) => {
      if (signal.conversationId !== conversationId || signal.who !== 'contact') return;
      clearTimeout(timer);
      setTyping(signal.typing);
      if (signal.typing) timer = setTimeout(() => setTyping(false), fallbackMs);
    });
    return () => {
      off();
      clearTimeout(timer);
      setTyping(false);
    };
  }, [realtime, conversationId]);

  const [seen, setSeen] = useState(lastContactMessage);
  if (seen !== lastContactMessage) {
    setSeen(lastContactMessage);
    setTyping(false);
  }

  return typing;
}
