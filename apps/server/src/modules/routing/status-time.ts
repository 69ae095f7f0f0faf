import type { StatusTime } from '@parley/contracts';
import { and, asc, desc, eq, gte, lt } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { connectionHistory } from '../../platform/db/schema.ts';
import { getMember } from '../workspaces/queries.ts';
import { now } from './clock.ts';

/**
 * ROUTE-1: time spent in each status over a period, from the status changes in the connection
 * history (each change starts a status that lasts until the next one), within the period clipped to
 * [joined, now). Before the first known change the member counts as disconnected.
 */
export async function statusTime(
  db: Queryable,
  input: { workspaceId: string; userId: string; from: Date; to: Date },
): Promise<StatusTime> {
  const member = await getMember(db, input.workspaceId, input.userId);
  // Only time that has passed, and only since the member joined, is counted.
  const from = new Date(Math.max(input.from.getTime(), Date.parse(member.joinedAt)));
  const to = new Date(Math.min(input.to.getTime(), now().getTime()));
  const ofMember = and(
    eq(connectionHistory.workspaceId, input.workspaceId),
    eq(connectionHistory.userId, input.userId),
    eq(connectionHistory.kind, 'status_change'),
  );
  const [before] = await db
    .select({ status: connectionHistory.detail, at: connectionHistory.at })
    .from(connectionHistory)
    .where(and(ofMember, lt(connectionHistory.at, from)))
    .orderBy(desc(connectionHistory.at))
    .limit(1);
  const changes = await db
    .select({ status: connectionHistory.detail, at: connectionHistory.at })
    .from(connectionHistory)
    .where(and(ofMember, gte(connectionHistory.at, from), lt(connectionHistory.at, to)))
    .orderBy(asc(connectionHistory.at));
  const totals = new Map<string, number>();
  let current = before?.status ?? 'disconnected';
  let since = from.getTime();
  for (const change of [...changes, { status: null, at: to }]) {
    const ms = change.at.getTime() - since;
    if (ms > 0) totals.set(current, (totals.get(current) ?? 0) + ms);
    current = change.status ?? current;
    since = change.at.getTime();
  }
  return {
    userId: input.userId,
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    totals: [...totals].map(([status, ms]) => ({ status, seconds: Math.round(ms / 1000) })),
  };
}
