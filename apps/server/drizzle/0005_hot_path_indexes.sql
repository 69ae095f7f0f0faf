CREATE INDEX "conversations_visitor_idx" ON "conversations" USING btree ("visitor_id","created_at");--> statement-breakpoint
CREATE INDEX "conversations_waiting_idx" ON "conversations" USING btree ("workspace_id","team_id") WHERE status = 'open' AND assignee_id IS NULL AND queued_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "conversations_team_queue_idx" ON "conversations" USING btree ("team_id","queued_at") WHERE status = 'open' AND assignee_id IS NULL AND queued_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "events_created_idx" ON "events" USING brin ("created_at");