import type { AuditEntryView } from '@parley/contracts';
import { and, desc, eq, gte, like, lt, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../platform/db/client.ts';
import { auditLog, users } from '../../platform/db/schema.ts';
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

export function presentAudit(r: Row): AuditEntryView {
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
  };
}

/** API-3: one page of the audit log, newest first, keyset on (at, id). */
export async function pageAudit(db: Queryable, input: AuditFilter & { limit: number }) {
  const rows = await selectAudit(db, input, input.limit + 1);
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  return {
    items: items.map(presentAudit),
    nextCursor: rows.length > input.limit && last ? cursorOf(last) : null,
  };
}

export async function* allAudit(db: Queryable, filter: AuditFilter) {
  let cursor = filter.cursor;
  for (;;) {
    const rows = await selectAudit(db, { ...filter, cursor }, 500);
    yield* rows.map(presentAudit);
    if (rows.length < 500) return;
    cursor = cursorOf(rows.at(-1)!);
  }
}
