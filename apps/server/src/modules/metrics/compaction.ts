import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../platform/db/client.ts';
import { transaction } from '../../platform/db/tx.ts';

/** Any fixed number: the advisory lock that lets one node at a time fold the rollups. */
const COMPACTION_LOCK = 7_300_001;

/**
 * Folds the rollup changes the triggers appended into one row per key (`metric_compact()`), so a
 * period reads a bounded number of rows. Figures are exact before and after: only the number of
 * rows read changes. One node at a time; another skips its turn.
 */
export async function compactRollups(db: Db): Promise<boolean> {
  return transaction(db, async (tx) => {
    const { rows } = await tx.db.execute<{ locked: boolean }>(
      sql`SELECT pg_try_advisory_xact_lock(${COMPACTION_LOCK}) AS locked`,
    );
    if (!rows[0]?.locked) return false;
    await tx.db.execute(sql`SELECT metric_compact()`);
    return true;
  });
}

export function startRollupCompaction(db: Db, logger: FastifyBaseLogger, everyMs = 10_000): { stop(): void } {
  const timer = setInterval(() => {
    compactRollups(db).catch((err) => logger.warn({ err }, 'metric rollup compaction'));
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
