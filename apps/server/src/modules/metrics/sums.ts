import type { Average, Figures } from '@parley/contracts';
import type { SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';

/**
 * The sums behind the figures (`Raw`) and how query rows add into them: every query of
 * `figures.ts` names its columns as in `column`, so rollups, direct computation and edges of a
 * period add up field by field, then `toFigures` turns sums into the figures of SPEC §3.
 */

/** Sums behind the figures of a period: they add up over disjoint parts of a period. */
export interface Raw {
  total: number;
  attended: number;
  unattended: number;
  responseSum: number;
  responseCount: number;
  waitSum: number;
  waitCount: number;
  closed: number;
  durationSum: number;
  firstSum: number;
  firstCount: number;
  slCount: number;
  slMet: number;
  transferred: number;
  ratingSum: number;
  ratingCount: number;
  firstBhSum: number;
  firstBhCount: number;
  responseBhSum: number;
  responseBhCount: number;
  waitBhSum: number;
  waitBhCount: number;
  durationBhSum: number;
  durationBhCount: number;
}
const rawFields = [
  'total',
  'attended',
  'unattended',
  'responseSum',
  'responseCount',
  'waitSum',
  'waitCount',
  'closed',
  'durationSum',
  'firstSum',
  'firstCount',
  'slCount',
  'slMet',
  'transferred',
  'ratingSum',
  'ratingCount',
  'firstBhSum',
  'firstBhCount',
  'responseBhSum',
  'responseBhCount',
  'waitBhSum',
  'waitBhCount',
  'durationBhSum',
  'durationBhCount',
] as const;
const column: Record<(typeof rawFields)[number], string> = {
  total: 'total',
  attended: 'attended',
  unattended: 'unattended',
  responseSum: 'response_sum',
  responseCount: 'response_count',
  waitSum: 'wait_sum',
  waitCount: 'wait_count',
  closed: 'closed',
  durationSum: 'duration_sum',
  firstSum: 'first_sum',
  firstCount: 'first_count',
  slCount: 'sl_count',
  slMet: 'sl_met',
  transferred: 'transferred',
  ratingSum: 'rating_sum',
  ratingCount: 'rating_count',
  firstBhSum: 'first_bh_sum',
  firstBhCount: 'first_bh_count',
  responseBhSum: 'response_bh_sum',
  responseBhCount: 'response_bh_count',
  waitBhSum: 'wait_bh_sum',
  waitBhCount: 'wait_bh_count',
  durationBhSum: 'duration_bh_sum',
  durationBhCount: 'duration_bh_count',
};
export const zeroRaw = (): Raw => Object.fromEntries(rawFields.map((f) => [f, 0])) as unknown as Raw;

export interface Now {
  active: number;
  pending: number;
  queued: number;
}

const avg = (sum: number, count: number): Average => ({
  ms: count > 0 ? Math.round(sum / count) : null,
  count,
});

export const zeroFigures = (): Figures => toFigures(zeroRaw(), { active: 0, pending: 0, queued: 0 });

export function toFigures(r: Raw, now: Now): Figures {
  return {
    total: r.total,
    attended: r.attended,
    unattended: r.unattended,
    transferred: r.transferred,
    closed: r.closed,
    firstResponse: avg(r.firstSum, r.firstCount),
    response: avg(r.responseSum, r.responseCount),
    duration: avg(r.durationSum, r.closed),
    queueWait: avg(r.waitSum, r.waitCount),
    businessHours: {
      firstResponse: avg(r.firstBhSum, r.firstBhCount),
      response: avg(r.responseBhSum, r.responseBhCount),
      duration: avg(r.durationBhSum, r.durationBhCount),
      queueWait: avg(r.waitBhSum, r.waitBhCount),
    },
    serviceLevel: { met: r.slMet, count: r.slCount },
    csat: {
      sum: r.ratingSum,
      count: r.ratingCount,
      average: r.ratingCount > 0 ? r.ratingSum / r.ratingCount : null,
    },
    ...now,
  };
}

export type Row = Record<string, unknown> & { key: string | null };

export async function rows(db: Queryable, query: SQL): Promise<Row[]> {
  const result = await db.execute(query);
  return result.rows as Row[];
}

/** Adds query rows (columns named as in `column`) into per-key sums. */
export function addRows(into: Map<string | null, Raw>, found: Row[]) {
  for (const r of found) {
    let raw = into.get(r.key);
    if (!raw) {
      raw = zeroRaw();
      into.set(r.key, raw);
    }
    for (const f of rawFields) {
      const v = r[column[f]];
      if (v !== undefined && v !== null) raw[f] += Number(v);
    }
  }
}
