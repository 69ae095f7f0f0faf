import { type FrameToHost, type HostToFrame, isParleyMessage } from '../protocol.ts';

/** True when the panel runs inside the loader's iframe (false when frame.html is opened directly). */
export const embedded = window.parent !== window;

/**
 * Sends a message to the loader on the host page. The host page's origin is not known here;
 * these messages carry nothing private (ready, close, an unread count), so any origin may receive
 * them. Messages that carry private data must be sent to a known origin.
 */
export function postToHost(message: FrameToHost): void {
  if (embedded) window.parent.postMessage(message, '*');
}

const HOST_TYPES: ReadonlyArray<HostToFrame['type']> = ['open', 'close', 'identify', 'attributes', 'page'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isString = (value: unknown): value is string => typeof value === 'string';

/** The payload has the shape its type promises (the host page's script may pass anything). */
function wellFormed(message: HostToFrame): boolean {
  switch (message.type) {
    case 'identify': {
      const { user } = message;
      return isRecord(user) && isString(user.id) && isString(user.hash);
    }
    case 'attributes':
      return isRecord(message.attributes);
    case 'page': {
      const { page } = message;
      return isRecord(page) && isString(page.url) && isString(page.title) && isString(page.referrer);
    }
    default:
      return true;
  }
}

/** Subscribes to the loader's messages; returns the unsubscribe function. */
export function onHostMessage(listener: (message: HostToFrame) => void): () => void {
  const handler = (event: MessageEvent<unknown>): void => {
    if (event.source !== window.parent || !embedded) return;
    if (isParleyMessage<HostToFrame>(event.data, HOST_TYPES) && wellFormed(event.data)) listener(event.data);
  };
  window.addEventListener('message', handler);
  return () => window.removeEventListener('message', handler);
}
