import { and, asc, eq, gt, inArray, lte, min, or, sql } from 'drizzle-orm';
import type { StoredEvent } from '../events/bus.ts';
import type { VisitorPrincipal } from '../modules/workspaces/policy.ts';
import type { Db } from '../platform/db/client.ts';
import { conversations, events, workspaces } from '../platform/db/schema.ts';
import type { FeedSource } from './feed.ts';

/** Events read back at most per page. */
export const PAGE = 1000;

/**
 * What the gateway reads of the outbox: a workspace's head and ranges (for its feeds and operators
 * resuming), a visitor's missed events (only their conversations'), and whether events after a
 * sequence were pruned (the client must reload instead of resuming).
 */
export function outboxReads(db: Db, refresh: (event: StoredEvent) => StoredEvent = (event) => event) {
  const stored = (row: typeof events.$inferSelect): StoredEvent =>
    refresh({
      workspaceId: row.workspaceId,
      seq: row.seq,
      name: row.name,
      payload: row.payload,
      at: row.at.toISOString(),
    });

  /** Workspaces' heads in one statement: a feed's start, and the gateway's periodic check of all. */
  const heads = async (workspaceIds: string[]): Promise<Map<string, number>> => {
    const rows = await db
      .select({ id: workspaces.id, seq: workspaces.eventSeq })
      .from(workspaces)
      .where(sql`${workspaces.id} = ANY(${sql.param(workspaceIds)}::uuid[])`);
    return new Map(rows.map((row) => [row.id, row.seq]));
  };

  const source: FeedSource = {
    async head(workspaceId) {
      return (await heads([workspaceId])).get(workspaceId) ?? 0;
    },
    async range(workspaceId, after, upTo) {
      const rows = await db
        .select()
        .from(events)
        .where(and(eq(events.workspaceId, workspaceId), gt(events.seq, after), lte(events.seq, upTo)))
        .orderBy(asc(events.seq))
        .limit(PAGE);
      return rows.map(stored);
    },
  };

  /** A visitor's missed events: only those of its conversations, through events_conversation_idx. */
  const visitorRange = async (p: VisitorPrincipal, after: number, upTo: number): Promise<StoredEvent[]> => {
    const theirs = await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(
          eq(conversations.workspaceId, p.workspaceId),
          p.contactId
            ? or(eq(conversations.visitorId, p.visitorId), eq(conversations.contactId, p.contactId))
            : eq(conversations.visitorId, p.visitorId),
        ),
      );
    if (theirs.length === 0) return [];
    const rows = await db
      .select()
      .from(events)
      .where(
        and(
          eq(events.workspaceId, p.workspaceId),
          inArray(
            events.conversationId,
            theirs.map((c) => c.id),
          ),
          gt(events.seq, after),
          lte(events.seq, upTo),
        ),
      )
      .orderBy(asc(events.seq))
      .limit(PAGE);
    return rows.map(stored);
  };

  const pruned = async (workspaceId: string, after: number) => {
    const [next] = await db
      .select({ seq: min(events.seq) })
      .from(events)
      .where(and(eq(events.workspaceId, workspaceId), gt(events.seq, after)));
    return next?.seq == null || Number(next.seq) > after + 1;
  };

  return { source, heads, visitorRange, pruned };
}
