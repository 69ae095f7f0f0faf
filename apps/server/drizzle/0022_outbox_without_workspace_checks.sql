-- A foreign-key check per message and per event on the workspace row (a tenth of the message writer's
-- statement): a message goes with its conversation, which goes with its workspace; an event can only
-- be numbered by the statement that moves its workspace's counter. A deleted workspace's events are
-- deleted by a trigger, as the cascade did.
ALTER TABLE "messages" DROP CONSTRAINT "messages_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_workspace_id_workspaces_id_fk";--> statement-breakpoint
CREATE FUNCTION "workspace_events_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM events WHERE workspace_id = OLD.id;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "workspace_events_delete" AFTER DELETE ON "workspaces" FOR EACH ROW
  EXECUTE FUNCTION "workspace_events_delete"();--> statement-breakpoint
-- Found with the test of the events' trigger: deleting a workspace kept its conversations.
CREATE OR REPLACE FUNCTION "metric_conversation_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ws "workspaces"%ROWTYPE;
  ws_id uuid := coalesce(NEW.workspace_id, OLD.workspace_id);
BEGIN
  SELECT * INTO ws FROM workspaces WHERE id = ws_id;
  -- The workspace is being deleted: its rollups go with it. OLD, not NULL: this also runs BEFORE
  -- DELETE, where NULL would keep the conversation (and its messages) of a deleted workspace.
  IF NOT FOUND THEN RETURN OLD; END IF;
  INSERT INTO metric_days (workspace_id, day, team_id, channel, total, attended, unattended, response_sum, response_count, wait_sum, wait_count, closed, duration_sum, first_sum, first_count, sl_count, sl_met, first_bh_sum, first_bh_count, response_bh_sum, response_bh_count, wait_bh_sum, wait_bh_count, duration_bh_sum, duration_bh_count)
  SELECT r.workspace_id, r.day, r.team_id, r.channel, sum(r.total), sum(r.attended), sum(r.unattended), sum(r.response_sum), sum(r.response_count), sum(r.wait_sum), sum(r.wait_count), sum(r.closed), sum(r.duration_sum), sum(r.first_sum), sum(r.first_count), sum(r.sl_count), sum(r.sl_met), sum(r.first_bh_sum), sum(r.first_bh_count), sum(r.response_bh_sum), sum(r.response_bh_count), sum(r.wait_bh_sum), sum(r.wait_bh_count), sum(r.duration_bh_sum), sum(r.duration_bh_count)
  FROM (
    SELECT * FROM metric_conversation_rows(NEW, ws.timezone, ws.service_level_seconds, 1) WHERE TG_OP <> 'DELETE'
    UNION ALL
    SELECT * FROM metric_conversation_rows(OLD, ws.timezone, ws.service_level_seconds, -1) WHERE TG_OP <> 'INSERT'
    UNION ALL
    -- A conversation deleted (BEFORE DELETE, so its assignments are still there) takes theirs along.
    SELECT m.* FROM conversation_assignments a, metric_assignment_rows(a, ws.timezone, -1) m
    WHERE TG_OP = 'DELETE' AND a.conversation_id = OLD.id
  ) r
  GROUP BY 1, 2, 3, 4
  HAVING sum(r.total) <> 0 OR sum(r.attended) <> 0 OR sum(r.unattended) <> 0 OR sum(r.response_sum) <> 0 OR sum(r.response_count) <> 0 OR sum(r.wait_sum) <> 0 OR sum(r.wait_count) <> 0 OR sum(r.closed) <> 0 OR sum(r.duration_sum) <> 0 OR sum(r.first_sum) <> 0 OR sum(r.first_count) <> 0 OR sum(r.sl_count) <> 0 OR sum(r.sl_met) <> 0 OR sum(r.first_bh_sum) <> 0 OR sum(r.first_bh_count) <> 0 OR sum(r.response_bh_sum) <> 0 OR sum(r.response_bh_count) <> 0 OR sum(r.wait_bh_sum) <> 0 OR sum(r.wait_bh_count) <> 0 OR sum(r.duration_bh_sum) <> 0 OR sum(r.duration_bh_count) <> 0;
  INSERT INTO metric_now (workspace_id, team_id, channel, active, pending, queued)
  SELECT r.workspace_id, r.team_id, r.channel, sum(r.active), sum(r.pending), sum(r.queued)
  FROM (
    SELECT * FROM metric_now_rows(NEW, 1) WHERE TG_OP <> 'DELETE'
    UNION ALL
    SELECT * FROM metric_now_rows(OLD, -1) WHERE TG_OP <> 'INSERT'
  ) r
  GROUP BY 1, 2, 3 HAVING sum(r.active) <> 0 OR sum(r.pending) <> 0 OR sum(r.queued) <> 0;
  -- Transfers are counted under the conversation's current team: a team change moves them.
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.team_id IS DISTINCT FROM NEW.team_id) THEN
    INSERT INTO metric_transfer_days (workspace_id, day, previous_day, team_id, channel, n)
    SELECT ws_id, t.day, t.previous_day, OLD.team_id, OLD.channel, -count(*)
    FROM metric_transfer_rows(OLD.id, ws.timezone) t GROUP BY t.day, t.previous_day;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.team_id IS DISTINCT FROM NEW.team_id THEN
    INSERT INTO metric_transfer_days (workspace_id, day, previous_day, team_id, channel, n)
    SELECT ws_id, t.day, t.previous_day, NEW.team_id, NEW.channel, count(*)
    FROM metric_transfer_rows(NEW.id, ws.timezone) t GROUP BY t.day, t.previous_day;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NULL;
END;
$$;
