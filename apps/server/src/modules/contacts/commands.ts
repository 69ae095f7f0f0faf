import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { contacts, conversations, visitors, workspaces } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { ensureContact } from '../messages/commands.ts';
import type { VisitorPrincipal } from '../workspaces/policy.ts';
import { customerCountry } from './country.ts';

/** `Parley.identify`: the site proves who its user is with HMAC-SHA256(workspace secret, id). */
export function verifyIdentityHash(widgetSecret: string, id: string, hash: string): boolean {
  const expected = createHmac('sha256', widgetSecret).update(id).digest();
  const given = Buffer.from(hash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Links the visitor to the known contact with this external id. An anonymous contact the visitor
 * already had is folded into it, conversations included, so nothing they wrote is lost.
 */
export async function identifyVisitor(
  tx: Tx,
  input: { visitor: VisitorPrincipal; externalId: string; name?: string; email?: string; hash: string },
): Promise<string> {
  const [workspace] = await tx.db
    .select({ secret: workspaces.widgetSecret })
    .from(workspaces)
    .where(eq(workspaces.id, input.visitor.workspaceId));
  if (!workspace || !verifyIdentityHash(workspace.secret, input.externalId, input.hash)) {
    throw new AppError('forbidden', 'hash: identity verification failed', 'hash');
  }
  const details = {
    ...(input.name ? { name: input.name } : {}),
    ...(input.email ? { email: input.email.toLowerCase() } : {}),
  };
  const currentId = await ensureContact(tx, input.visitor);
  const [known] = await tx.db
    .select({ id: contacts.id })
    .from(contacts)
    .where(
      and(eq(contacts.workspaceId, input.visitor.workspaceId), eq(contacts.externalId, input.externalId)),
    );
  if (!known) {
    const [claimed] = await tx.db
      .update(contacts)
      .set({ externalId: input.externalId, ...details })
      .where(and(eq(contacts.id, currentId), isNull(contacts.externalId)))
      .returning({ id: contacts.id });
    if (claimed) return claimed.id;
    const [created] = await tx.db
      .insert(contacts)
      .values({ workspaceId: input.visitor.workspaceId, externalId: input.externalId, ...details })
      .returning({ id: contacts.id });
    await tx.db
      .update(visitors)
      .set({ contactId: created!.id })
      .where(eq(visitors.id, input.visitor.visitorId));
    return created!.id;
  }
  if (Object.keys(details).length > 0)
    await tx.db.update(contacts).set(details).where(eq(contacts.id, known.id));
  if (known.id !== currentId) {
    const [anonymous] = await tx.db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.id, currentId), isNull(contacts.externalId)));
    await tx.db.update(visitors).set({ contactId: known.id }).where(eq(visitors.id, input.visitor.visitorId));
    if (anonymous) {
      await tx.db
        .update(conversations)
        .set({ contactId: known.id })
        .where(eq(conversations.contactId, anonymous.id));
      await tx.db.delete(contacts).where(eq(contacts.id, anonymous.id));
    }
  }
  return known.id;
}

export async function updateVisitorContact(
  tx: Tx,
  input: { visitor: VisitorPrincipal; name?: string; email?: string; attributes?: Record<string, unknown> },
) {
  const contactId = await ensureContact(tx, input.visitor);
  await tx.db
    .update(contacts)
    .set({
      ...(input.name ? { name: input.name } : {}),
      ...(input.email ? { email: input.email.toLowerCase() } : {}),
      ...(input.attributes
        ? { attributes: sql`${contacts.attributes} || ${JSON.stringify(input.attributes)}::jsonb` }
        : {}),
    })
    .where(eq(contacts.id, contactId));
  return contactId;
}

/**
 * A channel or an operator sets (or clears) the contact's phone; the customer's country follows the
 * rule of `customerCountry` (ADM-3): the phone's country, else the region of the language of the
 * contact's most recently seen visitor, else unknown. So a number with no recognisable country, or
 * no number, leaves the language's region.
 */
export async function setContactPhone(
  tx: Tx,
  input: { workspaceId: string; contactId: string; phone: string | null },
): Promise<void> {
  const [visitor] = await tx.db
    .select({ locale: visitors.locale })
    .from(visitors)
    .where(and(eq(visitors.workspaceId, input.workspaceId), eq(visitors.contactId, input.contactId)))
    .orderBy(desc(visitors.lastSeenAt))
    .limit(1);
  const [row] = await tx.db
    .update(contacts)
    .set({ phone: input.phone, country: customerCountry(input.phone, visitor?.locale) })
    .where(and(eq(contacts.workspaceId, input.workspaceId), eq(contacts.id, input.contactId)))
    .returning({ id: contacts.id });
  if (!row) throw notFound('contact');
}
