import { type FrameToHost, type HostToFrame, isParleyMessage } from '../protocol.ts';

/** True when the panel runs inside the loader's iframe (false when frame.html is opened directly). */
export const embedded = window.parent !== window;

/**
 * Sends a message to the loader on the host page. The host page's origin is not known here;
 * these messages carry no data, so any origin may receive them. Messages that carry data
 * must be sent to a known origin.
 */
export function postToHost(message: FrameToHost): void {
  if (embedded) window.parent.postMessage(message, '*');
}

/** Subscribes to the loader's messages; returns the unsubscribe function. */
export function onHostMessage(listener: (message: HostToFrame) => void): () => void {
  const handler = (event: MessageEvent<unknown>): void => {
    if (event.source !== window.parent || !embedded) return;
    if (isParleyMessage<HostToFrame>(event.data, ['open', 'close'])) listener(event.data);
  };
  window.addEventListener('message', handler);
  return () => window.removeEventListener('message', handler);
}
