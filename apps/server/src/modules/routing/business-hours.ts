import { type BusinessHours, localClock, minutesOf, weekdays } from '@parley/contracts';
import { now as clockNow } from './clock.ts';

/**
 * ROUTE-6: open when the team's local time falls in one of the day's ranges (several for split
 * shifts) and the local date is not a holiday. A range ending before it starts runs past midnight.
 * No hours at all means always open.
 */
export function isOpen(hours: BusinessHours | null, at: Date = clockNow()): boolean {
  if (!hours) return true;
  const now = localClock(at, hours.timezone);
  if (hours.holidays.includes(now.date)) return false;
  const today = hours.weekly[now.weekday] ?? [];
  if (today.some(([from, to]) => inRange(now.minutes, minutesOf(from), minutesOf(to), 'today'))) return true;
  // Yesterday's overnight range may still be running.
  const yesterday = weekdays[(weekdays.indexOf(now.weekday) + 6) % 7]!;
  const yesterdayDate = localClock(new Date(at.getTime() - 86_400_000), hours.timezone).date;
  if (hours.holidays.includes(yesterdayDate)) return false;
  return (hours.weekly[yesterday] ?? []).some(([from, to]) =>
    inRange(now.minutes, minutesOf(from), minutesOf(to), 'after-midnight'),
  );
}

function inRange(minute: number, from: number, to: number, part: 'today' | 'after-midnight'): boolean {
  if (from < to) return part === 'today' && minute >= from && minute < to;
  // Overnight: from 22:00 to 06:00 is [22:00, 24:00) today and [00:00, 06:00) tomorrow.
  return part === 'today' ? minute >= from : minute < to;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** How far the zone's wall clock is ahead of UTC at an instant, in ms (to the minute). */
function offsetAt(at: number, timezone: string): number {
  const floor = Math.floor(at / MINUTE) * MINUTE;
  const local = localClock(new Date(floor), timezone);
  const [y, m, d] = local.date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) + local.minutes * MINUTE - floor;
}

/**
 * The part of [from, to) during which the team is open, in ms (SPEC §3: business-hours variants of
 * the time metrics). Exactly the instants `isOpen` answers true for: the interval is cut at every
 * instant where openness can change (each range's ends and each local midnight on the dates it
 * spans, under the zone's offsets on either side, and the zone's offset changes), and each piece is
 * open or closed as `isOpen` says at its start. No hours at all means always open.
 */
export function openMs(hours: BusinessHours | null, from: Date, to: Date): number {
  const start = from.getTime();
  const end = to.getTime();
  if (!(end > start)) return 0;
  if (!hours) return end - start;
  const tz = hours.timezone;
  const minutes = new Set<number>([0]);
  for (const ranges of Object.values(hours.weekly)) {
    for (const [a, b] of ranges ?? []) {
      minutes.add(minutesOf(a));
      minutes.add(minutesOf(b) % 1440);
    }
  }
  const cuts = new Set<number>([start]);
  const first = localClock(new Date(start - DAY), tz).date;
  const last = localClock(new Date(end + DAY), tz).date;
  const [y, m, d] = first.split('-').map(Number) as [number, number, number];
  for (let day = Date.UTC(y, m - 1, d); ; day += DAY) {
    for (const minute of minutes) {
      const wall = day + minute * MINUTE;
      const before = offsetAt(wall - 14 * 3600_000, tz);
      const after = offsetAt(wall + 14 * 3600_000, tz);
      cuts.add(wall - before);
      cuts.add(wall - after);
      if (before !== after) cuts.add(offsetChange(wall - 14 * 3600_000, wall + 14 * 3600_000, tz));
    }
    if (new Date(day).toISOString().slice(0, 10) >= last) break;
  }
  const sorted = [...cuts].filter((t) => t >= start && t < end).sort((a, b) => a - b);
  let open = 0;
  for (let i = 0; i < sorted.length; i++) {
    const piece = sorted[i]!;
    if (isOpen(hours, new Date(piece))) open += (sorted[i + 1] ?? end) - piece;
  }
  return open;
}

/** The minute at which the zone's offset changes between `lo` and `hi` (which have different offsets). */
function offsetChange(lo: number, hi: number, timezone: string): number {
  let a = Math.floor(lo / MINUTE);
  let b = Math.ceil(hi / MINUTE);
  const offset = offsetAt(a * MINUTE, timezone);
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (offsetAt(mid * MINUTE, timezone) === offset) a = mid;
    else b = mid;
  }
  return b * MINUTE;
}
