import { canAssignRole, type GrantablePermission, mayCreateWorkspace, type Role } from '@parley/contracts';
import { and, asc, eq } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import { memberships, workspaces } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { randomToken } from '../../platform/tokens.ts';
import type { ClientInfo } from '../../platform/user-agent.ts';
import { recordAudit } from '../audit/log.ts';
import { leaveTeams } from '../routing/teams.ts';
import { authorize, type OperatorPrincipal, operatorPrincipal } from './policy.ts';
import { presentWorkspace } from './presenter.ts';
import { getMember } from './queries.ts';

export async function createWorkspace(tx: Tx, input: { name: string; ownerId: string; timezone?: string }) {
  const [workspace] = await tx.db
    .insert(workspaces)
    .values({
      name: input.name,
      timezone: input.timezone ?? 'UTC',
      widgetKey: `wk_${randomToken(12)}`,
      widgetSecret: randomToken(32),
    })
    .returning();
  await tx.db
    .insert(memberships)
    .values({ workspaceId: workspace!.id, userId: input.ownerId, role: 'owner' });
  await publish(tx, {
    workspaceId: workspace!.id,
    name: 'member.joined',
    payload: { member: await getMember(tx.db, workspace!.id, input.ownerId) },
  });
  return presentWorkspace(workspace!);
}

/** A logged-in user's own request for a new workspace: only owners and admins of one may (see the rule). */
export async function createWorkspaceFor(
  tx: Tx,
  input: { name: string; userId: string; userName?: string; client?: ClientInfo },
) {
  const held = await tx.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, input.userId));
  if (!mayCreateWorkspace(held.map((m) => m.role))) {
    throw new AppError('forbidden', 'only owners and administrators of a workspace can create workspaces');
  }
  const workspace = await createWorkspace(tx, { name: input.name, ownerId: input.userId });
  // The new workspace's log starts with its creation, by its first owner.
  const owner = operatorPrincipal({
    userId: input.userId,
    name: input.userName ?? '',
    sessionId: '',
    workspaceId: workspace.id,
    role: 'owner',
    grants: [],
    client: input.client,
  });
  await recordAudit(tx.db, owner, {
    action: 'workspace.created',
    target: { type: 'workspace', id: workspace.id },
    after: { name: workspace.name },
  });
  return workspace;
}

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export async function updateWorkspace(
  tx: Tx,
  input: { actor: OperatorPrincipal; name?: string; timezone?: string },
) {
  authorize(input.actor, 'workspace.manage');
  const [previous] = await tx.db
    .select({ name: workspaces.name, timezone: workspaces.timezone })
    .from(workspaces)
    .where(eq(workspaces.id, input.actor.workspaceId));
  if (input.timezone !== undefined && !isValidTimezone(input.timezone)) {
    throw new AppError('validation_failed', `timezone: unknown time zone '${input.timezone}'`, 'timezone');
  }
  const [row] = await tx.db
    .update(workspaces)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
    })
    .where(eq(workspaces.id, input.actor.workspaceId))
    .returning();
  const workspace = presentWorkspace(row!);
  await recordAudit(tx.db, input.actor, {
    action: 'workspace.updated',
    target: { type: 'workspace', id: workspace.id },
    before: previous,
    after: { name: row!.name, timezone: row!.timezone },
  });
  await publish(tx, { workspaceId: workspace.id, name: 'workspace.updated', payload: { workspace } });
  return workspace;
}

/**
 * The workspace's owners, counted with their rows locked (in key order): two owners demoting or
 * removing each other at once would otherwise each count two and leave the workspace without one.
 * The second waits for the first, then counts what the first left.
 */
async function ownerCount(tx: Tx, workspaceId: string): Promise<number> {
  const owners = await tx.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')))
    .orderBy(asc(memberships.userId))
    .for('update');
  return owners.length;
}

/** Changes a member's role or grants. Nobody raises anyone above themself or leaves a workspace ownerless. */
export async function updateMember(
  tx: Tx,
  input: {
    actor: OperatorPrincipal;
    userId: string;
    role?: Role;
    permissions?: GrantablePermission[];
    capacity?: number;
  },
) {
  const { actor } = input;
  authorize(actor, 'members.manage');
  const current = await getMember(tx.db, actor.workspaceId, input.userId);
  if (!canAssignRole(actor.role, current.role)) {
    throw new AppError('forbidden', `only an ${current.role} or above can change an ${current.role}`);
  }
  if (input.role && !canAssignRole(actor.role, input.role)) {
    throw new AppError('forbidden', `you cannot make someone ${input.role}`, 'role');
  }
  if (
    current.role === 'owner' &&
    input.role &&
    input.role !== 'owner' &&
    (await ownerCount(tx, actor.workspaceId)) < 2
  ) {
    throw new AppError('conflict', 'a workspace needs at least one owner', 'role');
  }
  await tx.db
    .update(memberships)
    .set({
      ...(input.role ? { role: input.role } : {}),
      ...(input.permissions ? { permissions: [...new Set(input.permissions)] } : {}),
      ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
    })
    .where(and(eq(memberships.workspaceId, actor.workspaceId), eq(memberships.userId, input.userId)));
  const member = await getMember(tx.db, actor.workspaceId, input.userId);
  await recordAudit(tx.db, actor, {
    action: 'member.updated',
    target: { type: 'user', id: input.userId },
    before: { role: current.role, permissions: current.permissions, capacity: current.capacity },
    after: { role: member.role, permissions: member.permissions, capacity: member.capacity },
  });
  await publish(tx, { workspaceId: actor.workspaceId, name: 'member.updated', payload: { member } });
  return member;
}

export async function removeMember(tx: Tx, input: { actor: OperatorPrincipal; userId: string }) {
  const { actor } = input;
  authorize(actor, 'members.manage');
  const current = await getMember(tx.db, actor.workspaceId, input.userId);
  if (!canAssignRole(actor.role, current.role)) {
    throw new AppError('forbidden', `only an ${current.role} or above can remove an ${current.role}`);
  }
  if (current.role === 'owner' && (await ownerCount(tx, actor.workspaceId)) < 2) {
    throw new AppError('conflict', 'a workspace needs at least one owner');
  }
  const deleted = await tx.db
    .delete(memberships)
    .where(and(eq(memberships.workspaceId, actor.workspaceId), eq(memberships.userId, input.userId)))
    .returning({ userId: memberships.userId });
  if (deleted.length === 0) throw notFound('member');
  // Their open conversations go back to routing when routing hears of it (routing/subscriber.ts).
  await leaveTeams(tx, actor.workspaceId, input.userId);
  await recordAudit(tx.db, actor, {
    action: 'member.removed',
    target: { type: 'user', id: input.userId },
    before: {
      name: current.name,
      email: current.email,
      role: current.role,
      permissions: current.permissions,
    },
  });
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'member.removed',
    payload: { userId: input.userId },
  });
}
