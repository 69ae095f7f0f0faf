import { type SQL, sql } from 'drizzle-orm';
import { containsPattern } from '../../platform/db/like.ts';

/**
 * The ids of the workspace's customers whose name, e-mail, phone or external id contains `text`
 * (case-insensitive), as a subquery: `conversation.contact_id IN (…)`. It reads the trigram index on
 * exactly this expression (`contacts_search_trgm_idx`, migration 0011: keep identical), so a rare
 * customer is found among a million conversations without reading them all.
 */
export function contactsMatching(workspaceId: string, text: string): SQL {
  return sql`(SELECT ct_search.id FROM contacts ct_search WHERE ct_search.workspace_id = ${workspaceId}
    AND (coalesce(ct_search.name, '') || ' ' || coalesce(ct_search.email, '') || ' ' || coalesce(ct_search.phone, '')
      || ' ' || coalesce(ct_search.external_id, '')) ILIKE ${containsPattern(text)})`;
}
