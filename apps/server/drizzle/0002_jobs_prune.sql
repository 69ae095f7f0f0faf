DROP INDEX "jobs_due_idx";--> statement-breakpoint
CREATE INDEX "jobs_finished_idx" ON "jobs" USING btree ("failed_at","done_at") WHERE done_at IS NOT NULL OR failed_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("run_at","id") WHERE done_at IS NULL AND failed_at IS NULL;