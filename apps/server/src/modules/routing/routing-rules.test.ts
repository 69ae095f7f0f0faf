import { describe, expect, it } from 'vitest';
import { isOpen } from './business-hours.ts';
import { type Candidate, planAssignments, rankCandidates } from './strategies.ts';

const at = (iso: string) => new Date(iso);
const c = (userId: string, active: number, last: string | null, capacity = 3): Candidate => ({
  userId,
  active,
  capacity,
  lastAssignedAt: last ? new Date(last) : null,
});

describe('assignment strategies', () => {
  it('round robin gives the next conversation to whoever waited longest, skipping full operators', () => {
    const ranked = rankCandidates('round_robin', [
      c('a', 0, '2026-01-01T10:05:00Z'),
      c('b', 3, null),
      c('c', 1, '2026-01-01T10:01:00Z'),
      c('d', 2, null),
    ]);
    expect(ranked.map((x) => x.userId)).toEqual(['d', 'c', 'a']);
  });

  it('round robin goes around the team in order as assignments happen', () => {
    const team = [c('a', 0, null), c('b', 0, null), c('c', 0, null)];
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const next = rankCandidates('round_robin', team)[0]!;
      order.push(next.userId);
      next.lastAssignedAt = new Date(Date.UTC(2026, 0, 1, 0, i));
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('least busy prefers the fewest open conversations, then the longest wait', () => {
    const ranked = rankCandidates('least_busy', [
      c('a', 2, null),
      c('b', 1, '2026-01-01T10:05:00Z'),
      c('c', 1, '2026-01-01T10:00:00Z'),
      c('d', 3, null),
    ]);
    expect(ranked.map((x) => x.userId)).toEqual(['c', 'b', 'a']);
  });

  it('respects a capacity other than the default', () => {
    expect(
      rankCandidates('least_busy', [c('a', 1, null, 1), c('b', 4, null, 5)]).map((x) => x.userId),
    ).toEqual(['b']);
  });

  it('manual pick assigns nobody', () => {
    expect(rankCandidates('manual', [c('a', 0, null)])).toEqual([]);
  });

  it('plans a batch as one-by-one routing would: turns move, loads grow, capacity holds', () => {
    const base = Date.parse('2026-01-05T10:00:00Z');
    const stamp = (i: number) => new Date(base + i);
    const waiting = (n: number, exclude: string[][] = []) =>
      Array.from({ length: n }, (_, i) => ({ id: `q${i}`, exclude: exclude[i] ?? [] }));
    const who = (plan: { userId: string }[]) => plan.map((p) => p.userId).join('');
    // Round robin: b waited longest, then c, then a (who had one at 09:00 and is nearly full).
    const team = [c('a', 2, '2026-01-05T09:00:00Z'), c('b', 0, null), c('c', 0, '2026-01-05T08:00:00Z')];
    expect(who(planAssignments('round_robin', team, waiting(8), stamp))).toBe('bcabcbc');
    // Least busy: a is loaded; b and c alternate by turn, a gets one once everyone is at 2.
    expect(who(planAssignments('least_busy', team, waiting(8), stamp))).toBe('bcbcabc');
    // The candidates passed in are not changed (a batch that rolls back leaves nothing behind).
    expect(team.map((t) => t.active)).toEqual([2, 0, 0]);
    // A conversation handed on by b never goes back to b; one that excludes nobody and finds nobody
    // ends the batch.
    const plan = planAssignments('round_robin', [c('b', 0, null, 1)], waiting(3, [['b']]), stamp);
    expect(plan.map((p) => [p.conversationId, p.userId])).toEqual([['q1', 'b']]);
    expect(planAssignments('manual', team, waiting(2), stamp)).toEqual([]);
  });
});

describe('business hours', () => {
  const madrid = {
    timezone: 'Europe/Madrid',
    weekly: {
      mon: [
        ['09:00', '13:00'],
        ['15:00', '19:00'],
      ] as [string, string][],
      sat: [['22:00', '02:00']] as [string, string][],
    },
    holidays: ['2026-12-25'],
  };

  it('follows split shifts in the team’s time zone', () => {
    // Monday 2026-11-23; Madrid is UTC+1 in winter.
    expect(isOpen(madrid, at('2026-11-23T07:59:00Z'))).toBe(false); // 08:59 local
    expect(isOpen(madrid, at('2026-11-23T08:00:00Z'))).toBe(true); // 09:00
    expect(isOpen(madrid, at('2026-11-23T12:30:00Z'))).toBe(false); // 13:30, lunch
    expect(isOpen(madrid, at('2026-11-23T14:00:00Z'))).toBe(true); // 15:00
    expect(isOpen(madrid, at('2026-11-23T18:00:00Z'))).toBe(false); // 19:00 closes
    expect(isOpen(madrid, at('2026-11-24T10:00:00Z'))).toBe(false); // Tuesday: closed all day
  });

  it('uses summer time when the zone does', () => {
    // Monday 2026-06-01: Madrid is UTC+2.
    expect(isOpen(madrid, at('2026-06-01T07:00:00Z'))).toBe(true); // 09:00 local
    expect(isOpen(madrid, at('2026-06-01T06:59:00Z'))).toBe(false);
  });

  it('is closed on holidays of the local date', () => {
    // Friday 2026-12-25 would be closed anyway: use a team open on Fridays.
    const fridays = { ...madrid, weekly: { fri: [['00:00', '23:59']] as [string, string][] } };
    expect(isOpen(fridays, at('2026-12-25T10:00:00Z'))).toBe(false);
    expect(isOpen(fridays, at('2026-12-18T10:00:00Z'))).toBe(true);
    // 23:30 UTC on the 24th is already the 25th in Madrid.
    expect(isOpen(fridays, at('2026-12-24T23:30:00Z'))).toBe(false);
  });

  it('runs an overnight shift past midnight', () => {
    expect(isOpen(madrid, at('2026-11-28T21:30:00Z'))).toBe(true); // Saturday 22:30
    expect(isOpen(madrid, at('2026-11-29T00:30:00Z'))).toBe(true); // Sunday 01:30
    expect(isOpen(madrid, at('2026-11-29T01:30:00Z'))).toBe(false); // Sunday 02:30
  });

  it('is always open without hours', () => {
    expect(isOpen(null)).toBe(true);
  });
});
