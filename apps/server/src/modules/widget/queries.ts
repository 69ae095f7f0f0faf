import { attachmentLimits, type BusinessHours, type WidgetSettings } from '@parley/contracts';
import { and, desc, eq, gt, inArray, or, sql } from 'drizzle-orm';
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
  if (!open) return { online: false, outOfHours: true };
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
  return { online: Boolean(someone), outOfHours: false };
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

/**
 * The visitor's open conversation with what a message to it needs (its contact's id and name), in one
 * round trip: this runs for every message a visitor sends.
 */
export async function openVisitorConversation(db: Queryable, visitor: VisitorPrincipal) {
  const { rows } = await db.execute<{
    id: string | null;
    contact_id: string | null;
    contact_name: string | null;
  }>(sql`
    SELECT c.id, v.contact_id, ct.name AS contact_name
    FROM visitors v
    JOIN contacts ct ON ct.id = v.contact_id
    LEFT JOIN LATERAL (
      SELECT id FROM conversations
      WHERE workspace_id = v.workspace_id AND contact_id = v.contact_id AND channel = 'web' AND status = 'open'
      ORDER BY created_at DESC LIMIT 1
    ) c ON true
    WHERE v.id = ${visitor.visitorId} AND v.workspace_id = ${visitor.workspaceId}`);
  const row = rows[0];
  if (!row?.id || !row.contact_id) return null;
  return { id: row.id, contactId: row.contact_id, contactName: row.contact_name };
}
