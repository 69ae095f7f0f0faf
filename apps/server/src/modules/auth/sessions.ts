import { and, eq, gt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../../platform/db/client.ts';
import { sessions, users } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { hashToken, randomToken } from '../../platform/tokens.ts';
import type { ClientInfo } from '../../platform/user-agent.ts';

export const SESSION_COOKIE = 'parley_session';
/** OPS-4: the impersonation session, beside (never instead of) the impersonator's own cookie. */
export const IMPERSONATION_COOKIE = 'parley_impersonation';
const SESSION_DAYS = 30;

export interface AuthSession {
  id: string;
  userId: string;
  currentWorkspaceId: string | null;
  csrfToken: string;
  user: { id: string; name: string; email: string };
  /** Set on an impersonation session: the colleague acting as `user` (OPS-4). */
  impersonator: { id: string; name: string } | null;
  parentSessionId: string | null;
  createdAt: Date;
  expiresAt: Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts as: the impersonation session while one is on, else the own one. */
    session: AuthSession | null;
    /** The browser's own session (the impersonator's while impersonating). */
    ownSession: AuthSession | null;
  }
}

export async function createSession(
  db: Queryable,
  input: { userId: string; workspaceId: string | null; client: ClientInfo },
): Promise<{ token: string; id: string }> {
  const token = randomToken();
  const [row] = await db
    .insert(sessions)
    .values({
      tokenHash: hashToken(token),
      userId: input.userId,
      currentWorkspaceId: input.workspaceId,
      csrfToken: randomToken(24),
      ip: input.client.ip,
      userAgent: input.client.userAgent,
      expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000),
    })
    .returning({ id: sessions.id });
  return { token, id: row!.id };
}

const impersonators = alias(users, 'impersonators');

export async function findSession(db: Queryable, token: string): Promise<AuthSession | null> {
  const [row] = await db
    .select({
      id: sessions.id,
      userId: sessions.userId,
      currentWorkspaceId: sessions.currentWorkspaceId,
      csrfToken: sessions.csrfToken,
      user: { id: users.id, name: users.name, email: users.email },
      impersonatorId: impersonators.id,
      impersonatorName: impersonators.name,
      parentSessionId: sessions.parentSessionId,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(impersonators, eq(impersonators.id, sessions.impersonatorId))
    .where(and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expiresAt, new Date())));
  if (!row) return null;
  const { impersonatorId, impersonatorName, ...rest } = row;
  return {
    ...rest,
    impersonator: impersonatorId ? { id: impersonatorId, name: impersonatorName ?? '' } : null,
  };
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: SESSION_DAYS * 86_400,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(IMPERSONATION_COOKIE, { path: '/' });
}

/** The impersonation cookie lives no longer than the impersonation (OPS-4 auto-expiry). */
export function setImpersonationCookie(reply: FastifyReply, token: string, secure: boolean, expiresAt: Date) {
  reply.setCookie(IMPERSONATION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    expires: expiresAt,
  });
}

export function clearImpersonationCookie(reply: FastifyReply): void {
  reply.clearCookie(IMPERSONATION_COOKIE, { path: '/' });
}

export function requireSession(request: FastifyRequest): AuthSession {
  if (!request.session) throw new AppError('unauthenticated', 'log in first');
  return request.session;
}

/**
 * A `preValidation` hook: a request with no session is a 401 before its parameters are validated,
 * so a logged-out caller learns nothing from a 400 (which values a query takes) whatever it sent.
 */
export async function authenticated(request: FastifyRequest): Promise<void> {
  requireSession(request);
}

/**
 * OPS-4: the impersonated operator's password, e-mail and sessions are theirs alone, and an
 * impersonation acts in its one workspace: it creates none.
 */
export function refuseWhileImpersonating(session: AuthSession): void {
  if (session.impersonator)
    throw new AppError('forbidden', 'not while impersonating: end the impersonation first');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the session cookie on every API request and enforces CSRF on cookie-authenticated writes:
 * the console echoes the session's token in `x-csrf-token`, which another site cannot read.
 */
export function sessionHook(db: Queryable) {
  return async (request: FastifyRequest) => {
    request.session = null;
    request.ownSession = null;
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    request.ownSession = await findSession(db, token);
    request.session = request.ownSession;
    const impersonation = request.cookies[IMPERSONATION_COOKIE];
    if (request.ownSession && impersonation) {
      // Only an impersonation started from this very session applies; an expired one is simply gone.
      const acting = await findSession(db, impersonation);
      if (acting?.impersonator && acting.parentSessionId === request.ownSession.id) request.session = acting;
    }
    if (!request.session || SAFE_METHODS.has(request.method)) return;
    if (request.headers['x-csrf-token'] !== request.session.csrfToken) {
      throw new AppError('csrf_failed', 'missing or wrong x-csrf-token header');
    }
  };
}
