import {
  type BusinessHours,
  carriedInto,
  type OpeningRange,
  rangeClashes,
  weekdays,
} from '@parley/contracts';

export type Range = OpeningRange;

type Problem = 'missing' | 'same' | 'overlap';
const clock = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * What is wrong with one day's ranges, by index: incomplete, or (as the server judges it) closing
 * when it opens or overlapping another range of the day or the previous day's overnight range (open
 * until `carried`).
 */
export function rangeProblems(ranges: Range[], carried = 0): Map<number, Problem> {
  const problems = new Map<number, Problem>();
  const whole: number[] = [];
  ranges.forEach((range, index) => {
    if (range.every((c) => clock.test(c))) whole.push(index);
    else problems.set(index, 'missing');
  });
  const clashes = rangeClashes(
    whole.map((index) => ranges[index]!),
    carried,
  );
  for (const [at, clash] of clashes) problems.set(whole[at]!, clash);
  return problems;
}

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
