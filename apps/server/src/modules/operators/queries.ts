import type {
  OperatorConversation,
  OperatorConversationsQuery,
  OperatorDetail,
  OperatorOverview,
  OperatorPeriodQuery,
  OperatorsQuery,
} from '@parley/contracts';
import { and, asc, desc, eq, gte, ilike, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { containsPattern } from '../../platform/db/like.ts';
import {
  contacts,
  conversationAssignments,
  conversations,
  memberships,
  teamMembers,
  teams,
  users,
  workspaces,
} from '../../platform/db/schema.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { before, cursorOf, parseCursor } from '../audit/connection-history.ts';
import { impersonationRefusal } from '../impersonation/policy.ts';
import { computeFigures, nowFigures } from '../metrics/figures.ts';
import { periodRange } from '../metrics/period.ts';
import { now } from '../routing/clock.ts';
import { statusTime } from '../routing/status-time.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import { effectiveSince, effectiveStatus, signedIn } from '../workspaces/queries.ts';

/**
 * OPS-1 / OPS-5: every operator of the workspace with teams, live status, last login and their load
 * now (active and pending a response: the metrics module's "now" figures per operator), filtered by
 * name or e-mail, status and team. The export reads the same list (OPS-6).
 */
export async function listOperatorOverview(
  db: Queryable,
  actor: OperatorPrincipal,
  query: OperatorsQuery & { userId?: string },
): Promise<OperatorOverview[]> {
  const filters: (SQL | undefined)[] = [eq(memberships.workspaceId, actor.workspaceId)];
  if (query.userId) filters.push(eq(memberships.userId, query.userId));
  if (query.q)
    filters.push(
      or(ilike(users.name, containsPattern(query.q)), ilike(users.email, containsPattern(query.q))),
    );
  if (query.status) filters.push(sql`${effectiveStatus} = ${query.status}`);
  if (query.teamId) {
    filters.push(
      sql`EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = ${query.teamId}
        AND tm.user_id = ${memberships.userId} AND tm.workspace_id = ${actor.workspaceId})`,
    );
  }
  const rows = await db
    .select({
      userId: memberships.userId,
      name: users.name,
      email: users.email,
      role: memberships.role,
      grants: memberships.permissions,
      status: effectiveStatus,
      statusSince: effectiveSince,
      signedIn,
      lastLoginAt: users.lastLoginAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(...filters))
    .orderBy(asc(users.name), asc(users.id));
  if (rows.length === 0) return [];
  const [teamRows, load] = await Promise.all([
    db
      .select({ userId: teamMembers.userId, id: teams.id, name: teams.name })
      .from(teamMembers)
      .innerJoin(teams, eq(teams.id, teamMembers.teamId))
      .where(eq(teamMembers.workspaceId, actor.workspaceId))
      .orderBy(asc(teams.name)),
    // One operator's row (their detail page) reads only their own counts.
    nowFigures(db, { workspaceId: actor.workspaceId, segment: 'operator', operatorId: query.userId }),
  ]);
  return rows.map((r) => ({
    userId: r.userId,
    name: r.name,
    email: r.email,
    role: r.role,
    teams: teamRows.filter((t) => t.userId === r.userId).map((t) => ({ id: t.id, name: t.name })),
    status: r.status,
    statusSince: r.statusSince.toISOString(),
    signedIn: r.signedIn,
    lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
    active: load.get(r.userId)?.active ?? 0,
    pending: load.get(r.userId)?.pending ?? 0,
    canImpersonate:
      impersonationRefusal(actor, { userId: r.userId, role: r.role, grants: r.grants }) === null,
  }));
}

export async function getOperatorOverview(db: Queryable, actor: OperatorPrincipal, userId: string) {
  const [row] = await listOperatorOverview(db, actor, { userId });
  if (!row) throw notFound('operator');
  return row;
}

const MAX_PERIOD_MS = 366 * 24 * 3600 * 1000;

/** A period as the console asks for it: a preset in the workspace's time zone, or [from, to). */
export async function resolvePeriod(db: Queryable, workspaceId: string, query: OperatorPeriodQuery) {
  const [workspace] = await db
    .select({ timezone: workspaces.timezone })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const timezone = workspace?.timezone ?? 'UTC';
  const range =
    query.from && query.to
      ? { from: new Date(query.from), to: new Date(query.to) }
      : periodRange(query.period ?? '7d', timezone, now());
  if (!(range.to > range.from)) throw new AppError('validation_failed', 'to: must be after from', 'to');
  if (range.to.getTime() - range.from.getTime() > MAX_PERIOD_MS) {
    throw new AppError('validation_failed', 'to: a period lasts at most 366 days', 'to');
  }
  return { ...range, timezone };
}

/** OPS-7: the operator's figures (metrics module, operator filter) and time in each status. */
export async function operatorDetail(
  db: Queryable,
  actor: OperatorPrincipal,
  userId: string,
  query: OperatorPeriodQuery,
): Promise<OperatorDetail> {
  const operator = await getOperatorOverview(db, actor, userId);
  const { from, to, timezone } = await resolvePeriod(db, actor.workspaceId, query);
  const [{ figures }, time] = await Promise.all([
    computeFigures(db, { workspaceId: actor.workspaceId, from, to, operatorId: userId }),
    statusTime(db, { workspaceId: actor.workspaceId, userId, from, to }),
  ]);
  return { operator, from: from.toISOString(), to: to.toISOString(), timezone, figures, statusTime: time };
}

/**
 * OPS-7: a page of the conversations assigned to the operator in the period, newest assignment first,
 * each once (its latest assignment to them in the period), keyset on the assignment (time, id).
 */
export async function operatorConversations(
  db: Queryable,
  actor: OperatorPrincipal,
  userId: string,
  query: OperatorConversationsQuery,
): Promise<{ items: OperatorConversation[]; nextCursor: string | null }> {
  await getOperatorOverview(db, actor, userId);
  const { from, to } = await resolvePeriod(db, actor.workspaceId, query);
  const after = parseCursor(query.cursor);
  const a = conversationAssignments;
  const rows = await db
    .select({
      assignmentId: a.id,
      id: conversations.id,
      number: conversations.number,
      contactName: contacts.name,
      channel: conversations.channel,
      status: conversations.status,
      teamName: teams.name,
      assignedAt: a.assignedAt,
      createdAt: conversations.createdAt,
      closedAt: conversations.closedAt,
      assigneeId: conversations.assigneeId,
    })
    .from(a)
    .innerJoin(conversations, eq(conversations.id, a.conversationId))
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(teams, eq(teams.id, conversations.teamId))
    .where(
      and(
        eq(a.workspaceId, actor.workspaceId),
        eq(a.userId, userId),
        gte(a.assignedAt, from),
        lt(a.assignedAt, to),
        after ? before(a.assignedAt, a.id, after) : undefined,
        query.current
          ? and(eq(conversations.assigneeId, userId), inArray(conversations.status, ['open', 'snoozed']))
          : undefined,
        // Its latest assignment to them in the period: no later one (index on conversation, time).
        sql`NOT EXISTS (SELECT 1 FROM conversation_assignments later
          WHERE later.conversation_id = ${a.conversationId} AND later.user_id = ${a.userId}
            AND later.assigned_at < ${to.toISOString()}::timestamptz
            AND (later.assigned_at, later.id) > (${a.assignedAt}, ${a.id}))`,
      ),
    )
    .orderBy(desc(a.assignedAt), desc(a.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map(({ assigneeId, assignmentId: _, ...r }) => ({
    ...r,
    assignedAt: r.assignedAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
    current: assigneeId === userId && r.status !== 'closed',
  }));
  const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
  return { items, nextCursor: last ? cursorOf({ at: last.assignedAt, id: last.assignmentId }) : null };
}

/** The operator's open conversations (what "transfer all" moves). */
export async function openConversationsOf(db: Queryable, workspaceId: string, userId: string) {
  const rows = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        eq(conversations.assigneeId, userId),
        sql`${conversations.status} <> 'closed'`,
      ),
    )
    .orderBy(asc(conversations.createdAt));
  return rows.map((r) => r.id);
}
