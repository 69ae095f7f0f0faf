import { and, eq, isNotNull } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import { defineJob, enqueue, wakeWorkers } from '../../jobs/queue.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { memberships, sessions, users } from '../../platform/db/schema.ts';
import { type Tx, transaction } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { hashToken, randomToken } from '../../platform/tokens.ts';
import type { ClientInfo } from '../../platform/user-agent.ts';
import { recordAudit } from '../audit/log.ts';
import type { AuthSession } from '../auth/sessions.ts';
import { type OperatorPrincipal, operatorPrincipal } from '../workspaces/policy.ts';
import { assertMayImpersonate } from './policy.ts';

/**
 * OPS-4: opens an impersonation session for `targetUserId` in the actor's workspace. The actor's own
 * session is untouched: the new one is a separate row (its user is the target, `impersonator_id` the
 * actor, `parent_session_id` the actor's session) with its own cookie, bound to this workspace and
 * ending by itself after `minutes`. Logged in the audit log (who, whom, IP, browser).
 */
export async function startImpersonation(
  tx: Tx,
  input: { actor: OperatorPrincipal; ownSession: AuthSession; targetUserId: string; minutes: number },
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const { actor } = input;
  const [target] = await tx.db
    .select({ role: memberships.role, grants: memberships.permissions, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, actor.workspaceId), eq(memberships.userId, input.targetUserId)));
  // Another workspace's member looks like nobody at all.
  if (!target) throw notFound('member');
  assertMayImpersonate(actor, { userId: input.targetUserId, role: target.role, grants: target.grants });
  // One impersonation per browser session at a time: a new one ends the previous one.
  const previous = await tx.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(eq(sessions.parentSessionId, input.ownSession.id));
  for (const p of previous)
    await endImpersonation(tx, { sessionId: p.id, reason: 'replaced', client: actor.client });
  const token = randomToken();
  const expiresAt = new Date(Date.now() + input.minutes * 60_000);
  const [row] = await tx.db
    .insert(sessions)
    .values({
      tokenHash: hashToken(token),
      userId: input.targetUserId,
      currentWorkspaceId: actor.workspaceId,
      // The browser keeps sending the CSRF token it has: the impersonation shares its session's.
      csrfToken: input.ownSession.csrfToken,
      ip: actor.client?.ip ?? null,
      userAgent: actor.client?.userAgent ?? null,
      expiresAt,
      impersonatorId: actor.userId,
      parentSessionId: input.ownSession.id,
    })
    .returning({ id: sessions.id });
  await recordAudit(tx.db, actor, {
    action: 'impersonation.started',
    target: { type: 'user', id: input.targetUserId },
    after: { impersonated: target.name, expiresAt: expiresAt.toISOString(), sessionId: row!.id },
  });
  await enqueue(tx.db, 'impersonation.expire', { sessionId: row!.id }, { runAt: expiresAt });
  tx.afterCommit(wakeWorkers);
  return { token, sessionId: row!.id, expiresAt };
}

/** The impersonator as an actor of the audit log (their own identity, where the request came from). */
async function impersonatorActor(
  db: Queryable,
  session: { impersonatorId: string; parentSessionId: string | null; workspaceId: string },
  client: ClientInfo | undefined,
): Promise<OperatorPrincipal> {
  const [member] = await db
    .select({ role: memberships.role, grants: memberships.permissions, name: users.name })
    .from(users)
    .leftJoin(
      memberships,
      and(eq(memberships.userId, users.id), eq(memberships.workspaceId, session.workspaceId)),
    )
    .where(eq(users.id, session.impersonatorId));
  return operatorPrincipal({
    userId: session.impersonatorId,
    name: member?.name ?? '',
    sessionId: session.parentSessionId ?? '',
    workspaceId: session.workspaceId,
    role: member?.role ?? 'operator',
    grants: member?.grants ?? [],
    client,
  });
}

export type EndReason = 'ended' | 'expired' | 'logout' | 'replaced';

/**
 * Ends an impersonation (once: the row is deleted, so a second end finds nothing) and records it.
 * Returns false when there was nothing to end.
 */
export async function endImpersonation(
  tx: Tx,
  input: { sessionId: string; reason: EndReason; client?: ClientInfo },
): Promise<boolean> {
  const [ended] = await tx.db
    .delete(sessions)
    .where(and(eq(sessions.id, input.sessionId), isNotNull(sessions.impersonatorId)))
    .returning();
  if (!ended?.impersonatorId || !ended.currentWorkspaceId) return false;
  const actor = await impersonatorActor(
    tx.db,
    {
      impersonatorId: ended.impersonatorId,
      parentSessionId: ended.parentSessionId,
      workspaceId: ended.currentWorkspaceId,
    },
    input.client,
  );
  await recordAudit(tx.db, actor, {
    action: 'impersonation.ended',
    target: { type: 'user', id: ended.userId },
    after: { reason: input.reason, startedAt: ended.createdAt.toISOString(), sessionId: ended.id },
  });
  await publish(tx, {
    workspaceId: ended.currentWorkspaceId,
    name: 'impersonation.ended',
    payload: { sessionId: ended.id, userId: ended.userId, impersonatorId: ended.impersonatorId },
  });
  return true;
}

/** Every impersonation started from a session (the impersonator logs out: they end too, recorded). */
export async function endImpersonationsOf(tx: Tx, parentSessionId: string, client?: ClientInfo) {
  const rows = await tx.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(eq(sessions.parentSessionId, parentSessionId));
  for (const row of rows) await endImpersonation(tx, { sessionId: row.id, reason: 'logout', client });
}

export function registerImpersonation() {
  defineJob<{ sessionId: string }>({
    name: 'impersonation.expire',
    async handle({ sessionId }, { db }) {
      // Runs at the expiry; an impersonation ended before is gone and ends nothing here.
      await transaction(db, (tx) => endImpersonation(tx, { sessionId, reason: 'expired' }));
    },
  });
}
