-- hand-written (an operator's figures for a period, OPS-7, modules/metrics/figures.ts with operatorId):
-- the conversations they closed, and those rated, in the period are read from these alone (index-only:
-- what the sums need is included) instead of every conversation of theirs (closed) or every rated
-- conversation of the workspace in the period (rated). No column a message moves is in either.
CREATE INDEX "conversations_operator_closed_idx" ON "conversations" ("workspace_id", "assignee_id", "closed_at") INCLUDE ("created_at", "duration_bh_ms") WHERE "status" = 'closed';--> statement-breakpoint
CREATE INDEX "conversations_operator_rated_idx" ON "conversations" ("workspace_id", "assignee_id", "rated_at") INCLUDE ("rating") WHERE "rated_at" IS NOT NULL;
