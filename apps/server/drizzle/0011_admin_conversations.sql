CREATE TABLE "conversation_exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"format" text NOT NULL,
	"query" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"total" integer,
	"rows" integer DEFAULT 0 NOT NULL,
	"size" bigint,
	"storage_key" text,
	"error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "conversation_tags" (
	"conversation_id" uuid NOT NULL,
	"tag_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversation_tags_conversation_id_tag_id_pk" PRIMARY KEY("conversation_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"colour" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "country" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "rating" smallint;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "rating_comment" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "rated_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conversation_exports" ADD CONSTRAINT "conversation_exports_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_exports" ADD CONSTRAINT "conversation_exports_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_tags" ADD CONSTRAINT "conversation_tags_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_tags" ADD CONSTRAINT "conversation_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_tags" ADD CONSTRAINT "conversation_tags_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_exports_user_idx" ON "conversation_exports" USING btree ("workspace_id","user_id","created_at");--> statement-breakpoint
CREATE INDEX "conversation_tags_tag_idx" ON "conversation_tags" USING btree ("tag_id","conversation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tags_name_key" ON "tags" USING btree ("workspace_id","name");--> statement-breakpoint
CREATE INDEX "contacts_country_idx" ON "contacts" USING btree ("workspace_id","country");--> statement-breakpoint
-- hand-written: trigram search over the customer's name, e-mail, phone and external id (ADM-3), and
-- one index per sort key of the administrator's list so every sort is a keyset walk (ADM-2). The
-- expressions are the ones modules/admin-conversations/sorts.ts orders by.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "contacts_search_trgm_idx" ON "contacts" USING gin ((coalesce("name", '') || ' ' || coalesce("email", '') || ' ' || coalesce("phone", '') || ' ' || coalesce("external_id", '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "conversations_admin_created_idx" ON "conversations" ("workspace_id", "created_at", "id");--> statement-breakpoint
CREATE INDEX "conversations_admin_activity_idx" ON "conversations" ("workspace_id", "last_activity_at", "id");--> statement-breakpoint
CREATE INDEX "conversations_admin_duration_idx" ON "conversations" ("workspace_id", (coalesce("closed_at" - "created_at", interval '1000 years')), "id");--> statement-breakpoint
CREATE INDEX "conversations_admin_rating_idx" ON "conversations" ("workspace_id", (coalesce("rating", 0)), "id");--> statement-breakpoint
CREATE INDEX "conversations_admin_status_idx" ON "conversations" ("workspace_id", (CASE WHEN "status" = 'closed' THEN 2 WHEN "assignee_id" IS NULL THEN 0 ELSE 1 END), "id");--> statement-breakpoint
CREATE INDEX "conversations_admin_response_idx" ON "conversations" ("workspace_id", (coalesce("first_operator_reply_at" - "created_at", interval '1000 years')), "id");--> statement-breakpoint
CREATE INDEX "conversations_admin_response_assigned_idx" ON "conversations" ("workspace_id", (coalesce(CASE WHEN "first_operator_reply_at" < "first_assigned_at" THEN interval '0' ELSE "first_operator_reply_at" - "first_assigned_at" END, interval '1000 years')), "id");--> statement-breakpoint
CREATE INDEX "conversations_admin_author_idx" ON "conversations" ("workspace_id", (coalesce("first_author", '')), "id");--> statement-breakpoint
CREATE INDEX "conversations_admin_team_idx" ON "conversations" ("workspace_id", "team_id", "created_at", "id");
