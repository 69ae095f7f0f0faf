import { type Conversation, type Priority, snoozeHorizonDays } from '@parley/contracts';
import { and, eq, lte, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { publish } from '../../events/publish.ts';
import type { Db } from '../../platform/db/client.ts';
import { conversations } from '../../platform/db/schema.ts';
import { type Tx, transaction } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { setAssignee } from '../metrics/facts.ts';
import { now } from '../routing/clock.ts';
import { lockReceiver } from '../routing/engine.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import { assertCanView } from './policy.ts';
import { loadConversation } from './queries.ts';

type Change = 'snoozed' | 'woke' | 'marked';

async function announce(
  tx: Tx,
  workspaceId: string,
  conversationId: string,
  change: Change,
  actorId: string | null,
  previousAssigneeId: string | null,
) {
  const conversation = await loadConversation(tx.db, workspaceId, conversationId);
  await publish(tx, {
    workspaceId,
    name: 'conversation.updated',
    payload: { conversation, change, actorId, previousAssigneeId },
    conversationId,
  });
  return conversation;
}

/**
 * WS-2: puts an open conversation aside until `until` (the routing clock's future, at most
 * `snoozeHorizonDays` ahead). It keeps its
 * operator; it wakes by itself then (`wakeDueConversations`) or sooner when the customer writes.
 */
export async function snoozeConversation(
  tx: Tx,
  input: { actor: OperatorPrincipal; conversationId: string; until: string },
): Promise<Conversation> {
  const { actor } = input;
  const current = await loadConversation(tx.db, actor.workspaceId, input.conversationId, { forUpdate: true });
  assertCanView(actor, current);
  const until = new Date(input.until);
  if (until.getTime() <= now().getTime())
    throw new AppError('validation_failed', 'until: must be in the future', 'until');
  if (until.getTime() > now().getTime() + snoozeHorizonDays * 86_400_000)
    throw new AppError(
      'validation_failed',
      `until: must be at most ${snoozeHorizonDays} days ahead`,
      'until',
    );
  if (current.status === 'closed')
    throw new AppError('conflict', 'a closed conversation cannot be snoozed', 'conversationId');
  await tx.db
    .update(conversations)
    .set({ status: 'snoozed', snoozedUntil: until })
    .where(eq(conversations.id, current.id));
  return announce(tx, actor.workspaceId, current.id, 'snoozed', actor.userId, current.assigneeId);
}

/**
 * Wakes a snoozed conversation. Like a customer's message, it is an arrival: it stays with its
 * operator only if they can take it now, otherwise it is unassigned and routed (ROUTE-3, -5).
 * `actor` null: the snooze time came.
 */
export async function wakeConversation(
  tx: Tx,
  input: { workspaceId: string; conversationId: string; actor: OperatorPrincipal | null },
): Promise<Conversation> {
  const current = await loadConversation(tx.db, input.workspaceId, input.conversationId, { forUpdate: true });
  if (input.actor) assertCanView(input.actor, current);
  if (current.status !== 'snoozed') return current;
  const keeper =
    current.assigneeId && current.assigneeId !== input.actor?.userId
      ? await lockReceiver(tx, {
          workspaceId: input.workspaceId,
          userId: current.assigneeId,
          teamId: current.teamId,
        })
      : null;
  const release = current.assigneeId !== null && keeper !== null && !keeper.canReceive;
  await tx.db
    .update(conversations)
    .set({ status: 'open', snoozedUntil: null })
    .where(eq(conversations.id, current.id));
  if (release) {
    await setAssignee(tx.db, {
      workspaceId: input.workspaceId,
      conversationId: current.id,
      userId: null,
      how: 'reroute',
      endReason: 'reroute',
    });
  }
  return announce(tx, input.workspaceId, current.id, 'woke', input.actor?.userId ?? null, current.assigneeId);
}

/** Wakes every snoozed conversation whose time has come (by the routing clock); returns how many. */
export async function wakeDueConversations(db: Db): Promise<number> {
  const due = await db
    .select({ id: conversations.id, workspaceId: conversations.workspaceId })
    .from(conversations)
    .where(
      and(
        eq(conversations.status, 'snoozed'),
        lte(conversations.snoozedUntil, sql`${now().toISOString()}::timestamptz`),
      ),
    )
    .limit(500);
  let woken = 0;
  for (const row of due) {
    // Several nodes may sweep at once: the row lock and the status check make the second a no-op.
    const conversation = await transaction(db, (tx) =>
      wakeConversation(tx, { workspaceId: row.workspaceId, conversationId: row.id, actor: null }),
    );
    if (conversation.status === 'open') woken++;
  }
  return woken;
}

/** Sweeps for due snoozes every few seconds on every node (cheap: a partial index on snoozed rows). */
export function startSnoozeSweep(db: Db, logger: FastifyBaseLogger, everyMs = 2000): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    wakeDueConversations(db)
      .catch((err) => logger.warn({ err }, 'snooze sweep'))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** WS-2 / OI-7: priority (orders the queue) and the "important" mark. */
export async function markConversation(
  tx: Tx,
  input: {
    actor: OperatorPrincipal;
    conversationId: string;
    priority?: Priority | null;
    important?: boolean | null;
  },
): Promise<Conversation> {
  const { actor } = input;
  const current = await loadConversation(tx.db, actor.workspaceId, input.conversationId, { forUpdate: true });
  assertCanView(actor, current);
  if (input.priority === null)
    throw new AppError('validation_failed', 'priority: use "none" to clear it', 'priority');
  if (input.important === null)
    throw new AppError('validation_failed', 'important: must be true or false', 'important');
  const set: { priority?: Priority; important?: boolean } = {};
  if (input.priority !== undefined && input.priority !== current.priority) set.priority = input.priority;
  if (input.important !== undefined && input.important !== current.important) set.important = input.important;
  if (Object.keys(set).length === 0) return current;
  await tx.db.update(conversations).set(set).where(eq(conversations.id, current.id));
  return announce(tx, actor.workspaceId, current.id, 'marked', actor.userId, current.assigneeId);
}
