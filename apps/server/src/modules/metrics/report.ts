import type { MetricsQuery, MetricsReport, PeriodPreset } from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { workspaces } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize, type OperatorPrincipal } from '../workspaces/policy.ts';
import { computeFigures } from './figures.ts';
import { periodRange } from './period.ts';

const MAX_PERIOD_MS = 366 * 24 * 3600 * 1000;

/** The workspace's monitoring settings and the period asked for (a preset in its time zone, or [from, to)). */
export async function resolvePeriod(
  db: Queryable,
  workspaceId: string,
  query: { period?: PeriodPreset; from?: string; to?: string },
  now: Date,
) {
  const [workspace] = await db
    .select({
      timezone: workspaces.timezone,
      seconds: workspaces.serviceLevelSeconds,
      percent: workspaces.serviceLevelTarget,
    })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const timezone = workspace?.timezone ?? 'UTC';
  const range =
    query.from && query.to
      ? { from: new Date(query.from), to: new Date(query.to) }
      : periodRange(query.period ?? 'today', timezone, now);
  if (!(range.to > range.from)) throw new AppError('validation_failed', 'to: must be after from', 'to');
  if (range.to.getTime() - range.from.getTime() > MAX_PERIOD_MS) {
    throw new AppError('validation_failed', 'to: a period lasts at most 366 days', 'to');
  }
  return {
    ...range,
    timezone,
    serviceLevelGoal: { seconds: workspace?.seconds ?? 60, percent: workspace?.percent ?? 80 },
  };
}

/** MON-1…3: the workspace's figures for a period (a preset in its time zone, or [from, to)). */
export async function metricsReport(
  db: Queryable,
  actor: OperatorPrincipal,
  query: MetricsQuery,
  now: Date = new Date(),
): Promise<MetricsReport> {
  authorize(actor, 'monitor');
  const { from, to, timezone, serviceLevelGoal } = await resolvePeriod(db, actor.workspaceId, query, now);
  const result = await computeFigures(db, {
    workspaceId: actor.workspaceId,
    from,
    to,
    channel: query.channel,
    teamId: query.teamId,
    segment: query.segment,
  });
  return { from: from.toISOString(), to: to.toISOString(), timezone, serviceLevelGoal, ...result };
}
