CREATE TABLE "subscriber_cursors" (
	"subscriber" text NOT NULL,
	"workspace_id" uuid NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL,
	"lease" bigint DEFAULT 0 NOT NULL,
	"locked_until" timestamp (3) with time zone,
	"served_at" timestamp (3) with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"retry_at" timestamp (3) with time zone,
	"last_error" text,
	CONSTRAINT "subscriber_cursors_subscriber_workspace_id_pk" PRIMARY KEY("subscriber","workspace_id")
);
--> statement-breakpoint
CREATE TABLE "subscriber_dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subscriber" text NOT NULL,
	"workspace_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"through_seq" bigint NOT NULL,
	"name" text,
	"payload" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text NOT NULL,
	"failed_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscribers" (
	"name" text PRIMARY KEY NOT NULL,
	"registered_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "subscriber_cursors" ADD CONSTRAINT "subscriber_cursors_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriber_dead_letters" ADD CONSTRAINT "subscriber_dead_letters_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscriber_dead_letters_lookup_idx" ON "subscriber_dead_letters" USING btree ("subscriber","workspace_id","seq");--> statement-breakpoint
CREATE INDEX "subscriber_dead_letters_failed_idx" ON "subscriber_dead_letters" USING btree ("failed_at");