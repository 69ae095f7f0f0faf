import { type BusinessHours, weekdays } from '@parley/contracts';

export type Range = [string, string];

export const minutes = (clock: string) => {
  const [h = '0', m = '0'] = clock.split(':');
  return Number(h) * 60 + Number(m);
};

type Problem = 'missing' | 'order' | 'overlap';
const clock = /^([01]\d|2[0-3]):[0-5]\d$/;

/** What is wrong with one day's ranges, by index: incomplete, ends before it starts, or overlaps another. */
export function rangeProblems(ranges: Range[]): Map<number, Problem> {
  const problems = new Map<number, Problem>();
  ranges.forEach((r, index) => {
    if (!clock.test(r[0]) || !clock.test(r[1])) problems.set(index, 'missing');
  });
  const order = ranges
    .map((r, index) => ({ r, index }))
    .filter(({ index }) => !problems.has(index))
    .sort((a, b) => minutes(a.r[0]) - minutes(b.r[0]));
  // The latest closing time so far: a range opening before it overlaps one that started earlier.
  let closesAt = -1;
  for (const { r, index } of order) {
    if (minutes(r[1]) <= minutes(r[0])) problems.set(index, 'order');
    else if (minutes(r[0]) < closesAt) problems.set(index, 'overlap');
    closesAt = Math.max(closesAt, minutes(r[1]));
  }
  return problems;
}

export const hoursValid = (hours: BusinessHours | null): boolean =>
  hours === null || weekdays.every((day) => rangeProblems(hours.weekly[day] ?? []).size === 0);

/**
 * Weekdays 9 to 5 in the workspace's time zone (the team's hours are the workspace's unless said
 * otherwise): a starting point when a team stops being always open.
 */
export function defaultHours(timezone: string): BusinessHours {
  const office: Range[] = [['09:00', '17:00']];
  return {
    timezone,
    weekly: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] },
    holidays: [],
  };
}
