import type { PeriodPreset } from '@parley/contracts';

/** Wall-clock fields of an instant in a time zone. */
function wall(at: Date, timezone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  return parts;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(at: Date, timezone: string): number {
  const w = wall(at, timezone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant of local midnight `daysBack` days before the local date of `at`. */
export function localMidnight(at: Date, timezone: string, daysBack = 0): Date {
  const w = wall(at, timezone);
  const midnightAsUtc = Date.UTC(w.year, w.month - 1, w.day - daysBack);
  // The offset at midnight may differ from the offset now (a DST change during the day): check again.
  const guess = midnightAsUtc - offsetAt(at, timezone);
  return new Date(midnightAsUtc - offsetAt(new Date(guess), timezone));
}

/** [from, to) of a preset period in the workspace's time zone (SPEC §3: "a period"). */
export function periodRange(preset: PeriodPreset, timezone: string, now: Date): { from: Date; to: Date } {
  const today = localMidnight(now, timezone);
  switch (preset) {
    case 'today':
      return { from: today, to: localMidnight(now, timezone, -1) };
    case 'yesterday':
      return { from: localMidnight(now, timezone, 1), to: today };
    case '7d':
      return { from: localMidnight(now, timezone, 6), to: localMidnight(now, timezone, -1) };
    case '30d':
      return { from: localMidnight(now, timezone, 29), to: localMidnight(now, timezone, -1) };
  }
}
