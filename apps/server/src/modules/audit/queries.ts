import type { AuditEntryView } from '@parley/contracts';
import { and, desc, eq, gte, inArray, like, lt, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../platform/db/client.ts';
import { auditLog, contacts, conversations, users } from '../../platform/db/schema.ts';
import { before, cursorOf, parseCursor } from './connection-history.ts';

export interface AuditFilter {
  workspaceId: string;
  actorId?: string;
  /** An action, or a prefix ending with a dot (`member.`). */
  action?: string;
  from?: string;
  to?: string;
  cursor?: string;
}

const actors = alias(users, 'actors');
const impersonators = alias(users, 'impersonators');

async function selectAudit(db: Queryable, input: AuditFilter, limit: number) {
  const after = parseCursor(input.cursor);
  const action = input.action
    ? input.action.endsWith('.')
      ? like(auditLog.action, `${input.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      : eq(auditLog.action, input.action)
    : undefined;
  return db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      actorId: auditLog.actorId,
      actorName: actors.name,
      impersonatorId: auditLog.impersonatorId,
      impersonatorName: impersonators.name,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      before: auditLog.before,
      after: auditLog.after,
      ip: auditLog.ip,
      browser: auditLog.browser,
      os: auditLog.os,
      at: auditLog.at,
    })
    .from(auditLog)
    .leftJoin(actors, eq(actors.id, auditLog.actorId))
    .leftJoin(impersonators, eq(impersonators.id, auditLog.impersonatorId))
    .where(
      and(
        eq(auditLog.workspaceId, input.workspaceId),
        input.actorId
          ? or(eq(auditLog.actorId, input.actorId), eq(auditLog.impersonatorId, input.actorId))
          : undefined,
        action,
        input.from ? gte(auditLog.at, new Date(input.from)) : undefined,
        input.to ? lt(auditLog.at, new Date(input.to)) : undefined,
        after ? before(auditLog.at, auditLog.id, after) : undefined,
      ),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}

type Row = Awaited<ReturnType<typeof selectAudit>>[number];

type ConversationRef = AuditEntryView['conversations'][number];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every id an entry holds: its target's and those in its recorded values (moved conversations…). */
function idsOf(r: Row): Set<string> {
  const ids = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === 'string') {
      if (uuid.test(value)) ids.add(value.toLowerCase());
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const inner of Object.values(value)) walk(inner);
    }
  };
  walk(r.targetId);
  walk(r.before);
  walk(r.after);
  return ids;
}

/**
 * The conversations a page of entries names, by number and customer, in one query for the whole
 * page; only the workspace's own (an id of another workspace's conversation stays an id).
 */
async function conversationsOf(db: Queryable, workspaceId: string, rows: Row[]) {
  const ids = [...new Set(rows.flatMap((r) => [...idsOf(r)]))];
  const found = new Map<string, ConversationRef>();
  if (ids.length === 0) return found;
  const refs = await db
    .select({ id: conversations.id, number: conversations.number, customerName: contacts.name })
    .from(conversations)
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.workspaceId, workspaceId), inArray(conversations.id, ids)));
  for (const ref of refs) found.set(ref.id, ref);
  return found;
}

export function presentAudit(r: Row, refs = new Map<string, ConversationRef>()): AuditEntryView {
  const named = [...idsOf(r)].flatMap((id) => refs.get(id) ?? []);
  return {
    id: r.id,
    action: r.action,
    actor: r.actorId ? { id: r.actorId, name: r.actorName ?? '' } : null,
    impersonator: r.impersonatorId ? { id: r.impersonatorId, name: r.impersonatorName ?? '' } : null,
    targetType: r.targetType,
    targetId: r.targetId,
    before: r.before,
    after: r.after,
    ip: r.ip,
    browser: r.browser,
    os: r.os,
    at: r.at.toISOString(),
    conversations: named,
  };
}

/** API-3: one page of the audit log, newest first, keyset on (at, id). */
export async function pageAudit(db: Queryable, input: AuditFilter & { limit: number }) {
  const rows = await selectAudit(db, input, input.limit + 1);
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const refs = await conversationsOf(db, input.workspaceId, items);
  return {
    items: items.map((r) => presentAudit(r, refs)),
    nextCursor: rows.length > input.limit && last ? cursorOf(last) : null,
  };
}

export async function* allAudit(db: Queryable, filter: AuditFilter) {
  let cursor = filter.cursor;
  for (;;) {
    const rows = await selectAudit(db, { ...filter, cursor }, 500);
    yield* rows.map((r) => presentAudit(r));
    if (rows.length < 500) return;
    cursor = cursorOf(rows.at(-1)!);
  }
}
