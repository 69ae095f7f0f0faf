CREATE TABLE "conversation_assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"cycle" integer NOT NULL,
	"user_id" uuid NOT NULL,
	"team_id" uuid,
	"how" text NOT NULL,
	"assigned_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"end_reason" text,
	"first_reply_at" timestamp (3) with time zone,
	"response_sum_ms" bigint DEFAULT 0 NOT NULL,
	"response_count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "cycle" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "cycle_started_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "burst_started_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "response_sum_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "response_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "first_action_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "first_author" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "closed_by_id" uuid;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "transfer_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversation_assignments" ADD CONSTRAINT "conversation_assignments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_assignments" ADD CONSTRAINT "conversation_assignments_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_assignments" ADD CONSTRAINT "conversation_assignments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_assignments_open_key" ON "conversation_assignments" USING btree ("conversation_id") WHERE "conversation_assignments"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX "conversation_assignments_conversation_idx" ON "conversation_assignments" USING btree ("conversation_id","assigned_at");--> statement-breakpoint
CREATE INDEX "conversation_assignments_workspace_idx" ON "conversation_assignments" USING btree ("workspace_id","assigned_at");--> statement-breakpoint
CREATE INDEX "conversation_assignments_user_idx" ON "conversation_assignments" USING btree ("workspace_id","user_id","assigned_at");--> statement-breakpoint
CREATE INDEX "conversations_created_idx" ON "conversations" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "conversations_closed_idx" ON "conversations" USING btree ("workspace_id","closed_at");--> statement-breakpoint
UPDATE "conversations" SET "cycle_started_at" = "created_at";--> statement-breakpoint
INSERT INTO "conversation_assignments" ("workspace_id", "conversation_id", "cycle", "user_id", "team_id", "how", "assigned_at", "ended_at", "end_reason", "first_reply_at")
SELECT "workspace_id", "id", 1, "assignee_id", "team_id", 'automatic', coalesce("assigned_at", "created_at"),
  CASE WHEN "status" = 'closed' THEN coalesce("closed_at", "created_at") END,
  CASE WHEN "status" = 'closed' THEN 'close' END,
  CASE WHEN "first_operator_reply_at" >= coalesce("assigned_at", "created_at") THEN "first_operator_reply_at" END
FROM "conversations" WHERE "assignee_id" IS NOT NULL;
