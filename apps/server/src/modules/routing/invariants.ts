import type { EventPayload } from '@parley/contracts';
import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { events, memberships, teams } from '../../platform/db/schema.ts';

export interface RoutingAudit {
  /** Assignments made by the router. */
  assignments: number;
  violations: string[];
}

/**
 * Replays a workspace's outbox in sequence order — which is commit order — and checks ROUTE-4: at
 * every automatic assignment the conversation had no other assignee, automatic assignments and
 * transfers went to someone Connected, and nobody was ever handed one over capacity. Used by the concurrency test and bench/routing; the outbox is the witness.
 */
export async function auditRouting(db: Queryable, workspaceId: string): Promise<RoutingAudit> {
  const members = await db
    .select({ userId: memberships.userId, capacity: memberships.capacity })
    .from(memberships)
    .where(eq(memberships.workspaceId, workspaceId));
  const teamCapacity = new Map(
    (
      await db
        .select({ id: teams.id, capacity: teams.capacity })
        .from(teams)
        .where(eq(teams.workspaceId, workspaceId))
    ).map((t) => [t.id, t.capacity]),
  );
  const capacity = new Map(members.map((m) => [m.userId, m.capacity]));
  const status = new Map(members.map((m) => [m.userId, 'connected']));
  const assignee = new Map<string, string | null>();
  const open = new Map<string, boolean>();
  const load = (userId: string) =>
    [...assignee.entries()].filter(([conversationId, a]) => a === userId && open.get(conversationId)).length;
  const violations: string[] = [];
  let assignments = 0;

  const log = await db
    .select({ seq: events.seq, name: events.name, payload: events.payload })
    .from(events)
    .where(and(eq(events.workspaceId, workspaceId)))
    .orderBy(asc(events.seq));
  for (const event of log) {
    if (event.name === 'operator.status_changed') {
      const p = event.payload as EventPayload<'operator.status_changed'>;
      status.set(p.userId, p.status);
    } else if (event.name === 'conversation.created') {
      const { conversation } = event.payload as EventPayload<'conversation.created'>;
      assignee.set(conversation.id, conversation.assigneeId);
      open.set(conversation.id, conversation.status === 'open');
    } else if (event.name === 'conversation.updated') {
      const p = event.payload as EventPayload<'conversation.updated'>;
      const c = p.conversation;
      const automatic = p.change === 'assigned' && p.actorId === null;
      if (automatic && c.assigneeId) {
        assignments++;
        const before = assignee.get(c.id) ?? null;
        if (before !== null)
          violations.push(`#${event.seq}: conversation ${c.id} assigned while ${before} had it`);
      }
      // Whoever gives a conversation to someone (router, transfer, by hand) stays within capacity, and
      // the router and transfers only to someone Connected.
      const handedOn =
        (p.change === 'assigned' || p.change === 'transferred') &&
        c.assigneeId &&
        c.status === 'open' &&
        assignee.get(c.id) !== c.assigneeId;
      if (handedOn && c.assigneeId) {
        if ((automatic || p.change === 'transferred') && status.get(c.assigneeId) !== 'connected') {
          violations.push(`#${event.seq}: ${p.change} to ${c.assigneeId} while ${status.get(c.assigneeId)}`);
        }
        const limit = (c.teamId ? teamCapacity.get(c.teamId) : null) ?? capacity.get(c.assigneeId) ?? 3;
        if (load(c.assigneeId) >= limit)
          violations.push(`#${event.seq}: ${p.change} to ${c.assigneeId} over capacity ${limit}`);
      }
      assignee.set(c.id, c.assigneeId);
      open.set(c.id, c.status === 'open');
    }
  }
  return { assignments, violations };
}
