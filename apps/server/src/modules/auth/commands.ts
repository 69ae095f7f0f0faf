import type { SetupBody } from '@parley/contracts';
import { and, count, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import type { Db, Queryable } from '../../platform/db/client.ts';
import { passwordResets, sessions, users } from '../../platform/db/schema.ts';
import { type Tx, transaction } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { hashToken, randomToken } from '../../platform/tokens.ts';
import type { ClientInfo } from '../../platform/user-agent.ts';
import { recordAccountEvent } from '../audit/connection-history.ts';
import { endPresence } from '../routing/presence.ts';
import { createWorkspace } from '../workspaces/commands.ts';
import { assertStrongPassword } from './password-strength.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

const SETUP_LOCK = 7_412_002;
const RESET_MINUTES = 60;

export async function needsSetup(db: Queryable): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0) === 0;
}

/** First run: creates the owner and the first workspace. Refused once anyone exists. */
export async function setup(tx: Tx, input: SetupBody) {
  await tx.db.execute(sql`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`);
  if (!(await needsSetup(tx.db))) throw new AppError('conflict', 'Parley is already set up; log in instead');
  await assertStrongPassword(input.password, [input.email, input.name, input.workspaceName]);
  const [user] = await tx.db
    .insert(users)
    .values({
      email: input.email.toLowerCase(),
      name: input.name,
      passwordHash: await hashPassword(input.password),
    })
    .returning({ id: users.id });
  const workspace = await createWorkspace(tx, { name: input.workspaceName, ownerId: user!.id });
  return { userId: user!.id, workspaceId: workspace.id };
}

/** The one answer to every failed login: unknown e-mail, wrong password and locked account alike. */
const loginRefused = () =>
  new AppError(
    'invalid_credentials',
    'wrong e-mail or password (after repeated failures an account is locked for a while)',
  );

/**
 * Checks a password with a per-account lockout on top of the per-IP rate limit: after `threshold`
 * failures in a row the account is locked for `lockoutMinutes`, whatever IP the guesses come from.
 * Unknown, wrong and locked answer alike (same status, body and an Argon2 verification each), so the
 * answer tells nobody which e-mails have accounts, nor whether a guess made during a lockout was right.
 */
export async function checkPassword(
  db: Queryable,
  ctx: Pick<AppContext, 'config'>,
  input: { email: string; password: string; client: ClientInfo },
): Promise<{ userId: string }> {
  const email = input.email.toLowerCase();
  const [user] = await db.select().from(users).where(eq(users.email, email));
  const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user) throw loginRefused();
  const locked = Boolean(user.lockedUntil && user.lockedUntil > new Date());
  if (locked || !ok) {
    if (!locked) {
      const failures = user.failedLogins + 1;
      const lock = failures >= ctx.config.lockoutThreshold;
      await db
        .update(users)
        .set({
          failedLogins: lock ? 0 : failures,
          lockedUntil: lock ? new Date(Date.now() + ctx.config.lockoutMinutes * 60_000) : null,
        })
        .where(eq(users.id, user.id));
    }
    await recordAccountEvent(db, { userId: user.id, kind: 'login_failed', client: input.client });
    throw loginRefused();
  }
  return { userId: user.id };
}

/** Every way into a session (password, setup, accepted invite) is a login in the connection history. */
export async function recordLogin(db: Queryable, userId: string, client: ClientInfo) {
  await db
    .update(users)
    .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() })
    .where(eq(users.id, userId));
  await recordAccountEvent(db, { userId, kind: 'login', client });
}

export async function logout(db: Db, input: { sessionId: string; userId: string; client: ClientInfo }) {
  await transaction(db, async (tx) => {
    await tx.db.delete(sessions).where(eq(sessions.id, input.sessionId));
    await recordAccountEvent(tx.db, { userId: input.userId, kind: 'logout', client: input.client });
    await endPresence(tx, { userId: input.userId });
  });
}

/** Sends a one-hour reset link if the account exists; says nothing either way. */
export async function requestPasswordReset(
  db: Queryable,
  ctx: Pick<AppContext, 'config' | 'mailer'>,
  email: string,
) {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email.toLowerCase()));
  if (!user) return;
  const token = randomToken();
  await db.insert(passwordResets).values({
    userId: user.id,
    tokenHash: hashToken(token),
    expiresAt: new Date(Date.now() + RESET_MINUTES * 60_000),
  });
  const url = `${ctx.config.publicUrl}/reset-password?token=${token}`;
  // In the background: the answer is the same, as fast, whether the account exists or the mail server
  // is down (a failure is logged).
  ctx.mailer.post({
    to: email,
    subject: 'Reset your Parley password',
    text: `Someone asked to reset your Parley password. If it was you, open this link within ${RESET_MINUTES} minutes:\n\n${url}\n\nIf not, ignore this message.`,
  });
}

/** Sets the new password, ends every session of the account and lifts a lockout. */
export async function confirmPasswordReset(tx: Tx, input: { token: string; password: string }) {
  const valid = and(
    eq(passwordResets.tokenHash, hashToken(input.token)),
    isNull(passwordResets.usedAt),
    gt(passwordResets.expiresAt, new Date()),
  );
  const [pending] = await tx.db
    .select({ email: users.email, name: users.name })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(valid);
  if (!pending) throw new AppError('not_found', 'this reset link is invalid, used or expired', 'token');
  // Checked before the link is used up, so a refused password leaves the link working.
  await assertStrongPassword(input.password, [pending.email, pending.name]);
  const [reset] = await tx.db
    .update(passwordResets)
    .set({ usedAt: new Date() })
    .where(valid)
    .returning({ userId: passwordResets.userId });
  if (!reset) throw new AppError('not_found', 'this reset link is invalid, used or expired', 'token');
  await tx.db
    .update(users)
    .set({ passwordHash: await hashPassword(input.password), failedLogins: 0, lockedUntil: null })
    .where(eq(users.id, reset.userId));
  await tx.db.delete(sessions).where(eq(sessions.userId, reset.userId));
  await endPresence(tx, { userId: reset.userId });
}

/** A logged-in user changes their password: the current one proves it is them; other sessions end. */
export async function changePassword(
  tx: Tx,
  input: { userId: string; sessionId: string; currentPassword: string; password: string },
) {
  const [user] = await tx.db.select().from(users).where(eq(users.id, input.userId));
  if (!user) throw new AppError('unauthenticated', 'log in first');
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError(
      'validation_failed',
      'currentPassword: this is not your current password',
      'currentPassword',
    );
  }
  await assertStrongPassword(input.password, [user.email, user.name]);
  await tx.db
    .update(users)
    .set({ passwordHash: await hashPassword(input.password) })
    .where(eq(users.id, user.id));
  await tx.db.delete(sessions).where(and(eq(sessions.userId, user.id), ne(sessions.id, input.sessionId)));
}
