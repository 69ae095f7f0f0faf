-- hand-written (an operator's figures for a period, OPS-7: modules/metrics/figures.ts with an operator,
-- modules/routing/status-time.ts): each query reads only what an index holds, instead of one table row
-- per conversation, assignment or status change of the operator in the period (bench:operators: an
-- operator's year read 50,000 rows of each table, scattered over as many pages).
-- Their conversations created in the period (queue wait, service level): same key as before, the
-- columns those sums read included. None moves with every message (they are set once), so a message's
-- new row version stays a HOT update.
DROP INDEX "conversations_admin_operator_idx";--> statement-breakpoint
CREATE INDEX "conversations_admin_operator_idx" ON "conversations" ("workspace_id", "assignee_id", "created_at", "id") INCLUDE ("first_action_at", "first_assigned_at", "queued_at", "out_of_hours", "wait_bh_ms", "first_operator_reply_at");--> statement-breakpoint
-- Their assignments in the period (conversations, attended, unattended, first response, response).
-- The response sums move when the operator answers, so that update of the open assignment writes an
-- entry in this table's indexes. It seldom was a HOT update before either: this table keeps no free
-- space on its pages (on the bench's database, 0 of 21,800 such updates were HOT without this index).
DROP INDEX "conversation_assignments_user_idx";--> statement-breakpoint
CREATE INDEX "conversation_assignments_user_idx" ON "conversation_assignments" ("workspace_id", "user_id", "assigned_at") INCLUDE ("conversation_id", "first_reply_at", "first_reply_bh_ms", "ended_at", "response_sum_ms", "response_count", "response_bh_sum_ms", "response_bh_count");--> statement-breakpoint
-- The conversations transferred in the period (insert-only rows).
DROP INDEX "transfers_workspace_idx";--> statement-breakpoint
CREATE INDEX "transfers_workspace_idx" ON "transfers" ("workspace_id", "created_at") INCLUDE ("conversation_id");--> statement-breakpoint
-- Time in each status: the member's status changes (insert-only rows).
CREATE INDEX "connection_history_status_idx" ON "connection_history" ("user_id", "created_at") INCLUDE ("workspace_id", "detail") WHERE "kind" = 'status_change';
