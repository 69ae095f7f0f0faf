import { type AdminSort, text } from '@parley/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { AppError } from '../../platform/errors.ts';

/**
 * The sort key of each column of the administrator's list (alias `c` = conversations, `ct` = contacts,
 * `u` = the assignee, `t` = the team). Keys are never null — a missing time sorts as "1000 years",
 * after every real one — so the keyset `(key, id) > (cursor key, cursor id)` is one row comparison the
 * indexes of migration 0011 walk (inactivity: conversation_activity_idx, alias `a`, once per status).
 * Keep these expressions and those indexes identical.
 */
interface SortSpec {
  key: SQL;
  /** How a key travels in the cursor and is read back. */
  kind: 'timestamptz' | 'interval' | 'int' | 'text';
  /** The column shows the opposite of its key (inactivity ascending = last activity descending). */
  inverted?: boolean;
  /** The id that breaks ties, from the key's index (`c.id` unless given). */
  id?: SQL;
}

const never = sql`interval '1000 years'`;
/** Assignment → first reply; 0 for a reply before the assignment (picked by answering, SPEC §3). */
export const fromAssignment = sql`(CASE WHEN c.first_operator_reply_at < c.first_assigned_at THEN interval '0' ELSE c.first_operator_reply_at - c.first_assigned_at END)`;
export const sortSpecs: Record<AdminSort, SortSpec> = {
  created: { key: sql`c.created_at`, kind: 'timestamptz' },
  inactivity: {
    key: sql`a.last_activity_at`,
    id: sql`a.conversation_id`,
    kind: 'timestamptz',
    inverted: true,
  },
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
/** As PostgreSQL prints a timestamptz: a real date and time of the years Parley stores. */
const printedInstant =
  /^(\d{4})-(\d{2})-(\d{2})[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]\d{2}(:\d{2}){0,2})?$/;
/** As PostgreSQL prints the differences of two timestamps (and `never`): days and a time, or years. */
const printedInterval = /^(-?\d{1,6} (years?|mons?|days?)( |$))*(-?\d{1,9}:[0-5]\d:[0-5]\d(\.\d{1,6})?)?$/;
/** Well-formed text without control characters (the contract's one rule for text). */
const printedText = text({ max: 300, trim: false });
/**
 * A cursor's key must be one the database printed for that sort, so that casting it back can never
 * fail there (a February 30, an interval out of range, a NUL): a client's own value is a 400.
 */
const valid: Record<SortSpec['kind'], (v: string) => boolean> = {
  timestamptz: (v) => {
    const m = printedInstant.exec(v);
    if (!m) return false;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    return year >= 1970 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  },
  interval: (v) => v.length > 0 && v.length <= 60 && printedInterval.test(v),
  int: (v) => /^-?\d{1,9}$/.test(v),
  text: (v) => printedText.safeParse(v).success,
};

/**
 * The sorts by customer, operator and team walk groups instead of rows (a page reads ~25 rows, not the
 * table): the groups in name order — the workspace's contacts through `contacts_admin_name_idx`, the
 * distinct assignees of its conversations, its teams — each followed by its conversations in creation
 * order through an index that leads with the group. The order is (name key, group id, created, id):
 * rows of one name are ordered by group, then by creation, then by id. Conversations without an
 * operator or a team form the group `noGroup`, whose name key is ''.
 */
export const groupSorts = ['customer', 'operator', 'team'] as const;
export type GroupSort = (typeof groupSorts)[number];
export const isGroupSort = (sort: AdminSort): sort is GroupSort =>
  (groupSorts as readonly string[]).includes(sort);
export const noGroup = '00000000-0000-0000-0000-000000000000';

/** Where the last row of a page was: its key and id, and for group sorts its group and creation. */
export interface AdminCursor {
  key: string;
  id: string;
  group?: string;
  at?: string;
}

/** The cursor is the last row's key (as the database printed it) and id, opaque to clients. */
export function makeCursor(key: string, id: string, group?: string, at?: string): string {
  return Buffer.from(JSON.stringify(group === undefined ? [key, id] : [key, id, group, at])).toString(
    'base64url',
  );
}

export function parseCursor(cursor: string, sort: AdminSort): AdminCursor {
  const bad = () => new AppError('validation_failed', 'cursor: not a cursor of this list and sort', 'cursor');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const grouped = isGroupSort(sort);
  if (!Array.isArray(parsed) || parsed.length !== (grouped ? 4 : 2)) throw bad();
  const [key, id, group, at] = parsed as unknown[];
  if (typeof key !== 'string' || typeof id !== 'string' || !uuidPattern.test(id)) throw bad();
  if (!valid[sortSpecs[sort].kind](key)) throw bad();
  if (!grouped) return { key, id };
  if (typeof group !== 'string' || !uuidPattern.test(group)) throw bad();
  if (typeof at !== 'string' || !valid.timestamptz(at)) throw bad();
  return { key, id, group, at };
}

/** The group of a row in a group sort (a missing operator or team is `noGroup`). */
export const groupOf: Record<GroupSort, SQL> = {
  customer: sql`c.contact_id`,
  operator: sql`coalesce(c.assignee_id, ${noGroup}::uuid)`,
  team: sql`coalesce(c.team_id, ${noGroup}::uuid)`,
};

/**
 * ORDER BY and the keyset condition after `cursor` for a column and direction, as one sort over the
 * filtered rows (group sorts walk their groups instead, `queries.ts` groupPageSql, except under a search).
 */
export function orderOf(sort: AdminSort, dir: 'asc' | 'desc', cursor?: AdminCursor) {
  const spec = sortSpecs[sort];
  const descending = (dir === 'desc') !== Boolean(spec.inverted);
  const d = sql.raw(descending ? 'DESC' : 'ASC');
  const cmp = sql.raw(descending ? '<' : '>');
  if (isGroupSort(sort)) {
    const group = groupOf[sort];
    return {
      key: spec.key,
      descending,
      extra: sql`, (${group})::text AS sort_group, c.created_at::text AS sort_at`,
      order: sql`${spec.key} ${d}, ${group} ${d}, c.created_at ${d}, c.id ${d}`,
      after: cursor
        ? sql`(${spec.key}, ${group}, c.created_at, c.id) ${cmp} (${cursor.key}::text, ${cursor.group}::uuid, ${cursor.at}::timestamptz, ${cursor.id}::uuid)`
        : undefined,
    };
  }
  const id = spec.id ?? sql`c.id`;
  return {
    key: spec.key,
    descending,
    extra: sql``,
    order: sql`${spec.key} ${d}, ${id} ${d}`,
    after: cursor
      ? sql`(${spec.key}, ${id}) ${cmp} (${cursor.key}::${cast[spec.kind]}, ${cursor.id}::uuid)`
      : undefined,
  };
}
