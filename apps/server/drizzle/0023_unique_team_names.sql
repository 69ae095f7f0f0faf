-- Teams of one workspace that share a name (ignoring case) keep it once: the others are renamed
-- "Name (2)", "Name (3)", … in the order they were made, so the unique index can be built.
UPDATE "teams" t SET "name" = t."name" || ' (' || d.n || ')'
FROM (
  SELECT "id", row_number() OVER (PARTITION BY "workspace_id", lower("name") ORDER BY "created_at", "id") AS n
  FROM "teams"
) d
WHERE d."id" = t."id" AND d.n > 1;--> statement-breakpoint
CREATE UNIQUE INDEX "teams_name_key" ON "teams" USING btree ("workspace_id",lower("name"));
