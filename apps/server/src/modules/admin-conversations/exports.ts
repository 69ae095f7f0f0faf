import type { Writable } from 'node:stream';
import type { AdminFilters, AdminRow, AdminSort, ConversationExport, Locale } from '@parley/contracts';
import { and, desc, eq, sql } from 'drizzle-orm';
import { defineJob, enqueue } from '../../jobs/queue.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { conversationExports, users } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { notFound } from '../../platform/errors.ts';
import { type ExportLabels, exportLabels, yesNo } from '../../platform/export-labels.ts';
import { type Column, type TableFormat, writeTable } from '../../platform/tabular.ts';
import { recordAudit } from '../audit/log.ts';
import { authorize, type OperatorPrincipal, operatorPrincipal } from '../workspaces/policy.ts';
import { findMembership } from '../workspaces/queries.ts';
import { adminWhere, allAdminRows } from './queries.ts';

interface ExportQuery {
  filters: AdminFilters;
  sort: AdminSort;
  dir: 'asc' | 'desc';
  /** "Now" of the request, so "waiting more than N minutes" exports what was on screen. */
  now: string;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));

/** The customer as the console's list names them: the name, else the e-mail, else "Visitor #42". */
const customerLabel = (r: AdminRow, l: ExportLabels) =>
  r.customer.name?.trim() || r.customer.email || l.visitor.replace('{{number}}', String(r.number));

/** The export's columns: the list's, with times in seconds, headers and values in the reader's language. */
export const exportColumns = (l: ExportLabels): Column<AdminRow & { inactivityMs: number }>[] => {
  const h = l.conversations;
  return [
    { header: h.number, value: (r) => r.number },
    { header: h.customer, value: (r) => customerLabel(r, l) },
    { header: h.phone, value: (r) => r.customer.phone },
    { header: h.email, value: (r) => r.customer.email },
    { header: h.externalId, value: (r) => r.customer.externalId },
    { header: h.country, value: (r) => r.customer.country },
    { header: h.channel, value: (r) => l.channels[r.channel] },
    { header: h.operator, value: (r) => r.operator?.name },
    { header: h.team, value: (r) => r.team?.name },
    { header: h.created, value: (r) => new Date(r.createdAt) },
    { header: h.duration, value: (r) => seconds(r.durationMs) },
    { header: h.rating, value: (r) => r.rating },
    { header: h.status, value: (r) => l.conversationStatuses[r.status] },
    { header: h.snoozed, value: (r) => yesNo(l, r.snoozed) },
    { header: h.inactivity, value: (r) => seconds(r.inactivityMs) },
    { header: h.responseFromCreation, value: (r) => seconds(r.responseFromCreationMs) },
    { header: h.responseFromAssignment, value: (r) => seconds(r.responseFromAssignmentMs) },
    { header: h.firstAuthor, value: (r) => (r.firstAuthor ? l.firstAuthors[r.firstAuthor] : null) },
    { header: h.tags, value: (r) => r.tags.map((t) => t.name).join(', ') },
    { header: h.id, value: (r) => r.id },
  ];
};

function present(row: typeof conversationExports.$inferSelect, workspaceId: string): ConversationExport {
  return {
    id: row.id,
    format: row.format,
    status: row.status,
    rows: row.rows,
    total: row.total,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    downloadUrl: row.status === 'done' ? `/api/workspaces/${workspaceId}/exports/${row.id}/file` : null,
    error: row.error,
  };
}

/** Asks for an export of exactly what the list shows with these filters (all rows); runs as a job. */
export async function createExport(
  tx: Tx,
  input: {
    actor: OperatorPrincipal;
    format: TableFormat;
    filters: AdminFilters;
    sort: AdminSort;
    dir: 'asc' | 'desc';
    /** The language of the file, written later by the job. */
    lang: Locale;
  },
  now: Date = new Date(),
): Promise<ConversationExport> {
  const { actor } = input;
  authorize(actor, 'export');
  const query: ExportQuery = {
    filters: input.filters,
    sort: input.sort,
    dir: input.dir,
    now: now.toISOString(),
  };
  const [row] = await tx.db
    .insert(conversationExports)
    .values({
      workspaceId: actor.workspaceId,
      userId: actor.userId,
      format: input.format,
      lang: input.lang,
      query: { ...query },
    })
    .returning();
  await recordAudit(tx.db, actor, {
    action: 'export.created',
    target: { type: 'conversation_export', id: row!.id },
    after: { format: input.format, ...query },
  });
  await enqueue(tx.db, exportJob.name, { exportId: row!.id });
  return present(row!, actor.workspaceId);
}

/** The actor's own exports: nobody else's file is reachable. */
export async function getExport(db: Queryable, actor: OperatorPrincipal, exportId: string) {
  const [row] = await db
    .select()
    .from(conversationExports)
    .where(
      and(
        eq(conversationExports.workspaceId, actor.workspaceId),
        eq(conversationExports.id, exportId),
        eq(conversationExports.userId, actor.userId),
      ),
    );
  if (!row) throw notFound('export');
  return { row, export: present(row, actor.workspaceId) };
}

export async function listExports(db: Queryable, actor: OperatorPrincipal): Promise<ConversationExport[]> {
  const rows = await db
    .select()
    .from(conversationExports)
    .where(
      and(
        eq(conversationExports.workspaceId, actor.workspaceId),
        eq(conversationExports.userId, actor.userId),
      ),
    )
    .orderBy(desc(conversationExports.createdAt))
    .limit(10);
  return rows.map((r) => present(r, actor.workspaceId));
}

export const exportFileName = (row: { createdAt: Date; format: string }) =>
  `conversations-${row.createdAt.toISOString().slice(0, 19).replaceAll(':', '-')}.${row.format}`;

/**
 * Writes the file: the list's own keyset pages, one at a time, streamed into storage (memory stays
 * flat whatever the size), with the rows done so far stored every 1,000 rows for the progress bar.
 * The actor's permissions are read again: someone who lost `export` meanwhile gets nothing.
 */
export const exportJob = defineJob<{ exportId: string }>({
  name: 'admin.export',
  maxAttempts: 2,
  async handle({ exportId }, { db, app }) {
    const [row] = await db.select().from(conversationExports).where(eq(conversationExports.id, exportId));
    if (!row || row.status === 'done') return;
    const fail = (error: string) =>
      db
        .update(conversationExports)
        .set({ status: 'failed', error, finishedAt: new Date() })
        .where(eq(conversationExports.id, exportId));
    const [membership, [user]] = await Promise.all([
      findMembership(db, row.workspaceId, row.userId),
      db.select({ name: users.name }).from(users).where(eq(users.id, row.userId)),
    ]);
    if (!membership || !user) return void (await fail('the member left the workspace'));
    const actor = operatorPrincipal({
      userId: row.userId,
      name: user.name,
      sessionId: 'export',
      workspaceId: row.workspaceId,
      role: membership.role,
      grants: membership.permissions,
      teamIds: membership.teamIds,
    });
    if (!actor.permissions.has('export')) return void (await fail('permission export was withdrawn'));
    const query = row.query as unknown as ExportQuery;
    const now = new Date(query.now);
    const [{ n }] = (
      await db.execute(sql`SELECT count(*) AS n FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
        WHERE ${adminWhere(actor, query.filters, now)}`)
    ).rows as [{ n: string | number }];
    await db
      .update(conversationExports)
      .set({ status: 'running', total: Number(n), rows: 0 })
      .where(eq(conversationExports.id, exportId));
    const key = `exports/${row.workspaceId}/${row.id}.${row.format}`;
    const out = await app.storage.writeStream(key);
    const rows = (async function* () {
      for await (const r of allAdminRows(db, actor, query, now)) {
        yield { ...r, inactivityMs: now.getTime() - Date.parse(r.lastActivityAt) };
      }
    })();
    const written = await writeTable(
      row.format,
      exportColumns(exportLabels(row.lang)),
      rows,
      out,
      async (count) => {
        if (count % 1000 === 0) {
          await db
            .update(conversationExports)
            .set({ rows: count })
            .where(eq(conversationExports.id, exportId));
        }
      },
    );
    const size = (out as Writable & { bytesWritten?: number }).bytesWritten ?? null;
    await db
      .update(conversationExports)
      .set({ status: 'done', rows: written, size, storageKey: key, finishedAt: new Date() })
      .where(eq(conversationExports.id, exportId));
  },
});
