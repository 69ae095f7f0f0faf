/**
 * postMessage protocol between the loader (host page) and the panel iframe.
 * Every message carries `source: 'parley'` so unrelated messages on the page are ignored.
 */

/** What the host page knows of the current page (the iframe cannot see it). */
export interface PageInfo {
  url: string;
  title: string;
  referrer: string;
}

/** `Parley.identify(...)`: links the visitor to a known user, verified server-side by the HMAC `hash`. */
export interface IdentifyInput {
  id: string;
  name?: string;
  email?: string;
  hash: string;
}

export type AttributeValue = string | number | boolean | null;
export type Attributes = Record<string, AttributeValue>;

/** Panel → loader. `unread`: operator messages the visitor has not seen (shown on the bubble). */
export type FrameToHost =
  | { source: 'parley'; type: 'ready' }
  | { source: 'parley'; type: 'close' }
  | { source: 'parley'; type: 'unread'; count: number };

/** Loader → panel. */
export type HostToFrame =
  | { source: 'parley'; type: 'open' }
  | { source: 'parley'; type: 'close' }
  | { source: 'parley'; type: 'identify'; user: IdentifyInput }
  | { source: 'parley'; type: 'attributes'; attributes: Attributes }
  | { source: 'parley'; type: 'page'; page: PageInfo };

export type ParleyMessageType = FrameToHost['type'] | HostToFrame['type'];

/** Narrows an unknown `MessageEvent.data` to a Parley message of the given types (payloads are checked by the receiver). */
export function isParleyMessage<T extends { type: string }>(
  data: unknown,
  types: ReadonlyArray<T['type']>,
): data is T & { source: 'parley' } {
  if (typeof data !== 'object' || data === null) return false;
  const record = data as Record<string, unknown>;
  return record.source === 'parley' && typeof record.type === 'string' && types.includes(record.type);
}
