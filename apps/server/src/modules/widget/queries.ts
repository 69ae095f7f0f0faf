import { attachmentLimits, type WidgetSettings } from '@parley/contracts';
import { and, desc, eq, gt, or } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { contacts, conversations, memberships, type workspaces } from '../../platform/db/schema.ts';
import type { VisitorPrincipal } from '../workspaces/policy.ts';

/** Someone can answer when a member has had a live console connection in the last 90 seconds. */
export async function isWorkspaceOnline(db: Queryable, workspaceId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        gt(memberships.lastActiveAt, new Date(Date.now() - 90_000)),
      ),
    )
    .limit(1);
  return Boolean(row);
}

export async function widgetSettings(
  db: Queryable,
  workspace: typeof workspaces.$inferSelect,
): Promise<WidgetSettings> {
  return {
    name: workspace.name,
    online: await isWorkspaceOnline(db, workspace.id),
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

/** The visitor's open conversation, with what a message to it needs: its contact's id and name. */
export async function openVisitorConversation(db: Queryable, visitor: VisitorPrincipal) {
  if (!visitor.contactId) return null;
  const [row] = await db
    .select({ id: conversations.id, contactId: contacts.id, contactName: contacts.name })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(
        eq(conversations.workspaceId, visitor.workspaceId),
        eq(conversations.contactId, visitor.contactId),
        eq(conversations.channel, 'web'),
        eq(conversations.status, 'open'),
      ),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row ?? null;
}
