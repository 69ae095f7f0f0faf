import { describe, expect, it } from 'vitest';
import { defaultHours, hoursValid, type Range, rangeProblems } from './business-hours.ts';

const problems = (ranges: Range[]) => Object.fromEntries(rangeProblems(ranges));

describe('business hours ranges', () => {
  it('accepts a split shift', () => {
    expect(
      problems([
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ]),
    ).toEqual({});
  });

  it('flags a range that closes before it opens, and incomplete times', () => {
    expect(
      problems([
        ['18:00', '09:00'],
        ['10:00', ''],
      ]),
    ).toEqual({ 0: 'order', 1: 'missing' });
  });

  it('flags overlaps with any earlier range, not only the one just before', () => {
    expect(
      problems([
        ['08:00', '20:00'],
        ['09:00', '10:00'],
        ['11:00', '12:00'],
      ]),
    ).toEqual({
      1: 'overlap',
      2: 'overlap',
    });
    // Touching ranges do not overlap, whatever order they were entered in.
    expect(
      problems([
        ['13:00', '17:00'],
        ['09:00', '13:00'],
      ]),
    ).toEqual({});
  });

  it('treats always open as valid and checks every weekday otherwise', () => {
    expect(hoursValid(null)).toBe(true);
    const hours = defaultHours('Europe/Madrid');
    // The workspace's time zone, not the browser's (or UTC).
    expect(hours.timezone).toBe('Europe/Madrid');
    expect(hoursValid(hours)).toBe(true);
    expect(hoursValid({ ...hours, weekly: { ...hours.weekly, sun: [['12:00', '11:00']] } })).toBe(false);
  });
});
