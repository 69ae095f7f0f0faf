import { canAssignRole, type GrantablePermission, type InvitePreview, type Role } from '@parley/contracts';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import { publish } from '../../events/publish.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { invites, memberships, users, workspaces } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { hashToken, randomToken } from '../../platform/tokens.ts';
import { recordAudit } from '../audit/log.ts';
import { assertStrongPassword } from '../auth/password-strength.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { authorize, type OperatorPrincipal } from './policy.ts';
import { presentInvite } from './presenter.ts';
import { getMember } from './queries.ts';

const INVITE_DAYS = 7;

export async function createInvite(
  tx: Tx,
  ctx: Pick<AppContext, 'config' | 'mailer'>,
  input: { actor: OperatorPrincipal; email: string; role: Role; permissions: GrantablePermission[] },
) {
  const { actor } = input;
  authorize(actor, 'members.manage');
  if (!canAssignRole(actor.role, input.role)) {
    throw new AppError('forbidden', `you cannot invite someone as ${input.role}`, 'role');
  }
  const email = input.email.toLowerCase();
  const [existing] = await tx.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, actor.workspaceId), eq(users.email, email)));
  if (existing) throw new AppError('conflict', `${email} is already a member of this workspace`, 'email');
  const [pending] = await tx.db
    .select({ id: invites.id })
    .from(invites)
    .where(
      and(
        eq(invites.workspaceId, actor.workspaceId),
        eq(invites.email, email),
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
        gt(invites.expiresAt, new Date()),
      ),
    );
  if (pending) {
    throw new AppError(
      'conflict',
      `${email} has a pending invitation already: revoke it to send a new one`,
      'email',
    );
  }
  const token = randomToken();
  const [row] = await tx.db
    .insert(invites)
    .values({
      workspaceId: actor.workspaceId,
      email,
      role: input.role,
      permissions: [...new Set(input.permissions)],
      tokenHash: hashToken(token),
      invitedBy: actor.userId,
      expiresAt: new Date(Date.now() + INVITE_DAYS * 86_400_000),
    })
    .returning();
  const invite = presentInvite(row!);
  await recordAudit(tx.db, actor, {
    action: 'invite.created',
    target: { type: 'invite', id: invite.id },
    after: { email, role: input.role, permissions: row!.permissions },
  });
  await publish(tx, { workspaceId: actor.workspaceId, name: 'invite.created', payload: { invite } });
  const url = `${ctx.config.publicUrl}/invite/${token}`;
  // The link is also shown to whoever invited: a mail server that is down costs nothing but the mail.
  tx.afterCommit(() => {
    ctx.mailer.post({
      to: email,
      subject: 'You are invited to Parley',
      text: `You have been invited to answer customers on Parley.\n\nAccept the invitation: ${url}\n`,
    });
  });
  return { ...invite, url };
}

export async function revokeInvite(tx: Tx, input: { actor: OperatorPrincipal; inviteId: string }) {
  authorize(input.actor, 'members.manage');
  const revoked = await tx.db
    .update(invites)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(invites.id, input.inviteId),
        eq(invites.workspaceId, input.actor.workspaceId),
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
      ),
    )
    .returning({ id: invites.id, email: invites.email, role: invites.role });
  if (revoked.length === 0) throw notFound('invite');
  await recordAudit(tx.db, input.actor, {
    action: 'invite.revoked',
    target: { type: 'invite', id: input.inviteId },
    before: { email: revoked[0]!.email, role: revoked[0]!.role },
  });
  await publish(tx, {
    workspaceId: input.actor.workspaceId,
    name: 'invite.revoked',
    payload: { inviteId: input.inviteId },
  });
}

async function findOpenInvite(db: Queryable, token: string) {
  const [row] = await db
    .select({ invite: invites, workspaceName: workspaces.name })
    .from(invites)
    .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
    .where(
      and(
        eq(invites.tokenHash, hashToken(token)),
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
        gt(invites.expiresAt, new Date()),
      ),
    );
  if (!row) throw new AppError('not_found', 'this invitation does not exist, was revoked or has expired');
  return row;
}

export async function previewInvite(db: Queryable, token: string): Promise<InvitePreview> {
  const { invite, workspaceName } = await findOpenInvite(db, token);
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, invite.email));
  return { workspaceName, email: invite.email, role: invite.role, userExists: Boolean(user) };
}

/**
 * Joins the invited workspace: an existing account proves itself with its password, a new one is
 * created with the name and password given. Returns the user to log in.
 */
export async function acceptInvite(tx: Tx, input: { token: string; name?: string; password: string }) {
  const { invite } = await findOpenInvite(tx.db, input.token);
  const [existing] = await tx.db.select().from(users).where(eq(users.email, invite.email));
  let userId: string;
  if (existing) {
    if (!(await verifyPassword(existing.passwordHash, input.password))) {
      throw new AppError('invalid_credentials', 'wrong password for this account', 'password');
    }
    userId = existing.id;
  } else {
    if (!input.name) throw new AppError('validation_failed', 'name: your name is required', 'name');
    await assertStrongPassword(input.password, [invite.email, input.name]);
    const [created] = await tx.db
      .insert(users)
      .values({ email: invite.email, name: input.name, passwordHash: await hashPassword(input.password) })
      .returning({ id: users.id });
    userId = created!.id;
  }
  await tx.db.update(invites).set({ acceptedAt: new Date() }).where(eq(invites.id, invite.id));
  await tx.db
    .insert(memberships)
    .values({ workspaceId: invite.workspaceId, userId, role: invite.role, permissions: invite.permissions })
    .onConflictDoNothing();
  const member = await getMember(tx.db, invite.workspaceId, userId);
  await publish(tx, { workspaceId: invite.workspaceId, name: 'member.joined', payload: { member } });
  return { userId, workspaceId: invite.workspaceId };
}
