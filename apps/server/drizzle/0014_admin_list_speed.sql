DROP INDEX "conversations_created_idx";--> statement-breakpoint
CREATE INDEX "conversations_admin_operator_idx" ON "conversations" USING btree ("workspace_id","assignee_id","created_at","id");--> statement-breakpoint
-- hand-written: the customer sort of the administrator's list walks the workspace's contacts in name
-- order (modules/admin-conversations/queries.ts groupsOf; keep the expression identical to sortSpecs.customer).
CREATE INDEX "contacts_admin_name_idx" ON "contacts" ("workspace_id", (lower(coalesce("name", "phone", "email", "external_id", ''))), "id");
