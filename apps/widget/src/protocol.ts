/**
 * postMessage protocol between the loader (host page) and the panel iframe.
 * Every message carries `source: 'parley'` so unrelated messages on the page are ignored.
 */

/** Panel → loader. */
export type FrameToHost = { source: 'parley'; type: 'ready' } | { source: 'parley'; type: 'close' };

/** Loader → panel. */
export type HostToFrame = { source: 'parley'; type: 'open' } | { source: 'parley'; type: 'close' };

export type ParleyMessageType = FrameToHost['type'] | HostToFrame['type'];

/** Narrows an unknown `MessageEvent.data` to a Parley message of the given types. */
export function isParleyMessage<T extends { type: string }>(
  data: unknown,
  types: ReadonlyArray<T['type']>,
): data is T & { source: 'parley' } {
  if (typeof data !== 'object' || data === null) return false;
  const record = data as Record<string, unknown>;
  return record.source === 'parley' && typeof record.type === 'string' && types.includes(record.type);
}
