import type { ConnectionEvent } from '@parley/contracts';
import { type AnyColumn, and, desc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { connectionHistory, memberships, sessions, users } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { ClientInfo } from '../../platform/user-agent.ts';
import { describeClient } from '../../platform/user-agent.ts';

type Kind = ConnectionEvent['kind'];

/** OPS-8: one row per login, logout, failed login and status change, with where it came from. */
export async function recordConnection(
  db: Queryable,
  input: {
    userId: string;
    kind: Kind;
    client: ClientInfo;
    workspaceId?: string | null;
    detail?: string | null;
    changedBy?: string | null;
    /** When it happened, if not now (a disconnection noticed after the fact). */
    at?: Date;
  },
): Promise<void> {
  await db.insert(connectionHistory).values({
    ...(input.at ? { at: input.at } : {}),
    userId: input.userId,
    workspaceId: input.workspaceId ?? null,
    kind: input.kind,
    detail: input.detail ?? null,
    changedBy: input.changedBy ?? null,
    ip: input.client.ip,
    browser: input.client.browser,
    os: input.client.os,
  });
}

/**
 * A login, logout or failed login of an account, recorded once in each workspace the account belongs
 * to at that moment: each workspace sees what happened to its members while they were its members,
 * and a user's logins before joining (or after leaving) are not its business.
 */
export async function recordAccountEvent(
  db: Queryable,
  input: {
    userId: string;
    kind: 'login' | 'logout' | 'login_failed' | 'session_expired';
    client: ClientInfo;
  },
): Promise<void> {
  const rows = await db
    .select({ workspaceId: memberships.workspaceId })
    .from(memberships)
    .where(eq(memberships.userId, input.userId));
  if (rows.length === 0) return;
  await db.insert(connectionHistory).values(
    rows.map((r) => ({
      userId: input.userId,
      workspaceId: r.workspaceId,
      kind: input.kind,
      ip: input.client.ip,
      browser: input.client.browser,
      os: input.client.os,
    })),
  );
}

/** The history of this workspace's members, as recorded for this workspace only. */
export async function listConnections(
  db: Queryable,
  input: { workspaceId: string; userId?: string; limit: number },
): Promise<ConnectionEvent[]> {
  const rows = await selectConnections(db, input, input.limit);
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

/**
 * OPS-8: a session that expired (seen by a heartbeat) is a logout of its own kind, recorded once:
 * the expired row is deleted here, so another node seeing it too finds nothing.
 */
export async function recordSessionExpiry(db: Queryable, sessionId: string): Promise<void> {
  const [expired] = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), lte(sessions.expiresAt, new Date())))
    .returning();
  // Impersonations end with their own audit entry (modules/impersonation), not as the operator's logout.
  if (!expired || expired.impersonatorId) return;
  await recordAccountEvent(db, {
    userId: expired.userId,
    kind: 'session_expired',
    client: describeClient(expired.ip ?? undefined, expired.userAgent ?? undefined),
  });
}

/** Keyset cursors of the history and audit lists: `<ISO time>_<id>` of the last row shown. */
export function parseCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  const [at, id] = cursor.split('_');
  const date = at ? new Date(at) : null;
  if (!date || Number.isNaN(date.getTime()) || !id || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new AppError('validation_failed', 'cursor: not a cursor this list gave', 'cursor');
  }
  return { at: date, id };
}
export const cursorOf = (row: { at: Date; id: string }) => `${row.at.toISOString()}_${row.id}`;

/**
 * The rows after a cursor in the order (at, id) descending. Written as one row comparison, not as
 * `at < X OR (at = X AND id < Y)` (the same rows): an index on (…, at, id) starts its scan at the
 * cursor instead of reading every newer row and discarding it (a deep page, and each page of an
 * export, read the whole history above it).
 */
export const before = (at: AnyColumn, id: AnyColumn, cursor: { at: Date; id: string }) =>
  sql`(${at}, ${id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id}::uuid)`;

export interface ConnectionsFilter {
  workspaceId: string;
  userId?: string;
  kind?: ConnectionEvent['kind'];
  from?: string;
  to?: string;
  cursor?: string;
}

/** OPS-8: one page of the history, newest first, keyset on (at, id). */
export async function pageConnections(db: Queryable, input: ConnectionsFilter & { limit: number }) {
  const rows = await selectConnections(db, input, input.limit + 1);
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => ({ ...r, at: r.at.toISOString() })),
    nextCursor: rows.length > input.limit && last ? cursorOf(last) : null,
  };
}

/** Every row of the filtered history, page by page (exports stream it). */
export async function* allConnections(db: Queryable, filter: ConnectionsFilter) {
  let cursor = filter.cursor;
  for (;;) {
    const rows = await selectConnections(db, { ...filter, cursor }, 500);
    yield* rows;
    if (rows.length < 500) return;
    cursor = cursorOf(rows.at(-1)!);
  }
}

async function selectConnections(db: Queryable, input: ConnectionsFilter, limit: number) {
  const after = parseCursor(input.cursor);
  return db
    .select({
      id: connectionHistory.id,
      userId: connectionHistory.userId,
      userName: users.name,
      kind: connectionHistory.kind,
      detail: connectionHistory.detail,
      at: connectionHistory.at,
      ip: connectionHistory.ip,
      browser: connectionHistory.browser,
      os: connectionHistory.os,
    })
    .from(connectionHistory)
    .innerJoin(
      memberships,
      and(eq(memberships.userId, connectionHistory.userId), eq(memberships.workspaceId, input.workspaceId)),
    )
    .innerJoin(users, eq(users.id, connectionHistory.userId))
    .where(
      and(
        eq(connectionHistory.workspaceId, input.workspaceId),
        input.userId ? eq(connectionHistory.userId, input.userId) : undefined,
        input.kind ? eq(connectionHistory.kind, input.kind) : undefined,
        input.from ? gte(connectionHistory.at, new Date(input.from)) : undefined,
        input.to ? lt(connectionHistory.at, new Date(input.to)) : undefined,
        after ? before(connectionHistory.at, connectionHistory.id, after) : undefined,
      ),
    )
    .orderBy(desc(connectionHistory.at), desc(connectionHistory.id))
    .limit(limit);
}
