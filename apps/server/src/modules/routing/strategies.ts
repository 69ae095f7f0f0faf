import type { AssignmentRule } from '@parley/contracts';

export interface Candidate {
  userId: string;
  active: number;
  capacity: number;
  /** When this member last got a conversation from the team (round robin). */
  lastAssignedAt: Date | null;
}

const waitedLongest = (a: Candidate, b: Candidate) =>
  (a.lastAssignedAt?.getTime() ?? 0) - (b.lastAssignedAt?.getTime() ?? 0) || a.userId.localeCompare(b.userId);

/**
 * Orders the operators who may take a conversation, best first (ROUTE-3). Round robin: whoever got
 * one from this team longest ago. Least busy: fewest open conversations, then round robin among
 * equals. Manual: nobody is picked; operators take conversations from the queue themselves.
 */
export function rankCandidates(rule: AssignmentRule, candidates: Candidate[]): Candidate[] {
  const free = candidates.filter((c) => c.active < c.capacity);
  if (rule === 'manual') return [];
  if (rule === 'least_busy') return free.sort((a, b) => a.active - b.active || waitedLongest(a, b));
  return free.sort(waitedLongest);
}
