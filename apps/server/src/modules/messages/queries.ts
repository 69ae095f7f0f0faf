import type { Message } from '@parley/contracts';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { messages } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { presentMessage } from './presenter.ts';

/** A page of history, oldest first, ending just before the message `before` (or at the newest). */
export async function listMessages(
  db: Queryable,
  input: {
    secret: string;
    workspaceId: string;
    conversationId: string;
    before?: string;
    limit: number;
    includePrivate: boolean;
  },
): Promise<{ messages: Message[]; hasMore: boolean }> {
  let anchor: { seq: number; createdAt: Date; id: string } | undefined;
  if (input.before) {
    [anchor] = await db
      .select({ seq: messages.seq, createdAt: messages.createdAt, id: messages.id })
      .from(messages)
      .where(and(eq(messages.id, input.before), eq(messages.conversationId, input.conversationId)));
    if (!anchor)
      throw new AppError('validation_failed', 'before: no such message in this conversation', 'before');
  }
  // The order of messages is their sequence (= the order they were delivered live); time and id only
  // order the messages written before sequences were stored (all 0).
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, input.workspaceId),
        eq(messages.conversationId, input.conversationId),
        anchor
          ? sql`(${messages.seq}, ${messages.createdAt}, ${messages.id}) < (${anchor.seq}, ${anchor.createdAt.toISOString()}::timestamptz, ${anchor.id}::uuid)`
          : undefined,
        input.includePrivate ? undefined : eq(messages.private, false),
      ),
    )
    .orderBy(desc(messages.seq), desc(messages.createdAt), desc(messages.id))
    .limit(input.limit + 1);
  return {
    messages: rows
      .slice(0, input.limit)
      .reverse()
      .map((m) => presentMessage(input.secret, m)),
    hasMore: rows.length > input.limit,
  };
}

export async function findByClientId(db: Queryable, secret: string, workspaceId: string, clientId: string) {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.clientId, clientId)));
  return row ? presentMessage(secret, row) : null;
}
