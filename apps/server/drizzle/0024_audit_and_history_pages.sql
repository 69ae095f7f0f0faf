-- The audit log and a member's connection history read a page from its cursor (a row comparison on (at, id),
-- connection-history.ts before()), the audit log's action filter (exact or a prefix, LIKE) and its actor
-- filter (actor OR impersonator) from an index each, instead of walking the whole log newest first.
DROP INDEX "connection_history_user_at_idx";--> statement-breakpoint
CREATE INDEX "audit_log_workspace_impersonator_idx" ON "audit_log" USING btree ("workspace_id","impersonator_id","created_at") WHERE impersonator_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_log_workspace_action_idx" ON "audit_log" USING btree ("workspace_id","action" text_pattern_ops,"created_at","id");--> statement-breakpoint
CREATE INDEX "connection_history_user_at_idx" ON "connection_history" USING btree ("user_id","created_at","id");
