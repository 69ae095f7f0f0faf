/**
 * Browser storage that never throws: third-party iframes may have storage blocked (Safari,
 * strict privacy settings); the widget then still works for the lifetime of the page.
 */
const memory = new Map<string, string>();

function area(kind: 'local' | 'session'): Storage | null {
  try {
    return kind === 'local' ? window.localStorage : window.sessionStorage;
  } catch {
    return null;
  }
}

export function readItem(key: string, kind: 'local' | 'session' = 'local'): string | null {
  try {
    return area(kind)?.getItem(key) ?? memory.get(`${kind}:${key}`) ?? null;
  } catch {
    return memory.get(`${kind}:${key}`) ?? null;
  }
}

export function writeItem(key: string, value: string | null, kind: 'local' | 'session' = 'local'): void {
  const memoryKey = `${kind}:${key}`;
  if (value === null) memory.delete(memoryKey);
  else memory.set(memoryKey, value);
  try {
    if (value === null) area(kind)?.removeItem(key);
    else area(kind)?.setItem(key, value);
  } catch {
    // Quota exceeded or blocked: the in-memory copy keeps the page working.
  }
}

export function readJson<T>(key: string, kind: 'local' | 'session' = 'local'): T | null {
  const raw = readItem(key, kind);
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

export function writeJson(key: string, value: unknown, kind: 'local' | 'session' = 'local'): void {
  writeItem(key, value === null ? null : JSON.stringify(value), kind);
}

/** The storage keys of one widget installation (workspace) and visitor. */
export const keys = {
  visitorId: (workspace: string) => `parley.visitorId.${workspace}`,
  outbox: (workspace: string, visitorId: string) => `parley.outbox.${workspace}.${visitorId}`,
  lastSeq: (workspace: string, visitorId: string) => `parley.seq.${workspace}.${visitorId}`,
};

/** A random id of 32 hex characters (crypto.randomUUID needs a secure context; this does not). */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
