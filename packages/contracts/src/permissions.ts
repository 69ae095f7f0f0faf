import { z } from 'zod';

export const roles = ['owner', 'admin', 'supervisor', 'operator'] as const;
export const role = z.enum(roles);
export type Role = z.infer<typeof role>;

/** Permissions an owner or admin may grant to any member on top of their role (SPEC §1). */
export const grantablePermissions = [
  'impersonate',
  'transfer_any',
  'export',
  'broadcasts.manage',
  'monitor',
  'analytics.view',
  'conversations.view_all',
] as const;
export const grantablePermission = z.enum(grantablePermissions);
export type GrantablePermission = z.infer<typeof grantablePermission>;

/** Permissions that come only with a role. */
export const rolePermissions = [
  'workspace.manage',
  'workspace.delete',
  'members.manage',
  'operators.manage',
  'audit.view',
  /** API-3: the audit log of administrative actions (owners and admins). */
  'audit_log.view',
] as const;

export type Permission = GrantablePermission | (typeof rolePermissions)[number];

const byRole: Record<Role, readonly Permission[]> = {
  owner: [...rolePermissions, ...grantablePermissions],
  admin: [
    'workspace.manage',
    'members.manage',
    'operators.manage',
    'audit.view',
    'audit_log.view',
    'transfer_any',
    'export',
    'broadcasts.manage',
    'monitor',
    'analytics.view',
    'conversations.view_all',
  ],
  supervisor: [
    'operators.manage',
    'audit.view',
    'transfer_any',
    'monitor',
    'analytics.view',
    'conversations.view_all',
  ],
  operator: [],
};

export function permissionsOf(memberRole: Role, granted: readonly string[]): Set<Permission> {
  const all = new Set<Permission>(byRole[memberRole]);
  for (const p of granted) {
    if ((grantablePermissions as readonly string[]).includes(p)) all.add(p as GrantablePermission);
  }
  return all;
}

/** Which roles a member of `actor` role may hand out: nobody creates someone above themself. */
export function canAssignRole(actor: Role, target: Role): boolean {
  return roles.indexOf(target) >= roles.indexOf(actor);
}

/**
 * Who may create another workspace on the installation: someone who already runs one (owner or
 * admin somewhere). Operators and supervisors work in the workspaces they are invited to; on a
 * self-hosted installation a new workspace is an administrative decision, not a self-service one.
 */
export function mayCreateWorkspace(memberRoles: readonly Role[]): boolean {
  return memberRoles.some((r) => r === 'owner' || r === 'admin');
}
