import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { Db } from '../../platform/db/client.ts';
import { transaction } from '../../platform/db/tx.ts';
import { type Column, contentTypes, type TableFormat, writeTable } from '../../platform/tabular.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { recordAudit } from './log.ts';

/**
 * Streams an export (CSV or XLSX) after recording it in the audit log (API-3: exports are audited,
 * with what was exported and the filters it was exported with). Needs the `export` permission on top
 * of whatever reading the list needs.
 */
export async function sendExport<R>(
  db: Db,
  reply: FastifyReply,
  input: {
    actor: OperatorPrincipal;
    /** What is exported, e.g. `operators`: the file's name and the audit entry's target. */
    what: string;
    format: TableFormat;
    filters: Record<string, unknown>;
    columns: readonly Column<R>[];
    rows: AsyncIterable<R> | Iterable<R>;
  },
): Promise<FastifyReply> {
  authorize(input.actor, 'export');
  const stamp = new Date().toISOString().slice(0, 10);
  reply
    .header('content-type', contentTypes[input.format])
    .header('content-disposition', `attachment; filename="${input.what}-${stamp}.${input.format}"`);
  // A HEAD (Fastify answers one on every GET route) asks what the export would be: nothing is
  // exported, so nothing is recorded.
  if (reply.request.method === 'HEAD') return reply.send();
  await transaction(db, (tx) =>
    recordAudit(tx.db, input.actor, {
      action: 'export.created',
      target: { type: 'export', id: input.what },
      after: { format: input.format, filters: input.filters },
    }),
  );
  const out = new PassThrough();
  writeTable(input.format, input.columns, input.rows, out).catch((err) => out.destroy(err));
  return reply.send(out);
}
