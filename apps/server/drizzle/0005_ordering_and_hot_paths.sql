DROP INDEX "conversations_activity_idx";--> statement-breakpoint
DROP INDEX "conversations_visitor_idx";--> statement-breakpoint
DROP INDEX "messages_conversation_idx";--> statement-breakpoint
DROP INDEX "jobs_due_idx";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "conversations_waiting_idx" ON "conversations" USING btree ("workspace_id","team_id") WHERE status = 'open' AND assignee_id IS NULL AND queued_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "conversations_team_queue_idx" ON "conversations" USING btree ("team_id","queued_at") WHERE status = 'open' AND assignee_id IS NULL AND queued_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "events_created_idx" ON "events" USING brin ("created_at");--> statement-breakpoint
CREATE INDEX "jobs_finished_idx" ON "jobs" USING btree ("failed_at","done_at") WHERE done_at IS NOT NULL OR failed_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "conversations_activity_idx" ON "conversations" USING btree ("workspace_id","status","last_activity_at","id");--> statement-breakpoint
CREATE INDEX "conversations_visitor_idx" ON "conversations" USING btree ("visitor_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_conversation_idx" ON "messages" USING btree ("conversation_id","seq","created_at","id");--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("run_at","id") WHERE done_at IS NULL AND failed_at IS NULL;