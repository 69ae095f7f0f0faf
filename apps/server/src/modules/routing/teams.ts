import type { BusinessHours, Team } from '@parley/contracts';
import { and, asc, count, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { publish } from '../../events/publish.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { conversations, memberships, teamMembers, teams, workspaces } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/log.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { isOpen } from './business-hours.ts';

type TeamInput = {
  name?: string;
  rule?: Team['rule'];
  capacity?: number | null;
  rerouteAfterSeconds?: number | null;
  businessHours?: BusinessHours | null;
  outOfHoursMessage?: string | null;
};

export async function listTeams(db: Queryable, workspaceId: string, only?: string): Promise<Team[]> {
  const rows = await db
    .select()
    .from(teams)
    .where(and(eq(teams.workspaceId, workspaceId), only ? eq(teams.id, only) : undefined))
    .orderBy(asc(teams.name));
  if (rows.length === 0) return [];
  const ids = rows.map((t) => t.id);
  const members = await db.select().from(teamMembers).where(inArray(teamMembers.teamId, ids));
  const queued = await db
    .select({ teamId: conversations.teamId, n: count() })
    .from(conversations)
    .where(
      and(
        inArray(conversations.teamId, ids),
        eq(conversations.status, 'open'),
        isNull(conversations.assigneeId),
        isNotNull(conversations.queuedAt),
      ),
    )
    .groupBy(conversations.teamId);
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    rule: t.rule,
    capacity: t.capacity,
    rerouteAfterSeconds: t.rerouteAfterSeconds,
    businessHours: (t.businessHours as BusinessHours | null) ?? null,
    outOfHoursMessage: t.outOfHoursMessage,
    memberIds: members.filter((m) => m.teamId === t.id).map((m) => m.userId),
    queued: Number(queued.find((q) => q.teamId === t.id)?.n ?? 0),
    open: isOpen((t.businessHours as BusinessHours | null) ?? null),
  }));
}

export async function getTeam(db: Queryable, workspaceId: string, teamId: string): Promise<Team> {
  if (!z.uuid().safeParse(teamId).success) throw notFound('team');
  const [team] = await listTeams(db, workspaceId, teamId);
  if (!team) throw notFound('team');
  return team;
}

function checkTimezone(hours: BusinessHours | null | undefined) {
  if (!hours) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: hours.timezone });
  } catch {
    throw new AppError(
      'validation_failed',
      `businessHours.timezone: unknown time zone '${hours.timezone}'`,
      'businessHours.timezone',
    );
  }
}

/** One name, one team per workspace, ignoring case (the unique index `teams_name_key` backs it). */
async function assertNameFree(tx: Tx, workspaceId: string, name: string | undefined, except?: string) {
  if (name === undefined) return;
  const [clash] = await tx.db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.workspaceId, workspaceId), sql`lower(${teams.name}) = lower(${name})`));
  if (clash && clash.id !== except)
    throw new AppError('conflict', `name: a team is called ${name} already`, 'name');
}

async function announce(tx: Tx, workspaceId: string, teamId: string) {
  const team = await getTeam(tx.db, workspaceId, teamId);
  await publish(tx, { workspaceId, name: 'team.updated', payload: { team } });
  return team;
}

export async function createTeam(tx: Tx, input: { actor: OperatorPrincipal } & Required<TeamInput>) {
  authorize(input.actor, 'workspace.manage');
  checkTimezone(input.businessHours);
  const { actor, ...fields } = input;
  await assertNameFree(tx, actor.workspaceId, fields.name);
  const [row] = await tx.db
    .insert(teams)
    .values({ workspaceId: actor.workspaceId, ...fields })
    .returning({ id: teams.id });
  const team = await announce(tx, actor.workspaceId, row!.id);
  await recordAudit(tx.db, actor, {
    action: 'team.created',
    target: { type: 'team', id: team.id },
    after: team,
  });
  return team;
}

/** The fields a change touched, as they were or are (the audit log's before/after). */
const pick = (team: Team, keys: string[]) =>
  Object.fromEntries(keys.map((k) => [k, (team as Record<string, unknown>)[k]]));

export async function updateTeam(tx: Tx, input: { actor: OperatorPrincipal; teamId: string } & TeamInput) {
  authorize(input.actor, 'workspace.manage');
  checkTimezone(input.businessHours);
  const { actor, teamId, ...fields } = input;
  const before = await getTeam(tx.db, actor.workspaceId, teamId);
  await assertNameFree(tx, actor.workspaceId, fields.name, teamId);
  if (Object.keys(fields).length > 0) {
    await tx.db
      .update(teams)
      .set(fields)
      .where(and(eq(teams.id, teamId), eq(teams.workspaceId, actor.workspaceId)));
  }
  const team = await announce(tx, actor.workspaceId, teamId);
  const keys = Object.keys(fields);
  await recordAudit(tx.db, actor, {
    action: 'team.updated',
    target: { type: 'team', id: teamId },
    before: pick(before, keys),
    after: pick(team, keys),
  });
  return team;
}

export async function deleteTeam(tx: Tx, input: { actor: OperatorPrincipal; teamId: string }) {
  authorize(input.actor, 'workspace.manage');
  const before = await getTeam(tx.db, input.actor.workspaceId, input.teamId);
  await recordAudit(tx.db, input.actor, {
    action: 'team.deleted',
    target: { type: 'team', id: input.teamId },
    before,
  });
  await tx.db
    .update(workspaces)
    .set({ defaultTeamId: null })
    .where(and(eq(workspaces.id, input.actor.workspaceId), eq(workspaces.defaultTeamId, input.teamId)));
  await tx.db.delete(teams).where(eq(teams.id, input.teamId));
  await publish(tx, {
    workspaceId: input.actor.workspaceId,
    name: 'team.deleted',
    payload: { teamId: input.teamId },
  });
}

/** Replaces the team's members; everyone must be a member of the workspace. */
export async function setTeamMembers(
  tx: Tx,
  input: { actor: OperatorPrincipal; teamId: string; userIds: string[] },
) {
  const { actor } = input;
  authorize(actor, 'workspace.manage');
  const before = await getTeam(tx.db, actor.workspaceId, input.teamId);
  const userIds = [...new Set(input.userIds)];
  if (userIds.length > 0) {
    const known = await tx.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, actor.workspaceId), inArray(memberships.userId, userIds)));
    if (known.length !== userIds.length) {
      throw new AppError(
        'validation_failed',
        'userIds: everyone must be a member of this workspace',
        'userIds',
      );
    }
  }
  const current = await tx.db.select().from(teamMembers).where(eq(teamMembers.teamId, input.teamId));
  const leaving = current.filter((m) => !userIds.includes(m.userId)).map((m) => m.userId);
  if (leaving.length > 0) {
    await tx.db
      .delete(teamMembers)
      .where(and(eq(teamMembers.teamId, input.teamId), inArray(teamMembers.userId, leaving)));
  }
  const joining = userIds.filter((id) => !current.some((m) => m.userId === id));
  if (joining.length > 0) {
    await tx.db
      .insert(teamMembers)
      .values(joining.map((userId) => ({ teamId: input.teamId, userId, workspaceId: actor.workspaceId })));
  }
  const team = await announce(tx, actor.workspaceId, input.teamId);
  await recordAudit(tx.db, actor, {
    action: 'team.members_set',
    target: { type: 'team', id: input.teamId },
    before: { memberIds: before.memberIds },
    after: { memberIds: team.memberIds },
  });
  return team;
}

/**
 * Someone removed from the workspace leaves its teams with it (team membership hangs on the user, not
 * on the workspace membership): no team keeps listing them, and a later invitation starts with none.
 */
export async function leaveTeams(tx: Tx, workspaceId: string, userId: string): Promise<void> {
  const left = await tx.db
    .delete(teamMembers)
    .where(and(eq(teamMembers.workspaceId, workspaceId), eq(teamMembers.userId, userId)))
    .returning({ teamId: teamMembers.teamId });
  for (const { teamId } of left.sort((a, b) => a.teamId.localeCompare(b.teamId))) {
    await announce(tx, workspaceId, teamId);
  }
}
