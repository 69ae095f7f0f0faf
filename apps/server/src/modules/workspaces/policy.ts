import { type Permission, permissionsOf, type Role } from '@parley/contracts';
import { forbidden } from '../../platform/errors.ts';
import type { ClientInfo } from '../../platform/user-agent.ts';

/** Who is acting in a workspace: the same object guards HTTP routes and realtime fan-out. */
export interface OperatorPrincipal {
  kind: 'operator';
  userId: string;
  /** Display name, as the session knows it: shown on messages, transfers and typing indicators. */
  name: string;
  sessionId: string;
  workspaceId: string;
  role: Role;
  /** Effective permissions: role defaults plus grants. */
  permissions: Set<Permission>;
  /** The teams they belong to: their conversations and queues are theirs to see (SPEC §1). */
  teamIds: ReadonlySet<string>;
  /** Where the request came from (IP, browser, OS): recorded with audit entries. */
  client?: ClientInfo;
  /** Set while a colleague impersonates this operator (OPS-4): that colleague's user id. */
  impersonatorId?: string | null;
  /** That colleague's name (shown to operators on messages sent while impersonating). */
  impersonatorName?: string | null;
}

export interface VisitorPrincipal {
  kind: 'visitor';
  workspaceId: string;
  visitorId: string;
  /** Known once the visitor has written, filled a form or been identified. */
  contactId: string | null;
}

export type Principal = OperatorPrincipal | VisitorPrincipal;

export function operatorPrincipal(input: {
  userId: string;
  name: string;
  sessionId: string;
  workspaceId: string;
  role: Role;
  grants: readonly string[];
  teamIds?: Iterable<string>;
  client?: ClientInfo;
  impersonatorId?: string | null;
  /** That colleague's name (shown to operators on messages sent while impersonating). */
  impersonatorName?: string | null;
}): OperatorPrincipal {
  return {
    kind: 'operator',
    ...input,
    permissions: permissionsOf(input.role, input.grants),
    teamIds: new Set(input.teamIds ?? []),
  };
}

export const can = (principal: Principal, permission: Permission): boolean =>
  principal.kind === 'operator' && principal.permissions.has(permission);

export function authorize(principal: OperatorPrincipal, permission: Permission): void {
  if (!principal.permissions.has(permission)) throw forbidden(permission);
}
