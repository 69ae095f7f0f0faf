import type { EventName } from '@parley/contracts';
import { and, eq } from 'drizzle-orm';
import { defineJob, type JobContext } from '../jobs/queue.ts';
import { events } from '../platform/db/schema.ts';
import type { StoredEvent } from './bus.ts';

export interface DurableSubscriber {
  name: string;
  jobName: string;
  events: readonly EventName[];
  /** Only events whose payload passes get a job (keeps the message path free of jobs it does not need). */
  when?: (name: EventName, payload: unknown) => boolean;
}

const durable = new Map<string, DurableSubscriber>();

/**
 * Registers a subscriber that reacts to events through durable jobs (webhooks, automation, metrics,
 * notifications): it runs after commit, survives restarts and is retried with backoff when it throws.
 */
export function subscribe(opts: {
  name: string;
  events: readonly EventName[];
  handle: (event: StoredEvent, ctx: JobContext) => Promise<void>;
  maxAttempts?: number;
  when?: (name: EventName, payload: unknown) => boolean;
}): DurableSubscriber {
  const jobName = `event:${opts.name}`;
  defineJob<{ workspaceId: string; seq: number }>({
    name: jobName,
    maxAttempts: opts.maxAttempts ?? 8,
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
  const subscriber = { name: opts.name, jobName, events: opts.events, when: opts.when };
  durable.set(opts.name, subscriber);
  return subscriber;
}

export function durableSubscribersOf(name: EventName, payload?: unknown): DurableSubscriber[] {
  return [...durable.values()].filter(
    (s) => s.events.includes(name) && (!s.when || payload === undefined || s.when(name, payload)),
  );
}
