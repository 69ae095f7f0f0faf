import type { EventPayload } from '@parley/contracts';
import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { publish } from '../../events/publish.ts';
import { subscribe } from '../../events/subscribers.ts';
import { defineJob } from '../../jobs/queue.ts';
import type { Db } from '../../platform/db/client.ts';
import { conversations, memberships, workspaces } from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { loadConversation } from '../conversations/queries.ts';
import { setAssignee } from '../metrics/facts.ts';
import { effectiveStatus } from '../workspaces/queries.ts';
import { drainTeam, drainWorkspace, routeArrival } from './batch.ts';
import { routeConversation, waitingForTeam } from './engine.ts';
import { postNotice } from './notices.ts';
import { recordDisconnection } from './presence.ts';
import { announceQueue } from './queue.ts';

/** Takes the conversation away from an operator who will not answer it and routes it again, keeping its place. */
async function reroute(
  db: Db,
  workspaceId: string,
  conversationId: string,
  fromUserId: string,
  reason: 'reroute' | 'disconnect',
  statuses: readonly string[] = ['open'],
) {
  const unassigned = await transaction(db, async (tx) => {
    const current = await loadConversation(tx.db, workspaceId, conversationId, { forUpdate: true });
    if (!statuses.includes(current.status) || current.assigneeId !== fromUserId) return false;
    await setAssignee(tx.db, {
      workspaceId,
      conversationId,
      userId: null,
      how: 'reroute',
      endReason: reason,
    });
    const conversation = await loadConversation(tx.db, workspaceId, conversationId);
    await publish(tx, {
      workspaceId,
      name: 'conversation.updated',
      payload: { conversation, change: 'queued', actorId: null, previousAssigneeId: fromUserId },
      conversationId,
    });
    return true;
  });
  if (unassigned) {
    await routeConversation(db, { workspaceId, conversationId, exclude: [fromUserId], how: 'reroute' });
  }
}

/**
 * Sends a disconnected operator's open conversations back to routing, each keeping its place. Someone
 * removed from the workspace gives up all of theirs, snoozed ones and those of no team too (they wait
 * unassigned): nobody would ever answer them otherwise.
 */
async function releaseConversations(db: Db, workspaceId: string, userId: string, removed = false) {
  const statuses = removed ? (['open', 'snoozed'] as const) : (['open'] as const);
  const theirs = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        eq(conversations.assigneeId, userId),
        inArray(conversations.status, [...statuses]),
      ),
    );
  for (const { id } of theirs) {
    const current = await loadConversation(db, workspaceId, id);
    if (current.teamId || removed) await reroute(db, workspaceId, id, userId, 'disconnect', statuses);
  }
}

/**
 * Routing reacts to events through a durable subscriber (events in order per workspace): a new
 * conversation is routed, freed capacity drains the queues; the timers of ROUTE-5 (no answer,
 * disconnect) and OI-2 (still looking) are jobs defined here.
 */
export function registerRouting() {
  subscribe({
    name: 'routing',
    events: [
      'conversation.created',
      'conversation.updated',
      'operator.status_changed',
      'team.updated',
      'member.updated',
      'member.removed',
    ],
    // The router's own assignments and queue entries change nothing it must react to (it announces
    // the queue itself): in a burst of arrivals that is half the events it would otherwise hear.
    when: (name, payload) => {
      if (name !== 'conversation.updated') return true;
      const { change, actorId } = payload as EventPayload<'conversation.updated'>;
      return actorId !== null || (change !== 'assigned' && change !== 'queued');
    },
    handle: async (event, { db }) => {
      const { workspaceId } = event;
      if (event.name === 'conversation.created') {
        const { conversation } = event.payload as EventPayload<'conversation.created'>;
        if (conversation.teamId) await routeArrival(db, { workspaceId, conversationId: conversation.id });
      } else if (event.name === 'conversation.updated') {
        const { conversation, change, actorId } = event.payload as EventPayload<'conversation.updated'>;
        // A transfer to a team, and a conversation woken or reopened without an operator, are arrivals.
        const arrives = change === 'transferred' || change === 'reopened' || change === 'woke';
        if (arrives && !conversation.assigneeId && conversation.teamId) {
          await routeConversation(db, {
            workspaceId,
            conversationId: conversation.id,
            how: change === 'transferred' ? 'transfer' : 'automatic',
          });
        }
        // Capacity frees when someone closes, hands on or is relieved of a conversation; the
        // router's own assignments (actorId null) free nothing.
        const frees =
          change === 'closed' ||
          change === 'transferred' ||
          change === 'snoozed' ||
          change === 'taken_over' ||
          (change === 'assigned' && actorId !== null);
        if (frees) await drainWorkspace(db, workspaceId);
      } else if (event.name === 'team.updated') {
        const { team } = event.payload as EventPayload<'team.updated'>;
        await drainTeam(db, { workspaceId, teamId: team.id });
      } else if (event.name === 'member.removed') {
        const { userId } = event.payload as EventPayload<'member.removed'>;
        await releaseConversations(db, workspaceId, userId, true);
      } else if (event.name === 'operator.status_changed') {
        const { status } = event.payload as EventPayload<'operator.status_changed'>;
        if (status === 'connected') await drainWorkspace(db, workspaceId);
      } else {
        await drainWorkspace(db, workspaceId);
      }
      await announceQueue(db, workspaceId);
    },
  });

  defineJob<{ workspaceId: string; conversationId: string; assigneeId: string; assignedAt: string }>({
    name: 'routing.reroute',
    async handle({ workspaceId, conversationId, assigneeId, assignedAt }, { db }) {
      // Deleted meanwhile, or no longer theirs: nothing to do.
      const current = await loadConversation(db, workspaceId, conversationId).catch(() => null);
      if (current?.assigneeId !== assigneeId) return;
      const answered = current.lastOperatorMessageAt && current.lastOperatorMessageAt >= assignedAt;
      if (!answered) await reroute(db, workspaceId, conversationId, assigneeId, 'reroute');
      await announceQueue(db, workspaceId);
    },
  });

  defineJob<{ workspaceId: string; userId: string; since: string }>({
    name: 'routing.still-looking',
    async handle({ workspaceId, userId, since }, { db, app }) {
      const [member] = await db
        .select({ status: memberships.status, since: memberships.statusSince })
        .from(memberships)
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
      if (member?.status !== 'looking_for_info' || member.since.toISOString() !== since) return;
      const open = await db
        .select({ id: conversations.id })
        .from(conversations)
        .where(
          and(
            eq(conversations.workspaceId, workspaceId),
            eq(conversations.assigneeId, userId),
            eq(conversations.status, 'open'),
          ),
        );
      await postNotice(
        app,
        workspaceId,
        open.map((c) => c.id),
        'stillLooking',
      );
    },
  });

  // A session ended or the operator went offline: their conversations go back to routing at once.
  defineJob<{ workspaceId: string; userId: string }>({
    name: 'routing.release',
    async handle({ workspaceId, userId }, { db }) {
      const [member] = await db
        .select({ status: effectiveStatus })
        .from(memberships)
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
      if (member?.status !== 'disconnected') return;
      await releaseConversations(db, workspaceId, userId);
      await announceQueue(db, workspaceId);
    },
  });

  defineJob<{ workspaceId: string; userId: string }>({
    name: 'routing.presence-check',
    async handle({ workspaceId, userId }, { db }) {
      const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
      if (!workspace) return;
      const cutoff = new Date(Date.now() - workspace.disconnectGraceSeconds * 1000);
      const [gone] = await db
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(
          and(
            eq(memberships.workspaceId, workspaceId),
            eq(memberships.userId, userId),
            or(isNull(memberships.lastActiveAt), lt(memberships.lastActiveAt, cutoff)),
          ),
        );
      if (!gone) return;
      await transaction(db, (tx) => recordDisconnection(tx, workspaceId, userId));
      await releaseConversations(db, workspaceId, userId);
      await announceQueue(db, workspaceId);
    },
  });
}

/**
 * A safety net for every trigger: queues with someone waiting are drained every few seconds (a team
 * that opens for the day, a missed event). Advisory locks keep concurrent drains on several nodes safe.
 */
export function startQueueSweep(db: Db, logger: FastifyBaseLogger, everyMs = 5000): { stop(): void } {
  const timer = setInterval(() => {
    void (async () => {
      const waiting = await db
        .selectDistinct({ workspaceId: conversations.workspaceId })
        .from(conversations)
        .where(waitingForTeam);
      for (const { workspaceId } of waiting) {
        if ((await drainWorkspace(db, workspaceId)) > 0) await announceQueue(db, workspaceId);
      }
    })().catch((err) => logger.warn({ err }, 'queue sweep'));
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
