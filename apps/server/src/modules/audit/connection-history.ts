import type { ConnectionEvent } from '@parley/contracts';
import { and, desc, eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { connectionHistory, memberships, users } from '../../platform/db/schema.ts';
import type { ClientInfo } from '../../platform/user-agent.ts';

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
  input: { userId: string; kind: 'login' | 'logout' | 'login_failed'; client: ClientInfo },
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
  const rows = await db
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
      ),
    )
    .orderBy(desc(connectionHistory.at))
    .limit(input.limit);
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
