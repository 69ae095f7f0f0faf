-- The customer search (ADM-3 and the operator's list) ignores accents ("Fernandez" finds "Fernández")
-- and finds a phone number however it is written ("+34600123456" or "600 123 456" finds
-- "+34 600 123 456"): the indexed text is unaccented, and ends with the phone's digits alone.
-- contacts/search.ts reads the stored column and unaccents the search text with the same dictionary.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
-- IMMUTABLE, as a stored column needs: it names its dictionary, so no search path changes its result.
CREATE OR REPLACE FUNCTION parley_contact_search_text(name text, email text, phone text, external_id text)
  RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT public.unaccent('public.unaccent'::regdictionary,
      coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(external_id, ''))
    || ' ' || regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')
$$;--> statement-breakpoint
DROP INDEX IF EXISTS "contacts_search_trgm_idx";--> statement-breakpoint
-- Stored, so a search reads the text instead of computing it for every customer it meets (a list
-- walked in activity order checks each row's customer), and the planner has its statistics.
ALTER TABLE "contacts" ADD COLUMN "search_text" text
  GENERATED ALWAYS AS (parley_contact_search_text("name", "email", "phone", "external_id")) STORED;--> statement-breakpoint
CREATE INDEX "contacts_search_trgm_idx" ON "contacts" USING gin ("search_text" gin_trgm_ops);
