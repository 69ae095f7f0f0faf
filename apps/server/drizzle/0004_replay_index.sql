CREATE INDEX "conversations_visitor_idx" ON "conversations" USING btree ("visitor_id");--> statement-breakpoint
CREATE INDEX "events_conversation_idx" ON "events" USING btree ("workspace_id","conversation_id","seq");--> statement-breakpoint
UPDATE "events" SET "conversation_id" = coalesce("payload"->'conversation'->>'id', "payload"->>'conversationId')::uuid
WHERE "conversation_id" IS NULL
  AND coalesce("payload"->'conversation'->>'id', "payload"->>'conversationId') ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
