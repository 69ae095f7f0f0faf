import { type SQL, sql } from 'drizzle-orm';
import { containsPattern } from '../../platform/db/like.ts';

/** Only what a phone number is written with, and at least three digits. */
const phoneLike = /^(?=(?:\D*\d){3})[+\d\s().\-/]+$/;

/**
 * What a search is matched as: a phone number written any way ("+34 600 123 456", "600123456",
 * "(600) 123-456") by its digits alone, since a customer's search text ends with their phone's
 * digits; any other text as it is typed.
 */
export function searchTerm(text: string): string {
  return phoneLike.test(text) ? text.replace(/\D/g, '') : text;
}

/**
 * The ids of the workspace's customers whose name, e-mail, phone or external id contains `text`, in
 * any case and with or without accents ("Fernandez" finds "Fernández"), a phone number however it is
 * written — as a subquery: `conversation.contact_id IN (…)`. It reads `contacts.search_text` (stored,
 * unaccented, migration 0031) through its trigram index, so a rare customer is found among a million
 * conversations without reading them all; the pattern is unaccented by the same dictionary.
 */
export function contactsMatching(workspaceId: string, text: string): SQL {
  const pattern = containsPattern(searchTerm(text));
  return sql`(SELECT ct_search.id FROM contacts ct_search WHERE ct_search.workspace_id = ${workspaceId}
    AND ct_search.search_text ILIKE public.unaccent('public.unaccent'::regdictionary, ${pattern}))`;
}
