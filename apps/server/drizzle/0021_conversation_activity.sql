-- The lists' order by last activity moves out of `conversations` (conversations_activity_idx) into a
-- narrow table kept by triggers: with no index of `conversations` holding last_activity_at, the row
-- version a message writes is a HOT update (no new entry in any of its ~20 indexes), and only this
-- table's two index entries move.
CREATE TABLE "conversation_activity" (
	"conversation_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"status" text NOT NULL,
	"last_activity_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
INSERT INTO "conversation_activity" ("conversation_id", "workspace_id", "status", "last_activity_at")
  SELECT "id", "workspace_id", "status", "last_activity_at" FROM "conversations";--> statement-breakpoint
ALTER TABLE "conversation_activity" ADD CONSTRAINT "conversation_activity_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_activity_idx" ON "conversation_activity" USING btree ("workspace_id","status","last_activity_at","conversation_id");--> statement-breakpoint
DROP INDEX "conversations_activity_idx";--> statement-breakpoint
-- Room on each page for the new versions of its rows (HOT needs it on the same page).
ALTER TABLE "conversations" SET (fillfactor = 80);--> statement-breakpoint
-- New conversations, per statement (a bulk insert copies its rows in one statement).
CREATE FUNCTION "conversation_activity_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO conversation_activity (conversation_id, workspace_id, status, last_activity_at)
    SELECT id, workspace_id, status, last_activity_at FROM added;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "conversation_activity_insert" AFTER INSERT ON "conversations"
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT
  EXECUTE FUNCTION "conversation_activity_insert"();--> statement-breakpoint
-- A changed status or last activity, per row and only then (most updates change neither).
CREATE FUNCTION "conversation_activity_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conversation_activity SET workspace_id = NEW.workspace_id, status = NEW.status,
    last_activity_at = NEW.last_activity_at
  WHERE conversation_id = NEW.id;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "conversation_activity_update" AFTER UPDATE ON "conversations" FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.last_activity_at IS DISTINCT FROM NEW.last_activity_at
    OR OLD.workspace_id IS DISTINCT FROM NEW.workspace_id)
  EXECUTE FUNCTION "conversation_activity_update"();
