import type { BusinessHours } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import { isOpen, openMs } from './business-hours.ts';

const MIN = 60_000;
const H = 60 * MIN;
const weekdays = (ranges: [string, string][]) => ({
  mon: ranges,
  tue: ranges,
  wed: ranges,
  thu: ranges,
  fri: ranges,
});
const hours = (
  timezone: string,
  weekly: BusinessHours['weekly'],
  holidays: string[] = [],
): BusinessHours => ({
  timezone,
  weekly,
  holidays,
});
const at = (iso: string) => new Date(iso);

/** The same measure the slow way: isOpen minute by minute (intervals on whole minutes). */
function byMinute(h: BusinessHours, from: Date, to: Date): number {
  let open = 0;
  for (let t = from.getTime(); t < to.getTime(); t += MIN) if (isOpen(h, new Date(t))) open += MIN;
  return open;
}

describe('openMs: the open-hours part of an interval', () => {
  const office = hours('Europe/Madrid', weekdays([['09:00', '18:00']]));

  it('counts only open time: 17:55 → 09:05 the next morning is 10 minutes', () => {
    // Tuesday 1 December 2026, Madrid is UTC+1.
    expect(openMs(office, at('2026-12-01T16:55:00Z'), at('2026-12-02T08:05:00Z'))).toBe(10 * MIN);
    // Seconds count too, inside and at the edges.
    expect(openMs(office, at('2026-12-01T16:59:30Z'), at('2026-12-02T08:00:15Z'))).toBe(45_000);
    // Over a weekend: Friday 17:00 → Monday 10:00 is 1 h + 1 h.
    expect(openMs(office, at('2026-12-04T16:00:00Z'), at('2026-12-07T09:00:00Z'))).toBe(2 * H);
    // Wholly closed, wholly open, empty.
    expect(openMs(office, at('2026-12-01T18:00:00Z'), at('2026-12-01T23:00:00Z'))).toBe(0);
    expect(openMs(office, at('2026-12-01T09:00:00Z'), at('2026-12-01T09:30:00Z'))).toBe(30 * MIN);
    expect(openMs(office, at('2026-12-01T09:00:00Z'), at('2026-12-01T09:00:00Z'))).toBe(0);
  });

  it('is all of the interval without hours', () => {
    expect(openMs(null, at('2026-12-01T16:55:00Z'), at('2026-12-02T08:05:00Z'))).toBe(15 * H + 10 * MIN);
  });

  it('follows split shifts', () => {
    const split = hours(
      'UTC',
      weekdays([
        ['09:00', '13:00'],
        ['15:00', '19:00'],
      ]),
    );
    expect(openMs(split, at('2026-12-01T12:00:00Z'), at('2026-12-01T16:00:00Z'))).toBe(2 * H);
    expect(openMs(split, at('2026-12-01T00:00:00Z'), at('2026-12-02T00:00:00Z'))).toBe(8 * H);
  });

  it('follows overnight ranges', () => {
    const night = hours('UTC', weekdays([['22:00', '06:00']]));
    // Tuesday 21:00 → Wednesday 07:00: 22:00–06:00.
    expect(openMs(night, at('2026-12-01T21:00:00Z'), at('2026-12-02T07:00:00Z'))).toBe(8 * H);
    // Friday night runs into Saturday morning; Saturday night is closed.
    expect(openMs(night, at('2026-12-04T21:00:00Z'), at('2026-12-06T07:00:00Z'))).toBe(8 * H);
  });

  it('closes on holidays, including the part of an overnight range that starts or ends on one', () => {
    const office2 = hours('Europe/Madrid', weekdays([['09:00', '18:00']]), ['2026-12-08']);
    // Monday 17:00 → Wednesday 10:00 with Tuesday a holiday: 1 h + 1 h.
    expect(openMs(office2, at('2026-12-07T16:00:00Z'), at('2026-12-09T09:00:00Z'))).toBe(2 * H);
    const night = hours('UTC', weekdays([['22:00', '06:00']]), ['2026-12-02']);
    // Tuesday 22:00–24:00 is open; Wednesday 00:00–06:00 falls on the holiday; Wednesday's own night too.
    expect(openMs(night, at('2026-12-01T21:00:00Z'), at('2026-12-03T07:00:00Z'))).toBe(2 * H);
  });

  it('measures real time across daylight saving changes', () => {
    const early = hours('Europe/Madrid', { sun: [['00:00', '06:00']] });
    // 29 March 2026: 02:00 → 03:00, the range lasts 5 real hours.
    expect(openMs(early, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'))).toBe(5 * H);
    // 25 October 2026: 03:00 → 02:00, it lasts 7.
    expect(openMs(early, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'))).toBe(7 * H);
    const nyNight = hours('America/New_York', { sat: [['22:00', '04:00']] });
    // 8 March 2026 (a Sunday) springs forward at 02:00: Saturday 22:00 → Sunday 04:00 is 5 h.
    expect(openMs(nyNight, at('2026-03-07T12:00:00Z'), at('2026-03-08T18:00:00Z'))).toBe(5 * H);
  });

  it('agrees with isOpen minute by minute', () => {
    const cases: BusinessHours[] = [
      hours(
        'Europe/Madrid',
        {
          ...weekdays([
            ['09:00', '14:00'],
            ['16:00', '20:00'],
          ]),
          sat: [['10:00', '13:00']],
        },
        ['2026-03-30'],
      ),
      hours('America/New_York', {
        fri: [['20:00', '02:00']],
        sat: [['23:30', '01:15']],
        sun: [['01:00', '03:00']],
      }),
      hours('Australia/Lord_Howe', weekdays([['00:00', '24:00']]), ['2026-04-06']),
      hours('Asia/Kolkata', weekdays([['09:30', '18:30']])),
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    // Around the changes of 2026: spring (Europe 29 March, New York 8 March, Lord Howe 5 April) and
    // autumn (Lord Howe 4 October, Europe 25 October, New York 1 November).
    for (const base of [Date.UTC(2026, 2, 1), Date.UTC(2026, 8, 28)]) {
      for (const h of cases) {
        for (let i = 0; i < 8; i++) {
          const from = base + Math.floor(random() * 40 * 24 * 60) * MIN;
          const to = from + Math.floor(random() * 3 * 24 * 60) * MIN;
          expect(
            openMs(h, new Date(from), new Date(to)),
            `${h.timezone} ${new Date(from).toISOString()}`,
          ).toBe(byMinute(h, new Date(from), new Date(to)));
        }
      }
    }
  });
});
