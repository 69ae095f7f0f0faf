import { describe, expect, it } from 'vitest';
import { localMidnight, periodRange } from './period.ts';

describe('periods in the workspace time zone', () => {
  it('finds local midnight east and west of UTC', () => {
    const at = new Date('2026-03-10T02:30:00Z');
    expect(localMidnight(at, 'UTC').toISOString()).toBe('2026-03-10T00:00:00.000Z');
    // 21:30 the day before in New York (UTC-4 after the 8 March DST change).
    expect(localMidnight(at, 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    // 11:30 in Tokyo.
    expect(localMidnight(at, 'Asia/Tokyo').toISOString()).toBe('2026-03-09T15:00:00.000Z');
  });

  it('keeps whole local days across a daylight-saving change', () => {
    // Madrid moves to summer time on 29 March 2026: that day lasts 23 hours.
    const now = new Date('2026-03-29T12:00:00Z');
    const { from, to } = periodRange('today', 'Europe/Madrid', now);
    expect(from.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(to.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    const week = periodRange('7d', 'Europe/Madrid', now);
    expect(week.from.toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect(week.to).toEqual(to);
    const yesterday = periodRange('yesterday', 'Europe/Madrid', now);
    expect(yesterday).toEqual({ from: new Date('2026-03-27T23:00:00Z'), to: from });
  });
});
