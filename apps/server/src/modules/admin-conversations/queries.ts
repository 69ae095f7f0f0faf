import type { AdminFilters, AdminListQuery, AdminPage, AdminRow, AdminSort, Tag } from '@parley/contracts';
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { contactsMatching } from '../contacts/search.ts';
import { visibleConversationsSql } from '../conversations/policy.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import {
  type AdminCursor,
  fromAssignment,
  type GroupSort,
  isGroupSort,
  makeCursor,
  noGroup,
  orderOf,
  parseCursor,
} from './sorts.ts';

/** Counting stops here: past it the list says "10,000+" and the count stays a bounded index read. */
export const COUNT_CAP = 10_000;

const uuidList = (ids: readonly string[]) =>
  sql`ARRAY[${sql.join(
    ids.map((i) => sql`${i}`),
    sql`, `,
  )}]::uuid[]`;
const textList = (values: readonly string[]) =>
  sql`ARRAY[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

/**
 * The WHERE of the list and its export (on `conversations c` alone, so the count and the group walks
 * need no join): the workspace, what the actor may see (SPEC §1: without
 * `conversations.view_all`, their own and the unassigned queue — `conversations/policy.ts`), then the
 * filters (ADM-3).
 */
export function adminWhere(actor: OperatorPrincipal, f: AdminFilters, now: Date = new Date()): SQL {
  const parts: SQL[] = [sql`c.workspace_id = ${actor.workspaceId}`];
  const visible = visibleConversationsSql(actor);
  if (visible) parts.push(visible);
  if (f.from) parts.push(sql`c.created_at >= ${new Date(f.from).toISOString()}::timestamptz`);
  if (f.to) parts.push(sql`c.created_at < ${new Date(f.to).toISOString()}::timestamptz`);
  if (f.country) {
    parts.push(sql`c.contact_id IN (SELECT ct3.id FROM contacts ct3 WHERE ct3.workspace_id = ${actor.workspaceId}
      AND ct3.country = ${f.country})`);
  }
  if (f.waitingMinutes) {
    const since = new Date(now.getTime() - f.waitingMinutes * 60_000).toISOString();
    parts.push(sql`c.status IN ('open', 'snoozed') AND c.burst_started_at < ${since}::timestamptz`);
  }
  if (f.status?.length) {
    const ors = f.status.map((s) =>
      s === 'closed'
        ? sql`c.status = 'closed'`
        : s === 'open'
          ? sql`(c.status IN ('open', 'snoozed') AND c.assignee_id IS NULL)`
          : sql`(c.status IN ('open', 'snoozed') AND c.assignee_id IS NOT NULL)`,
    );
    parts.push(sql`(${sql.join(ors, sql` OR `)})`);
  }
  if (f.teamId?.length) parts.push(sql`c.team_id = ANY(${uuidList(f.teamId)})`);
  if (f.operatorId?.length) parts.push(sql`c.assignee_id = ANY(${uuidList(f.operatorId)})`);
  if (f.channel?.length) parts.push(sql`c.channel = ANY(${textList(f.channel)})`);
  if (f.rating?.length) {
    // On the rating sort's key (0 = no rating): conversations_admin_rating_idx serves it.
    const stars = f.rating.map((r) => (r === 'none' ? 0 : Number(r)));
    parts.push(
      sql`coalesce(c.rating, 0) = ANY(ARRAY[${sql.join(
        stars.map((s) => sql`${s}`),
        sql`, `,
      )}]::int[])`,
    );
  }
  if (f.tagId?.length) {
    parts.push(
      sql`c.id IN (SELECT x.conversation_id FROM conversation_tags x WHERE x.tag_id = ANY(${uuidList(f.tagId)})
        AND x.workspace_id = ${actor.workspaceId})`,
    );
  }
  if (f.q) {
    // Through the trigram index on contacts, then each contact's conversations by contact id.
    parts.push(sql`c.contact_id IN ${contactsMatching(actor.workspaceId, f.q)}`);
  }
  return sql.join(parts, sql` AND `);
}

const from = sql`FROM conversations c
  JOIN contacts ct ON ct.id = c.contact_id
  LEFT JOIN users u ON u.id = c.assignee_id
  LEFT JOIN teams t ON t.id = c.team_id`;

interface RawRow extends Record<string, unknown> {
  id: string;
  number: number;
  channel: AdminRow['channel'];
  contact_id: string;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  contact_external_id: string | null;
  contact_country: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  team_id: string | null;
  team_name: string | null;
  created_at: string | Date;
  closed_at: string | Date | null;
  duration_ms: string | number | null;
  rating: number | null;
  status_rank: number;
  state: 'open' | 'snoozed' | 'closed';
  last_activity_at: string | Date;
  response_creation_ms: string | number | null;
  response_assignment_ms: string | number | null;
  first_author: 'contact' | 'operator' | null;
  burst_started_at: string | Date | null;
  sort_key: string;
  sort_group?: string;
  sort_at?: string;
}

const columns = sql`c.id, c.number, c.channel, ct.id AS contact_id, ct.name AS contact_name, ct.phone AS contact_phone,
  ct.email AS contact_email, ct.external_id AS contact_external_id, ct.country AS contact_country,
  c.assignee_id, u.name AS assignee_name, c.team_id, t.name AS team_name, c.created_at, c.closed_at,
  (extract(epoch FROM c.closed_at - c.created_at) * 1000)::bigint AS duration_ms, c.rating,
  (CASE WHEN c.status = 'closed' THEN 2 WHEN c.assignee_id IS NULL THEN 0 ELSE 1 END) AS status_rank,
  c.status AS state, c.last_activity_at,
  (extract(epoch FROM c.first_operator_reply_at - c.created_at) * 1000)::bigint AS response_creation_ms,
  (extract(epoch FROM ${fromAssignment}) * 1000)::bigint AS response_assignment_ms,
  c.first_author, c.burst_started_at`;

const iso = (v: string | Date) => new Date(v).toISOString();
const num = (v: string | number | null) => (v === null ? null : Number(v));
const statuses = ['open', 'in_progress', 'closed'] as const;

function present(r: RawRow, tags: Tag[]): AdminRow {
  return {
    id: r.id,
    number: Number(r.number),
    channel: r.channel,
    customer: {
      id: r.contact_id,
      name: r.contact_name,
      phone: r.contact_phone,
      email: r.contact_email,
      externalId: r.contact_external_id,
      country: r.contact_country,
    },
    operator: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name ?? '' } : null,
    team: r.team_id ? { id: r.team_id, name: r.team_name ?? '' } : null,
    createdAt: iso(r.created_at),
    closedAt: r.closed_at ? iso(r.closed_at) : null,
    durationMs: num(r.duration_ms),
    rating: r.rating === null ? null : Number(r.rating),
    status: statuses[Number(r.status_rank)]!,
    snoozed: r.state === 'snoozed',
    lastActivityAt: iso(r.last_activity_at),
    responseFromCreationMs: num(r.response_creation_ms),
    responseFromAssignmentMs: num(r.response_assignment_ms),
    firstAuthor: r.first_author,
    waitingSince: r.burst_started_at && Number(r.status_rank) !== 2 ? iso(r.burst_started_at) : null,
    tags,
  };
}

async function tagsOf(db: Queryable, ids: string[]): Promise<Map<string, Tag[]>> {
  const byConversation = new Map<string, Tag[]>();
  if (ids.length === 0) return byConversation;
  const result = await db.execute(sql`SELECT x.conversation_id, g.id, g.name, g.colour
    FROM conversation_tags x JOIN tags g ON g.id = x.tag_id
    WHERE x.conversation_id = ANY(${uuidList(ids)}) ORDER BY g.name`);
  for (const r of result.rows as { conversation_id: string; id: string; name: string; colour: string }[]) {
    const list = byConversation.get(r.conversation_id) ?? [];
    list.push({ id: r.id, name: r.name, colour: r.colour });
    byConversation.set(r.conversation_id, list);
  }
  return byConversation;
}

interface PageQuery {
  filters: AdminFilters;
  sort: AdminSort;
  dir: 'asc' | 'desc';
  limit: number;
  after?: AdminCursor;
}

/** One page of rows after `cursor` (the key printed by the database and the id of the last row). */
export async function adminPageRows(
  db: Queryable,
  actor: OperatorPrincipal,
  query: PageQuery,
  now: Date = new Date(),
): Promise<{ rows: AdminRow[]; last: AdminCursor | null; more: boolean }> {
  const where = adminWhere(actor, query.filters, now);
  let result: { rows: unknown[] };
  if (isGroupSort(query.sort) && !query.filters.q) {
    result = await db.execute(groupPageSql(actor, query.sort, query, where));
  } else if (query.sort === 'inactivity') {
    // Through the inbox's conversation_activity_idx (workspace_id, status, last_activity_at, id): one
    // ordered walk per stored status, merged (`conversations` has no index on a column every message
    // moves).
    const { key, order, after, descending } = orderOf(query.sort, query.dir, query.after);
    const walks = storedStatuses(query.filters).map(
      (status) => sql`(SELECT ${columns}, (${key})::text AS sort_key, ${key} AS sort_value ${from}
        JOIN conversation_activity a ON a.conversation_id = c.id
        WHERE a.workspace_id = ${actor.workspaceId} AND a.status = ${status} AND ${where}${after ? sql` AND ${after}` : sql``}
        ORDER BY ${order} LIMIT ${query.limit + 1})`,
    );
    const d = sql.raw(descending ? 'DESC' : 'ASC');
    result = walks.length
      ? await db.execute(sql`SELECT * FROM (${sql.join(walks, sql` UNION ALL `)}) s
          ORDER BY s.sort_value ${d}, s.id ${d} LIMIT ${query.limit + 1}`)
      : { rows: [] };
  } else {
    // Under a search the few matching rows are sorted whatever the column.
    const { key, extra, order, after } = orderOf(query.sort, query.dir, query.after);
    result = await db.execute(sql`SELECT ${columns}, (${key})::text AS sort_key${extra} ${from}
      WHERE ${where}${after ? sql` AND ${after}` : sql``}
      ORDER BY ${order} LIMIT ${query.limit + 1}`);
  }
  const raw = result.rows as RawRow[];
  const page = raw.slice(0, query.limit);
  const tags = await tagsOf(
    db,
    page.map((r) => r.id),
  );
  const lastRaw = page.at(-1);
  return {
    rows: page.map((r) => present(r, tags.get(r.id) ?? [])),
    last: lastRaw
      ? isGroupSort(query.sort)
        ? { key: lastRaw.sort_key, id: lastRaw.id, group: lastRaw.sort_group!, at: lastRaw.sort_at! }
        : { key: lastRaw.sort_key, id: lastRaw.id }
      : null,
    more: raw.length > query.limit,
  };
}

/** The values of `conversations.status` the filters leave (`adminWhere`: open and in progress are not closed). */
function storedStatuses(f: AdminFilters): ('open' | 'snoozed' | 'closed')[] {
  const closed = !f.waitingMinutes && (!f.status?.length || f.status.includes('closed'));
  const notClosed = !f.status?.length || f.status.some((s) => s !== 'closed');
  return [...(notClosed ? (['open', 'snoozed'] as const) : []), ...(closed ? (['closed'] as const) : [])];
}

/** The groups of a group sort, `(k, g)`: name key and group id (`sorts.ts` groupSorts). */
function groupsOf(workspaceId: string, sort: GroupSort): SQL {
  switch (sort) {
    case 'customer':
      // contacts_admin_name_idx: keep the expression identical to sortSpecs.customer.
      return sql`SELECT lower(coalesce(ct.name, ct.phone, ct.email, ct.external_id, '')) AS k, ct.id AS g
        FROM contacts ct WHERE ct.workspace_id = ${workspaceId}`;
    case 'operator':
      // The distinct assignees (CTE `assignees`: a skip scan of conversations_admin_operator_idx, one index
      // descent per operator), members or not any more.
      return sql`SELECT lower(coalesce(u.name, '')) AS k, a.g FROM assignees a LEFT JOIN users u ON u.id = a.g
        WHERE a.g IS NOT NULL UNION ALL SELECT '', ${noGroup}::uuid`;
    case 'team':
      return sql`SELECT lower(t.name) AS k, t.id AS g FROM teams t WHERE t.workspace_id = ${workspaceId}
        UNION ALL SELECT '', ${noGroup}::uuid`;
  }
}

/** Which conversations belong to group `gr.g`: one condition per index walk (a null group has its own). */
function membersOf(sort: GroupSort): SQL[] {
  const column = sql.raw(
    sort === 'customer' ? 'c.contact_id' : sort === 'operator' ? 'c.assignee_id' : 'c.team_id',
  );
  return sort === 'customer'
    ? [sql`${column} = gr.g`]
    : [sql`gr.g = ${noGroup}::uuid AND ${column} IS NULL`, sql`${column} = gr.g`];
}

/**
 * A page of a group sort: the groups from the cursor's on, in name order, each followed (LATERAL) by
 * its conversations in creation order after the cursor, until the page is full; then the page's rows
 * with their columns. Each group reads at most a page, through the index that leads with the group
 * (conversations_contact_idx, conversations_admin_operator_idx, conversations_admin_team_idx).
 */
function groupPageSql(actor: OperatorPrincipal, sort: GroupSort, query: PageQuery, where: SQL): SQL {
  const { workspaceId } = actor;
  const desc = query.dir === 'desc';
  const cmp = sql.raw(desc ? '<' : '>');
  const dir = sql.raw(desc ? 'DESC' : 'ASC');
  const n = query.limit + 1;
  const c = query.after;
  // Only the groups that can hold a row: a walk of a group the WHERE excludes would read all of it.
  const only: SQL[] = [];
  if (sort === 'operator' && !actor.permissions.has('conversations.view_all')) {
    only.push(sql`g IN (${noGroup}::uuid, ${actor.userId}::uuid)`);
  }
  if (sort === 'operator' && query.filters.operatorId?.length) {
    only.push(sql`g = ANY(${uuidList(query.filters.operatorId)})`);
  }
  if (sort === 'team' && query.filters.teamId?.length)
    only.push(sql`g = ANY(${uuidList(query.filters.teamId)})`);
  if (c) only.push(sql`(k, g) ${cmp}= (${c.key}::text, ${c.group}::uuid)`);
  const groupsFrom = only.length ? sql` WHERE ${sql.join(only, sql` AND `)}` : sql``;
  const sameGroup = c ? sql`gr.k = ${c.key}::text AND gr.g = ${c.group}::uuid` : sql``;
  const inGroup = c
    ? sql` AND (c.created_at, c.id) ${cmp} (CASE WHEN ${sameGroup} THEN ${c.at}::timestamptz ELSE ${desc ? 'infinity' : '-infinity'}::timestamptz END,
        CASE WHEN ${sameGroup} THEN ${c.id}::uuid ELSE ${desc ? 'ffffffff-ffff-ffff-ffff-ffffffffffff' : noGroup}::uuid END)`
    : sql``;
  const walks = membersOf(sort).map(
    (member) => sql`(SELECT c.id, c.created_at FROM conversations c
      WHERE ${member} AND ${where}${inGroup}
      ORDER BY c.created_at ${dir}, c.id ${dir} LIMIT ${n})`,
  );
  const assignees =
    sort === 'operator'
      ? sql`WITH RECURSIVE assignees(g) AS (
          (SELECT assignee_id FROM conversations WHERE workspace_id = ${workspaceId} AND assignee_id IS NOT NULL
            ORDER BY assignee_id LIMIT 1)
          UNION ALL
          SELECT (SELECT c.assignee_id FROM conversations c WHERE c.workspace_id = ${workspaceId} AND c.assignee_id > a.g
            ORDER BY c.assignee_id LIMIT 1) FROM assignees a WHERE a.g IS NOT NULL) `
      : sql``;
  return sql`${assignees}SELECT ${columns}, p.k AS sort_key, p.g::text AS sort_group, p.created_at::text AS sort_at
    FROM (SELECT gr.k, gr.g, x.id, x.created_at
      FROM (SELECT k, g FROM (${groupsOf(workspaceId, sort)}) gs${groupsFrom} ORDER BY k ${dir}, g ${dir}) gr
      CROSS JOIN LATERAL (${sql.join(walks, sql` UNION ALL `)}) x
      ORDER BY gr.k ${dir}, gr.g ${dir}, x.created_at ${dir}, x.id ${dir} LIMIT ${n}) p
    JOIN conversations c ON c.id = p.id
    JOIN contacts ct ON ct.id = c.contact_id
    LEFT JOIN users u ON u.id = c.assignee_id
    LEFT JOIN teams t ON t.id = c.team_id
    ORDER BY p.k ${dir}, p.g ${dir}, p.created_at ${dir}, p.id ${dir}`;
}

/** How many rows match, counted up to COUNT_CAP + 1 (an index walk bounded whatever the table size). */
export async function countAdmin(
  db: Queryable,
  actor: OperatorPrincipal,
  filters: AdminFilters,
  now: Date = new Date(),
): Promise<{ count: number; exact: boolean }> {
  // Tags alone, or tags and teams: their conversations are counted from conversation_tags_tag_idx
  // (which carries each conversation's team), without reading conversations (a conversation with
  // several of the tags once).
  const onlyTags =
    filters.tagId?.length &&
    actor.permissions.has('conversations.view_all') &&
    Object.entries(filters).every(
      ([name, value]) => name === 'tagId' || name === 'teamId' || value === undefined,
    );
  const inTeams = filters.teamId?.length ? sql`AND x.team_id = ANY(${uuidList(filters.teamId)})` : sql``;
  const result = onlyTags
    ? await db.execute(sql`SELECT count(*) AS n FROM (SELECT ${sql.raw(filters.tagId!.length > 1 ? 'DISTINCT ' : '')}x.conversation_id
        FROM conversation_tags x WHERE x.tag_id = ANY(${uuidList(filters.tagId!)})
        AND x.workspace_id = ${actor.workspaceId} ${inTeams} LIMIT ${COUNT_CAP + 1}) s`)
    : await db.execute(sql`SELECT count(*) AS n FROM (SELECT 1 FROM conversations c
        WHERE ${adminWhere(actor, filters, now)} LIMIT ${COUNT_CAP + 1}) s`);
  const n = Number((result.rows[0] as { n: string | number }).n);
  return n > COUNT_CAP ? { count: COUNT_CAP, exact: false } : { count: n, exact: true };
}

/** ADM-2: a page of the administrator's list with its (capped) total. */
export async function listAdminConversations(
  db: Queryable,
  actor: OperatorPrincipal,
  query: AdminListQuery,
  now: Date = new Date(),
): Promise<AdminPage> {
  const { sort, dir, limit, cursor, ...filters } = query;
  const after = cursor ? parseCursor(cursor, sort) : undefined;
  const [page, total] = await Promise.all([
    adminPageRows(db, actor, { filters, sort, dir, limit, after }, now),
    countAdmin(db, actor, filters, now),
  ]);
  return {
    items: page.rows,
    nextCursor:
      page.more && page.last ? makeCursor(page.last.key, page.last.id, page.last.group, page.last.at) : null,
    total,
  };
}

/** Every row matching, page by page on the same keyset (an export: memory holds one page). */
export async function* allAdminRows(
  db: Queryable,
  actor: OperatorPrincipal,
  query: { filters: AdminFilters; sort: AdminSort; dir: 'asc' | 'desc' },
  now: Date = new Date(),
  pageSize = 1000,
): AsyncGenerator<AdminRow> {
  let after: AdminCursor | undefined;
  for (;;) {
    const page = await adminPageRows(db, actor, { ...query, limit: pageSize, after }, now);
    yield* page.rows;
    if (!page.more || !page.last) return;
    after = page.last;
  }
}
