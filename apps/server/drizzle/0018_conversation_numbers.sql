-- Conversation numbers come from one sequence per workspace (nextval takes no row lock and never
-- waits), instead of a counter on the workspace row that a new conversation held locked until its
-- transaction committed, which made every first message of a workspace wait for the one before. A
-- number whose transaction rolls back is skipped, as with any sequence.
CREATE FUNCTION "conversation_number_sequence"(ws uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT 'conversation_number_' || replace(ws::text, '-', '')
$$;--> statement-breakpoint
CREATE FUNCTION "next_conversation_number"(ws uuid) RETURNS integer LANGUAGE sql VOLATILE AS $$
  SELECT nextval(conversation_number_sequence(ws)::regclass)::integer
$$;--> statement-breakpoint
CREATE FUNCTION "workspace_conversation_numbers"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', conversation_number_sequence(NEW.id),
      NEW.conversation_seq + 1);
  ELSE
    EXECUTE format('DROP SEQUENCE IF EXISTS %I', conversation_number_sequence(OLD.id));
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "workspace_conversation_numbers" AFTER INSERT OR DELETE ON "workspaces" FOR EACH ROW
  EXECUTE FUNCTION "workspace_conversation_numbers"();--> statement-breakpoint
DO $$
DECLARE w record;
BEGIN
  FOR w IN SELECT id, conversation_seq FROM workspaces LOOP
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', conversation_number_sequence(w.id),
      greatest(w.conversation_seq, (SELECT coalesce(max(number), 0) FROM conversations WHERE workspace_id = w.id)) + 1);
  END LOOP;
END
$$;
