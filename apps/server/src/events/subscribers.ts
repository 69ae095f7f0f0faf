import type { EventName } from '@parley/contracts';
import { and, eq, type SQL } from 'drizzle-orm';
import { defineJob, type JobContext } from '../jobs/queue.ts';
import { events } from '../platform/db/schema.ts';
import type { StoredEvent } from './bus.ts';

export interface DurableSubscriber {
  name: string;
  events: readonly EventName[];
  /** Only events whose payload passes are handed to `handle`; the cursor moves past the others. */
  when?: (name: EventName, payload: unknown) => boolean;
  /**
   * A condition on the outbox row (`name`, and `payload` as json) that every event `when` lets
   * through meets: the cursor does not even read the others (the inbox reads private notes, not every
   * message of a busy workspace to skip it).
   */
  where?: SQL;
  handle: (event: StoredEvent, ctx: JobContext) => Promise<void>;
  maxAttempts: number;
  /** Delay before retry number `attempt` (1-based) of the head event. */
  backoffMs: (attempt: number) => number;
}

const durable = new Map<string, DurableSubscriber>();
const listeners = new Set<() => void>();

export const defaultBackoff = (attempt: number): number => Math.min(60_000 * 30, 1000 * 2 ** attempt);

/**
 * Registers a subscriber that reacts to events durably (webhooks, automation, metrics, notifications):
 * it reads the outbox through a cursor of its own per workspace (events/cursors.ts), in sequence
 * order, after commit; it survives restarts, and a handler that throws is retried with backoff, then
 * the event is recorded as a dead letter and skipped.
 */
export function subscribe(opts: {
  name: string;
  events: readonly EventName[];
  handle: (event: StoredEvent, ctx: JobContext) => Promise<void>;
  maxAttempts?: number;
  backoffMs?: (attempt: number) => number;
  when?: (name: EventName, payload: unknown) => boolean;
  where?: SQL;
}): DurableSubscriber {
  const subscriber: DurableSubscriber = {
    name: opts.name,
    events: opts.events,
    when: opts.when,
    where: opts.where,
    handle: opts.handle,
    maxAttempts: opts.maxAttempts ?? 8,
    backoffMs: opts.backoffMs ?? defaultBackoff,
  };
  // Jobs enqueued per event by versions before the cursors still run once after an upgrade (their
  // events come before the cursors' start, see `subscribers.registered_at`).
  defineJob<{ workspaceId: string; seq: number }>({
    name: `event:${opts.name}`,
    maxAttempts: subscriber.maxAttempts,
    async handle(payload, ctx) {
      const [row] = await ctx.db
        .select()
        .from(events)
        .where(and(eq(events.workspaceId, payload.workspaceId), eq(events.seq, payload.seq)));
      if (!row) return;
      await opts.handle(
        {
          workspaceId: row.workspaceId,
          seq: row.seq,
          name: row.name,
          payload: row.payload,
          at: row.at.toISOString(),
        },
        ctx,
      );
    },
  });
  durable.set(opts.name, subscriber);
  for (const listener of listeners) listener();
  return subscriber;
}

export function durableSubscribers(): DurableSubscriber[] {
  return [...durable.values()];
}

/** Called when a subscriber is registered (the workers start a pool for it). */
export function onSubscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Whether the subscriber wants this event (its names, then its `when`). */
export function wants(subscriber: DurableSubscriber, name: string, payload?: unknown): boolean {
  if (!subscriber.events.includes(name as EventName)) return false;
  return !subscriber.when || payload === undefined || subscriber.when(name as EventName, payload);
}
