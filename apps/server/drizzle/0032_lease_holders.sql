ALTER TABLE "jobs" ADD COLUMN "holder" integer;--> statement-breakpoint
ALTER TABLE "subscriber_cursors" ADD COLUMN "holder" integer;--> statement-breakpoint
CREATE INDEX "jobs_leased_idx" ON "jobs" USING btree ("holder") WHERE locked_until IS NOT NULL;