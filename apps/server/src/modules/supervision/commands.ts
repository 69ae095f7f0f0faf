import type { Conversation, HelpRequest } from '@parley/contracts';
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { conversations, helpRequests, monitoredConversations, visitors } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/log.ts';
import { assertCanView } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import { postSystemMessage } from '../messages/commands.ts';
import { setAssignee } from '../metrics/facts.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';

// ── monitored dialogs (OI-4) ──────────────────────────────────────────────────────────────────────

export async function monitoredIds(db: Queryable, actor: OperatorPrincipal): Promise<string[]> {
  const rows = await db
    .select({ id: monitoredConversations.conversationId })
    .from(monitoredConversations)
    .where(
      and(
        eq(monitoredConversations.workspaceId, actor.workspaceId),
        eq(monitoredConversations.userId, actor.userId),
      ),
    )
    .orderBy(asc(monitoredConversations.createdAt));
  return rows.map((r) => r.id);
}

/** Pins (or unpins) a conversation to the supervisor's own "monitored" list. */
export async function setMonitored(
  tx: Tx,
  input: { actor: OperatorPrincipal; conversationId: string; monitored: boolean },
): Promise<{ conversationIds: string[] }> {
  const { actor } = input;
  authorize(actor, 'monitor');
  const conversation = await loadConversation(tx.db, actor.workspaceId, input.conversationId);
  assertCanView(actor, conversation);
  if (input.monitored) {
    await tx.db
      .insert(monitoredConversations)
      .values({ workspaceId: actor.workspaceId, userId: actor.userId, conversationId: conversation.id })
      .onConflictDoNothing();
  } else {
    await tx.db
      .delete(monitoredConversations)
      .where(
        and(
          eq(monitoredConversations.userId, actor.userId),
          eq(monitoredConversations.conversationId, conversation.id),
        ),
      );
  }
  const conversationIds = await monitoredIds(tx.db, actor);
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'monitor.changed',
    payload: { userId: actor.userId, conversationIds },
    conversationId: null,
  });
  return { conversationIds };
}

// ── take-over (OI-4) ──────────────────────────────────────────────────────────────────────────────

const handOver = {
  en: (name: string) => `${name} has joined the conversation and will help you from here.`,
  es: (name: string) => `${name} se ha unido a la conversación y te atenderá a partir de ahora.`,
  fr: (name: string) => `${name} a rejoint la conversation et vous répondra désormais.`,
} as const;

const languageOf = (locale: string | null | undefined): keyof typeof handOver => {
  const primary = locale?.slice(0, 2).toLowerCase();
  return primary === 'es' || primary === 'fr' ? primary : 'en';
};

/**
 * A supervisor becomes the assignee of a live conversation (a `takeover` assignment); the operator
 * who had it is told by the event (and their inbox), the customer by a plain hand-over message.
 */
export async function takeOverConversation(
  tx: Tx,
  input: { secret: string; actor: OperatorPrincipal; conversationId: string },
): Promise<Conversation> {
  const { actor } = input;
  authorize(actor, 'monitor');
  const current = await loadConversation(tx.db, actor.workspaceId, input.conversationId, { forUpdate: true });
  assertCanView(actor, current);
  if (current.status === 'closed')
    throw new AppError('conflict', 'a closed conversation cannot be taken over', 'conversationId');
  if (current.assigneeId === actor.userId) return current;
  await setAssignee(tx.db, {
    workspaceId: actor.workspaceId,
    conversationId: current.id,
    userId: actor.userId,
    how: 'takeover',
    endReason: 'takeover',
  });
  const [visitor] = current.visitorId
    ? await tx.db.select({ locale: visitors.locale }).from(visitors).where(eq(visitors.id, current.visitorId))
    : [];
  const firstName = actor.name.split(' ')[0] ?? actor.name;
  await postSystemMessage(tx, {
    secret: input.secret,
    workspaceId: actor.workspaceId,
    conversationId: current.id,
    text: handOver[languageOf(visitor?.locale)](firstName),
  });
  const conversation = await loadConversation(tx.db, actor.workspaceId, current.id);
  // A supervisor taking work from an operator is a management act: it stays in the audit log.
  await recordAudit(tx.db, actor, {
    action: 'conversation.taken_over',
    target: { type: 'conversation', id: current.id },
    before: { assigneeId: current.assigneeId },
    after: { assigneeId: actor.userId },
  });
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'conversation.updated',
    payload: {
      conversation,
      change: 'taken_over',
      actorId: actor.userId,
      previousAssigneeId: current.assigneeId,
    },
    conversationId: current.id,
  });
  return conversation;
}

// ── help requests (OI-7) ──────────────────────────────────────────────────────────────────────────

type HelpRow = typeof helpRequests.$inferSelect;

export const presentHelpRequest = (r: HelpRow): HelpRequest => ({
  id: r.id,
  conversationId: r.conversationId,
  requestedBy: { id: r.requestedBy, name: r.requestedByName },
  message: r.message,
  createdAt: r.createdAt.toISOString(),
  answeredBy: r.answeredBy ? { id: r.answeredBy, name: r.answeredByName ?? '' } : null,
  answeredAt: r.answeredAt?.toISOString() ?? null,
});

/** The operator asks for help from the conversation; a request already waiting is returned as is. */
export async function requestHelp(
  tx: Tx,
  input: { actor: OperatorPrincipal; conversationId: string; message?: string },
): Promise<HelpRequest> {
  const { actor } = input;
  const conversation = await loadConversation(tx.db, actor.workspaceId, input.conversationId, {
    forUpdate: true,
  });
  assertCanView(actor, conversation);
  if (conversation.status === 'closed')
    throw new AppError('conflict', 'this conversation is closed', 'conversationId');
  const [waiting] = await tx.db
    .select()
    .from(helpRequests)
    .where(and(eq(helpRequests.conversationId, conversation.id), isNull(helpRequests.answeredAt)));
  if (waiting) return presentHelpRequest(waiting);
  const [row] = await tx.db
    .insert(helpRequests)
    .values({
      workspaceId: actor.workspaceId,
      conversationId: conversation.id,
      requestedBy: actor.userId,
      requestedByName: actor.name,
      message: input.message || null,
    })
    .returning();
  const request = presentHelpRequest(row!);
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'help.requested',
    payload: { request, teamId: conversation.teamId },
    conversationId: conversation.id,
  });
  return request;
}

/** A supervisor joins: the request is answered and the conversation goes on their monitored list. */
export async function joinHelpRequest(
  tx: Tx,
  input: { actor: OperatorPrincipal; requestId: string },
): Promise<HelpRequest> {
  const { actor } = input;
  authorize(actor, 'monitor');
  const [row] = await tx.db
    .select()
    .from(helpRequests)
    .where(and(eq(helpRequests.workspaceId, actor.workspaceId), eq(helpRequests.id, input.requestId)))
    .for('update');
  if (!row) throw notFound('help request');
  await setMonitored(tx, { actor, conversationId: row.conversationId, monitored: true });
  if (row.answeredAt) return presentHelpRequest(row);
  const [answered] = await tx.db
    .update(helpRequests)
    .set({ answeredBy: actor.userId, answeredByName: actor.name, answeredAt: new Date() })
    .where(eq(helpRequests.id, row.id))
    .returning();
  const request = presentHelpRequest(answered!);
  const [conversation] = await tx.db
    .select({ teamId: conversations.teamId })
    .from(conversations)
    .where(eq(conversations.id, row.conversationId));
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'help.answered',
    payload: { request, teamId: conversation?.teamId ?? null },
    conversationId: row.conversationId,
  });
  return request;
}

export async function listHelpRequests(
  db: Queryable,
  actor: OperatorPrincipal,
  conversationId: string,
): Promise<HelpRequest[]> {
  assertCanView(actor, await loadConversation(db, actor.workspaceId, conversationId));
  const rows = await db
    .select()
    .from(helpRequests)
    .where(
      and(eq(helpRequests.workspaceId, actor.workspaceId), eq(helpRequests.conversationId, conversationId)),
    )
    .orderBy(desc(helpRequests.createdAt))
    .limit(20);
  return rows.map(presentHelpRequest);
}
