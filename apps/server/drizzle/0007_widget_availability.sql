ALTER TABLE "workspaces" ADD COLUMN "widget_offline_form" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "widget_available" boolean;