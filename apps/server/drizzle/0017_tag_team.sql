DROP INDEX "conversation_tags_tag_idx";--> statement-breakpoint
ALTER TABLE "conversation_tags" ADD COLUMN "team_id" uuid;--> statement-breakpoint
UPDATE "conversation_tags" x SET "team_id" = c."team_id" FROM "conversations" c WHERE c."id" = x."conversation_id";--> statement-breakpoint
CREATE INDEX "conversation_tags_tag_idx" ON "conversation_tags" USING btree ("tag_id","workspace_id","team_id","conversation_id");--> statement-breakpoint
-- A conversation moved to another team (routing, a transfer, an administrator) carries its tags'
-- copy of the team along, in the same transaction.
CREATE FUNCTION "conversation_tags_follow_team"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conversation_tags SET team_id = NEW.team_id WHERE conversation_id = NEW.id;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "conversation_tags_follow_team" AFTER UPDATE OF "team_id" ON "conversations" FOR EACH ROW
  WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id) EXECUTE FUNCTION "conversation_tags_follow_team"();
