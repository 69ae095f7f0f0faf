import { type BusinessHours, weekdays } from '@parley/contracts';

export type Range = [string, string];

export const minutes = (clock: string) => {
  const [h = '0', m = '0'] = clock.split(':');
  return Number(h) * 60 + Number(m);
};

type Problem = 'missing' | 'same' | 'overlap';
const clock = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A range closing before it opens runs past midnight (22:00–06:00), as the server reads it. */
export const overnight = (r: Range): boolean =>
  clock.test(r[0]) && clock.test(r[1]) && minutes(r[1]) < minutes(r[0]);

/** Until when (minutes after midnight) the day's overnight ranges keep the team open the next day. */
export const runsInto = (ranges: Range[]): number =>
  Math.max(0, ...ranges.filter(overnight).map((r) => minutes(r[1])));

/**
 * What is wrong with one day's ranges, by index: incomplete, closing when it opens, or overlapping
 * another range of the day or the previous day's overnight range (open until `carried`).
 */
export function rangeProblems(ranges: Range[], carried = 0): Map<number, Problem> {
  const problems = new Map<number, Problem>();
  ranges.forEach((r, index) => {
    if (!clock.test(r[0]) || !clock.test(r[1])) problems.set(index, 'missing');
  });
  const order = ranges
    .map((r, index) => ({ r, index }))
    .filter(({ index }) => !problems.has(index))
    .sort((a, b) => minutes(a.r[0]) - minutes(b.r[0]));
  // The latest closing time so far: a range opening before it overlaps one that started earlier.
  let closesAt = carried;
  for (const { r, index } of order) {
    if (minutes(r[1]) === minutes(r[0])) problems.set(index, 'same');
    else if (minutes(r[0]) < closesAt) problems.set(index, 'overlap');
    // An overnight range runs to the end of its day.
    closesAt = Math.max(closesAt, overnight(r) ? 24 * 60 : minutes(r[1]));
  }
  return problems;
}

/** Until when (minutes) the night before a weekday keeps the team open into it (Sunday's into Monday). */
export const carriedInto = (weekly: BusinessHours['weekly'], day: (typeof weekdays)[number]): number =>
  runsInto((weekly[weekdays[(weekdays.indexOf(day) + 6) % 7]!] ?? []) as Range[]);

export const hoursValid = (hours: BusinessHours | null): boolean =>
  hours === null ||
  weekdays.every((day) => rangeProblems(hours.weekly[day] ?? [], carriedInto(hours.weekly, day)).size === 0);

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
