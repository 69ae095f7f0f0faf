import type { AdminSort } from '@parley/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { AppError } from '../../platform/errors.ts';

/**
 * The sort key of each column of the administrator's list (alias `c` = conversations, `ct` = contacts,
 * `u` = the assignee, `t` = the team). Keys are never null — a missing time sorts as "1000 years",
 * after every real one — so the keyset `(key, id) > (cursor key, cursor id)` is one row comparison the
 * indexes of migration 0009 walk. Keep these expressions and those indexes identical.
 */
interface SortSpec {
  key: SQL;
  /** How a key travels in the cursor and is read back. */
  kind: 'timestamptz' | 'interval' | 'int' | 'text';
  /** The column shows the opposite of its key (inactivity ascending = last activity descending). */
  inverted?: boolean;
}

const never = sql`interval '1000 years'`;
/** Assignment → first reply; 0 for a reply before the assignment (picked by answering, SPEC §3). */
export const fromAssignment = sql`(CASE WHEN c.first_operator_reply_at < c.first_assigned_at THEN interval '0' ELSE c.first_operator_reply_at - c.first_assigned_at END)`;
export const sortSpecs: Record<AdminSort, SortSpec> = {
  created: { key: sql`c.created_at`, kind: 'timestamptz' },
  inactivity: { key: sql`c.last_activity_at`, kind: 'timestamptz', inverted: true },
  duration: { key: sql`coalesce(c.closed_at - c.created_at, ${never})`, kind: 'interval' },
  rating: { key: sql`coalesce(c.rating, 0)`, kind: 'int' },
  status: {
    key: sql`(CASE WHEN c.status = 'closed' THEN 2 WHEN c.assignee_id IS NULL THEN 0 ELSE 1 END)`,
    kind: 'int',
  },
  responseFromCreation: {
    key: sql`coalesce(c.first_operator_reply_at - c.created_at, ${never})`,
    kind: 'interval',
  },
  responseFromAssignment: {
    key: sql`coalesce(${fromAssignment}, ${never})`,
    kind: 'interval',
  },
  firstAuthor: { key: sql`coalesce(c.first_author, '')`, kind: 'text' },
  customer: { key: sql`lower(coalesce(ct.name, ct.phone, ct.email, ct.external_id, ''))`, kind: 'text' },
  operator: { key: sql`lower(coalesce(u.name, ''))`, kind: 'text' },
  team: { key: sql`lower(coalesce(t.name, ''))`, kind: 'text' },
};

const cast: Record<SortSpec['kind'], SQL> = {
  timestamptz: sql`timestamptz`,
  interval: sql`interval`,
  int: sql`int`,
  text: sql`text`,
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const valid: Record<SortSpec['kind'], (v: string) => boolean> = {
  timestamptz: (v) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}/.test(v),
  interval: (v) => /^[-0-9a-z :.]{1,60}$/.test(v),
  int: (v) => /^-?\d{1,9}$/.test(v),
  text: (v) => v.length <= 300,
};

/** The cursor is the last row's key (as the database printed it) and id, opaque to clients. */
export function makeCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

export function parseCursor(cursor: string, sort: AdminSort): { key: string; id: string } {
  const bad = () => new AppError('validation_failed', 'cursor: not a cursor of this list and sort', 'cursor');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw bad();
  const [key, id] = parsed as unknown[];
  if (typeof key !== 'string' || typeof id !== 'string' || !uuidPattern.test(id)) throw bad();
  if (!valid[sortSpecs[sort].kind](key)) throw bad();
  return { key, id };
}

/** ORDER BY and the keyset condition after `cursor` for a column and direction. */
export function orderOf(sort: AdminSort, dir: 'asc' | 'desc', cursor?: { key: string; id: string }) {
  const spec = sortSpecs[sort];
  const descending = (dir === 'desc') !== Boolean(spec.inverted);
  const order = descending ? sql`${spec.key} DESC, c.id DESC` : sql`${spec.key} ASC, c.id ASC`;
  const after = cursor
    ? descending
      ? sql`(${spec.key}, c.id) < (${cursor.key}::${cast[spec.kind]}, ${cursor.id}::uuid)`
      : sql`(${spec.key}, c.id) > (${cursor.key}::${cast[spec.kind]}, ${cursor.id}::uuid)`
    : undefined;
  return { key: spec.key, order, after };
}
