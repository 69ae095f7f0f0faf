import { attachmentLimits, type BusinessHours, type WidgetSettings } from '@parley/contracts';
import { and, desc, eq, gt, inArray, or } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import {
  contacts,
  conversations,
  memberships,
  teamMembers,
  teams,
  type workspaces,
} from '../../platform/db/schema.ts';
import { isOpen } from '../routing/business-hours.ts';
import type { VisitorPrincipal } from '../workspaces/policy.ts';

/**
 * Whether someone can answer now: with a default team, the team is within business hours and one of
 * its members is Connected with a live console; without one, any member is.
 */
export async function availability(db: Queryable, workspace: typeof workspaces.$inferSelect) {
  const [team] = workspace.defaultTeamId
    ? await db.select().from(teams).where(eq(teams.id, workspace.defaultTeamId))
    : [];
  const open = isOpen((team?.businessHours as BusinessHours | null | undefined) ?? null);
  if (!open) return { online: false, outOfHours: true, outOfHoursMessage: team?.outOfHoursMessage ?? null };
  const [someone] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(
        eq(memberships.workspaceId, workspace.id),
        eq(memberships.status, 'connected'),
        gt(memberships.lastActiveAt, new Date(Date.now() - workspace.disconnectGraceSeconds * 1000)),
        team
          ? inArray(
              memberships.userId,
              db.select({ id: teamMembers.userId }).from(teamMembers).where(eq(teamMembers.teamId, team.id)),
            )
          : undefined,
      ),
    )
    .limit(1);
  return { online: Boolean(someone), outOfHours: false, outOfHoursMessage: null };
}

export async function widgetSettings(
  db: Queryable,
  workspace: typeof workspaces.$inferSelect,
): Promise<WidgetSettings> {
  return {
    name: workspace.name,
    ...(await availability(db, workspace)),
    offlineForm: workspace.widgetOfflineForm,
    prechat: { enabled: workspace.prechatEnabled, requireEmail: workspace.prechatRequireEmail },
    attachments: { maxBytes: attachmentLimits.maxBytes, contentTypes: [...attachmentLimits.contentTypes] },
  };
}

/** The conversation the widget shows: the visitor's latest, whatever its status. */
export async function latestVisitorConversation(db: Queryable, visitor: VisitorPrincipal) {
  const [row] = await db
    .select({ id: conversations.id, status: conversations.status })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, visitor.workspaceId),
        eq(conversations.channel, 'web'),
        visitor.contactId
          ? or(eq(conversations.contactId, visitor.contactId), eq(conversations.visitorId, visitor.visitorId))
          : eq(conversations.visitorId, visitor.visitorId),
      ),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row ?? null;
}

export async function visitorContact(db: Queryable, contactId: string | null) {
  if (!contactId) return { name: null, email: null, identified: false };
  const [row] = await db
    .select({ name: contacts.name, email: contacts.email, externalId: contacts.externalId })
    .from(contacts)
    .where(eq(contacts.id, contactId));
  return { name: row?.name ?? null, email: row?.email ?? null, identified: Boolean(row?.externalId) };
}
