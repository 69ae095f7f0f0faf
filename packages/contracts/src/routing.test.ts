import { describe, expect, it } from 'vitest';
import { businessHours, carriedInto, overnight, rangeClashes, runsInto, team } from './routing.ts';

const office = { timezone: 'Europe/Madrid', holidays: [] };
const issues = (weekly: object) => {
  const parsed = businessHours.safeParse({ ...office, weekly });
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('opening ranges', () => {
  it('reads a range closing before it opens as running past midnight, into the next day', () => {
    expect(overnight(['22:00', '06:00'])).toBe(true);
    expect(overnight(['09:00', '17:00'])).toBe(false);
    expect(runsInto([['22:00', '06:00']])).toBe(6 * 60);
    expect(runsInto([['09:00', '17:00']])).toBe(0);
    // Sunday's night runs into Monday.
    expect(carriedInto({ sun: [['23:00', '02:30']] }, 'mon')).toBe(150);
    expect(carriedInto({ sun: [['23:00', '02:30']] }, 'tue')).toBe(0);
  });

  it('finds ranges that close when they open or open before an earlier one has closed', () => {
    expect(
      rangeClashes([
        ['08:00', '20:00'],
        ['09:00', '10:00'],
        ['11:00', '11:00'],
      ]),
    ).toEqual(
      new Map([
        [1, 'overlap'],
        [2, 'same'],
      ]),
    );
    // Touching ranges do not overlap, in any order; the night before counts until it closes.
    expect(
      rangeClashes([
        ['13:00', '17:00'],
        ['09:00', '13:00'],
      ]).size,
    ).toBe(0);
    expect(rangeClashes([['05:00', '09:00']], 6 * 60)).toEqual(new Map([[0, 'overlap']]));
  });
});

describe('business hours as a client sends them', () => {
  it('takes split shifts and night shifts', () => {
    const split = [
      ['09:00', '13:00'],
      ['14:00', '18:00'],
    ];
    expect(issues({ mon: split, fri: [['22:00', '06:00']], sat: [['06:00', '12:00']] })).toEqual([]);
  });

  it('refuses overlapping ranges, naming the range', () => {
    expect(
      issues({
        tue: [
          ['09:00', '13:00'],
          ['12:00', '18:00'],
        ],
      }),
    ).toEqual(['weekly.tue.1: overlaps another opening range of the day or the night before']);
    // Sunday night still open on Monday morning.
    expect(issues({ sun: [['22:00', '10:00']], mon: [['09:00', '17:00']] })).toEqual([
      'weekly.mon.0: overlaps another opening range of the day or the night before',
    ]);
    expect(issues({ wed: [['09:00', '09:00']] })).toEqual([
      'weekly.wed.0: must close at another time than it opens',
    ]);
  });

  it('still shows hours stored before these rules', () => {
    const stored = {
      id: '0b7e7c5e-8f43-4c0e-9a56-1b2f0b6f9d11',
      name: 'Support',
      rule: 'round_robin',
      capacity: null,
      rerouteAfterSeconds: null,
      businessHours: {
        ...office,
        weekly: {
          mon: [
            ['09:00', '09:00'],
            ['08:00', '18:00'],
            ['10:00', '12:00'],
          ],
        },
      },
      outOfHoursMessage: null,
      memberIds: [],
      queued: 0,
      open: true,
    };
    expect(team.safeParse(stored).success).toBe(true);
  });
});
