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

/**
 * Plans a batch (one transaction of the router): the waiting conversations, in queue order, each go to
 * the best candidate by `rankCandidates` as it stands after the assignments before it — a candidate's
 * load grows and their round-robin turn moves (`stamp(i)`, increasing) with each one they get. A
 * conversation nobody may take waits; when it excludes nobody, nobody can take the ones behind it
 * either and the plan ends there.
 */
export function planAssignments(
  rule: AssignmentRule,
  candidates: readonly Candidate[],
  waiting: readonly { id: string; exclude: readonly string[] }[],
  stamp: (i: number) => Date,
): { conversationId: string; userId: string; at: Date }[] {
  const pool = candidates.map((c) => ({ ...c }));
  const plan: { conversationId: string; userId: string; at: Date }[] = [];
  for (const conversation of waiting) {
    const eligible = conversation.exclude.length
      ? pool.filter((c) => !conversation.exclude.includes(c.userId))
      : pool;
    const best = rankCandidates(rule, [...eligible])[0];
    if (!best) {
      if (conversation.exclude.length === 0) break;
      continue;
    }
    const at = stamp(plan.length);
    best.active++;
    best.lastAssignedAt = at;
    plan.push({ conversationId: conversation.id, userId: best.userId, at });
  }
  return plan;
}
