import type { Queryable } from '../../platform/db/client.ts';
import { auditLog } from '../../platform/db/schema.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';

export interface AuditEntry {
  /** Dotted name of what was done: `member.role_changed`, `team.updated`, `export.created`, … */
  action: string;
  target?: { type: string; id: string } | null;
  /** The state before and after, where it makes sense (changed fields only, no secrets). */
  before?: unknown;
  after?: unknown;
}

/** Principals (one per request) that recorded an entry: the impersonation hook adds none for them. */
const audited = new WeakSet<OperatorPrincipal>();
export const wasAudited = (actor: OperatorPrincipal): boolean => audited.has(actor);
/** The request's entry was written under another identity (ending an impersonation records the impersonator). */
export const markAudited = (actor: OperatorPrincipal): void => {
  audited.add(actor);
};

/**
 * API-3: records one administrative action in the same transaction as the change, with the actor,
 * the colleague impersonating them if any, and where the request came from. The audit log is
 * append-only: this is the only write to it.
 */
export async function recordAudit(db: Queryable, actor: OperatorPrincipal, entry: AuditEntry): Promise<void> {
  audited.add(actor);
  await db.insert(auditLog).values({
    workspaceId: actor.workspaceId,
    actorId: actor.userId,
    impersonatorId: actor.impersonatorId ?? null,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: actor.client?.ip ?? null,
    browser: actor.client?.browser ?? null,
    os: actor.client?.os ?? null,
  });
}
