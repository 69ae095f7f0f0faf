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

  it('flags a range that closes when it opens, and incomplete times', () => {
    expect(
      problems([
        ['18:00', '18:00'],
        ['10:00', ''],
      ]),
    ).toEqual({ 0: 'same', 1: 'missing' });
  });

  it('reads a range closing before it opens as running past midnight, as the server does', () => {
    expect(problems([['22:00', '06:00']])).toEqual({});
    // It runs to the end of its day: a later range that day overlaps it, an earlier one does not.
    expect(
      problems([
        ['20:00', '02:00'],
        ['23:00', '23:30'],
        ['08:00', '12:00'],
      ]),
    ).toEqual({ 1: 'overlap' });
    // And into the next day until it closes.
    expect(
      Object.fromEntries(
        rangeProblems(
          [
            ['05:00', '09:00'],
            ['09:00', '12:00'],
          ],
          6 * 60,
        ),
      ),
    ).toEqual({
      0: 'overlap',
    });
  });

  it('checks each day against the night before it, Sunday night into Monday included', () => {
    const hours = defaultHours('UTC');
    expect(hoursValid({ ...hours, weekly: { ...hours.weekly, sun: [['22:00', '06:00']] } })).toBe(true);
    expect(hoursValid({ ...hours, weekly: { ...hours.weekly, sun: [['22:00', '10:00']] } })).toBe(false);
    expect(
      hoursValid({
        ...hours,
        weekly: { ...hours.weekly, fri: [['09:00', '10:00']], thu: [['20:00', '09:30']] },
      }),
    ).toBe(false);
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
    expect(hoursValid({ ...hours, weekly: { ...hours.weekly, sun: [['12:00', '12:00']] } })).toBe(false);
  });
});
