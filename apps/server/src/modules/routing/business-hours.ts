import type { BusinessHours } from '@parley/contracts';
import { now as clockNow } from './clock.ts';

const weekdayKeys = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** The wall clock in a time zone: weekday, date and minutes since midnight. */
export function localClock(
  at: Date,
  timezone: string,
): { weekday: (typeof weekdayKeys)[number]; date: string; minutes: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const weekday = weekdayKeys[['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!)]!;
  return {
    weekday,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const toMinutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

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
  if (today.some(([from, to]) => inRange(now.minutes, toMinutes(from), toMinutes(to), 'today'))) return true;
  // Yesterday's overnight range may still be running.
  const yesterday = weekdayKeys[(weekdayKeys.indexOf(now.weekday) + 6) % 7]!;
  const yesterdayDate = localClock(new Date(at.getTime() - 86_400_000), hours.timezone).date;
  if (hours.holidays.includes(yesterdayDate)) return false;
  return (hours.weekly[yesterday] ?? []).some(([from, to]) =>
    inRange(now.minutes, toMinutes(from), toMinutes(to), 'after-midnight'),
  );
}

function inRange(minute: number, from: number, to: number, part: 'today' | 'after-midnight'): boolean {
  if (from < to) return part === 'today' && minute >= from && minute < to;
  // Overnight: from 22:00 to 06:00 is [22:00, 24:00) today and [00:00, 06:00) tomorrow.
  return part === 'today' ? minute >= from : minute < to;
}
