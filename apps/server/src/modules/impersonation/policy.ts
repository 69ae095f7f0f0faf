import { type Permission, permissionsOf, type Role, roles } from '@parley/contracts';
import { AppError } from '../../platform/errors.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';

export interface ImpersonationTarget {
  userId: string;
  role: Role;
  /** Grants on top of the role. */
  grants: readonly string[];
}

/**
 * OPS-4: whom `actor` may impersonate — never themself, never an owner, nobody whose role ranks
 * higher, nobody holding a permission the actor lacks (so impersonation can never add a right), and
 * never from inside an impersonation. Same workspace is the caller's business (the target is looked
 * up in the actor's workspace only). Null when allowed, else the reason.
 */
export function impersonationRefusal(actor: OperatorPrincipal, target: ImpersonationTarget): string | null {
  if (!actor.permissions.has('impersonate')) return "you need the 'impersonate' permission to do this";
  if (actor.impersonatorId) return 'an impersonation cannot start another one';
  if (target.userId === actor.userId) return 'you cannot impersonate yourself';
  if (target.role === 'owner') return 'an owner is never impersonated';
  if (roles.indexOf(target.role) < roles.indexOf(actor.role)) return 'their role ranks above yours';
  const extra = [...permissionsOf(target.role, target.grants)].filter((p) => !actor.permissions.has(p));
  if (extra.length > 0) return `they hold permissions you do not have: ${extra.join(', ')}`;
  return null;
}

export function assertMayImpersonate(actor: OperatorPrincipal, target: ImpersonationTarget): void {
  authorize(actor, 'impersonate');
  const refusal = impersonationRefusal(actor, target);
  if (refusal) throw new AppError('forbidden', refusal);
}

/**
 * While impersonating, the acting rights are the impersonated operator's, cut down to what the
 * impersonator holds now: a grant made to either meanwhile never widens them.
 */
export function intersectPermissions(
  target: Set<Permission>,
  impersonator: Set<Permission>,
): Set<Permission> {
  return new Set([...target].filter((p) => impersonator.has(p)));
}
