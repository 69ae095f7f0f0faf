DROP INDEX "conversations_created_idx";--> statement-breakpoint
DROP INDEX "contacts_country_idx";--> statement-breakpoint
DROP INDEX "conversations_assignee_idx";--> statement-breakpoint
DROP INDEX "conversation_tags_tag_idx";--> statement-breakpoint
CREATE INDEX "conversations_admin_operator_idx" ON "conversations" USING btree ("workspace_id","assignee_id","created_at","id");--> statement-breakpoint
CREATE INDEX "contacts_country_idx" ON "contacts" USING btree ("workspace_id","country","id");--> statement-breakpoint
CREATE INDEX "conversations_assignee_idx" ON "conversations" USING btree ("workspace_id","status","assignee_id");--> statement-breakpoint
CREATE INDEX "conversation_tags_tag_idx" ON "conversation_tags" USING btree ("tag_id","workspace_id","conversation_id");--> statement-breakpoint
-- hand-written (administrator's list at a million conversations, modules/admin-conversations):
-- the customer sort walks the workspace's contacts in name order (queries.ts groupsOf; keep the
-- expression identical to sorts.ts sortSpecs.customer), and the rating filter counts from the rating
-- sort's index alone (the rating itself included so the scan needs no table read).
CREATE INDEX "contacts_admin_name_idx" ON "contacts" ("workspace_id", (lower(coalesce("name", "phone", "email", "external_id", ''))), "id");--> statement-breakpoint
DROP INDEX "conversations_admin_rating_idx";--> statement-breakpoint
CREATE INDEX "conversations_admin_rating_idx" ON "conversations" ("workspace_id", (coalesce("rating", 0)), "id") INCLUDE ("rating");
--> statement-breakpoint
-- The inactivity sort walks the inbox's conversations_activity_idx once per status instead: one index
-- fewer on the column every message moves.
DROP INDEX "conversations_admin_activity_idx";
