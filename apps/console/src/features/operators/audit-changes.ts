/** One value an audit entry records as changed, created or deleted. */
export interface ChangeLine {
  /** Where it sits: `role`, `businessHours.timezone`, `prechat.enabled`. */
  path: string[];
  /** Undefined on a creation; otherwise the value before. */
  before: unknown;
  /** Undefined on a deletion; otherwise the value after. */
  after: unknown;
}

/** Keys that identify or time the record rather than describe it; the export keeps them. */
const technical = new Set(['id', 'workspaceId', 'createdAt', 'updatedAt', 'sessionId', 'queued', 'open']);
/** Nested deeper than this, a value is shown as a whole. */
const maxDepth = 3;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The values an entry's `before` and `after` differ by, nested objects walked down to their
 * fields; lists are compared whole. On an update (both sides recorded) a field missing from
 * `after` was not part of the change; on a creation or a deletion every field of the one side is
 * listed.
 */
export function changeLines(before: unknown, after: unknown): ChangeLine[] {
  const lines: ChangeLine[] = [];
  const update = before != null && after != null;
  const walk = (b: unknown, a: unknown, path: string[]) => {
    if (same(b, a)) return;
    // A creation or a deletion lists the one side's fields; an update walks what both sides hold.
    const nested = update ? isRecord(b) && isRecord(a) : isRecord(b) || isRecord(a);
    if (!nested || path.length >= maxDepth) {
      lines.push({ path, before: b, after: a });
      return;
    }
    const from = isRecord(b) ? b : {};
    const to = isRecord(a) ? a : {};
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
    for (const key of keys) {
      if (technical.has(key)) continue;
      if (update && path.length === 0 && !(key in to)) continue;
      walk(from[key], to[key], [...path, key]);
    }
  };
  walk(before ?? undefined, after ?? undefined, []);
  return lines;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export const looksLikeId = (value: string) => uuid.test(value);
export const looksLikeDateTime = (value: string) =>
  isoDateTime.test(value) && !Number.isNaN(Date.parse(value));
