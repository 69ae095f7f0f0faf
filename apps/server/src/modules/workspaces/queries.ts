import { type Member, permissionsOf, type WorkspaceMembership } from '@parley/contracts';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { invites, memberships, users, workspaces } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';
import { presentInvite, presentMember, presentWorkspace } from './presenter.ts';

export async function getWorkspace(db: Queryable, workspaceId: string) {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!row) throw notFound('workspace');
  return presentWorkspace(row);
}

/** A member's role, grants and teams in the workspace, or null if they are not a member. */
export async function findMembership(db: Queryable, workspaceId: string, userId: string) {
  const [row] = await db
    .select({
      role: memberships.role,
      permissions: memberships.permissions,
      teamIds: sql<string[]>`coalesce((SELECT array_agg(tm.team_id::text) FROM team_members tm
        WHERE tm.workspace_id = memberships.workspace_id AND tm.user_id = memberships.user_id), '{}')`,
    })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  return row ?? null;
}

export async function listMemberships(db: Queryable, userId: string): Promise<WorkspaceMembership[]> {
  const rows = await db
    .select({
      id: workspaces.id,
      name: workspaces.name,
      role: memberships.role,
      grants: memberships.permissions,
    })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(workspaces.name));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    permissions: [...permissionsOf(r.role, r.grants)],
  }));
}

/**
 * ROUTE-1: "disconnected" is not a status anyone sets; it is what a member without a live console on
 * any node for the workspace's grace period is, whatever they chose before.
 */
const live = sql`${memberships.lastActiveAt} > now() - make_interval(secs =>
  (SELECT w.disconnect_grace_seconds FROM workspaces w WHERE w.id = ${memberships.workspaceId}))`;

/** Whether a console of theirs is live: signed out (or gone) otherwise, whatever status they chose. */
export const signedIn = sql<boolean>`coalesce(${live}, false)`;

export const effectiveStatus = sql<string>`CASE WHEN ${live} THEN ${memberships.status} ELSE 'disconnected' END`;

/**
 * Since when the effective status holds: the chosen one since it was chosen or the console came back
 * (`status_since`); a lapsed console since it was last heard of, unless a later disconnection or
 * choice was recorded.
 */
export const effectiveSince = sql<Date>`CASE WHEN ${live} OR ${memberships.status} = 'disconnected'
  THEN ${memberships.statusSince}
  ELSE greatest(${memberships.statusSince}, coalesce(${memberships.lastActiveAt}, ${memberships.statusSince})) END`.mapWith(
  memberships.statusSince,
);

const memberColumns = {
  userId: users.id,
  name: users.name,
  email: users.email,
  role: memberships.role,
  permissions: memberships.permissions,
  createdAt: memberships.createdAt,
  lastLoginAt: users.lastLoginAt,
  status: effectiveStatus,
  statusSince: effectiveSince,
  signedIn,
  capacity: memberships.capacity,
};

export async function listMembers(db: Queryable, workspaceId: string): Promise<Member[]> {
  const rows = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(users.name));
  return rows.map(presentMember);
}

export async function getMember(db: Queryable, workspaceId: string, userId: string): Promise<Member> {
  const [row] = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  if (!row) throw notFound('member');
  return presentMember(row);
}

export async function listOpenInvites(db: Queryable, workspaceId: string) {
  const rows = await db
    .select()
    .from(invites)
    .where(
      and(
        eq(invites.workspaceId, workspaceId),
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
        gt(invites.expiresAt, new Date()),
      ),
    )
    .orderBy(asc(invites.createdAt));
  return rows.map((r) => presentInvite(r));
}
