import { type EventName, type EventPayload, eventPayloads } from '@parley/contracts';
import { eq, sql } from 'drizzle-orm';
import { enqueue } from '../jobs/queue.ts';
import { events, workspaces } from '../platform/db/schema.ts';
import type { Tx } from '../platform/db/tx.ts';
import type { EventBus, StoredEvent } from './bus.ts';
import { durableSubscribersOf } from './subscribers.ts';

let bus: EventBus | null = null;

/** Set once at start: where committed events go for the realtime fast path. */
export function useEventBus(next: EventBus | null): void {
  bus = next;
}

export interface PublishInput<N extends EventName> {
  workspaceId: string;
  name: N;
  payload: EventPayload<N>;
  /** Lets a visitor's resume find its conversation's events without reading the whole workspace. */
  conversationId?: string | null;
}

/**
 * Writes the event into the outbox in the caller's transaction and gives it the workspace's next
 * sequence number. The UPDATE holds the workspace row lock until commit, so sequence order is commit
 * order and a later sequence is never visible before an earlier one. Durable subscribers get a job in
 * the same transaction; the realtime bus hears of the event once it has committed.
 */
export async function publish<N extends EventName>(tx: Tx, input: PublishInput<N>): Promise<StoredEvent> {
  const payload = eventPayloads[input.name].parse(input.payload);
  const [row] = await tx.db
    .update(workspaces)
    .set({ eventSeq: sql`${workspaces.eventSeq} + 1` })
    .where(eq(workspaces.id, input.workspaceId))
    .returning({ seq: workspaces.eventSeq });
  if (!row) throw new Error(`publish: workspace ${input.workspaceId} does not exist`);
  const [inserted] = await tx.db
    .insert(events)
    .values({
      workspaceId: input.workspaceId,
      seq: row.seq,
      name: input.name,
      payload,
      conversationId: input.conversationId ?? null,
    })
    .returning({ at: events.at });
  const stored: StoredEvent = {
    workspaceId: input.workspaceId,
    seq: row.seq,
    name: input.name,
    payload,
    at: (inserted?.at ?? new Date()).toISOString(),
  };
  for (const subscriber of durableSubscribersOf(input.name)) {
    await enqueue(tx.db, subscriber.jobName, { workspaceId: input.workspaceId, seq: row.seq });
  }
  tx.afterCommit(() => bus?.publish(stored));
  return stored;
}
