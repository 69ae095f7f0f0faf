import type { Conversation, Team } from '@parley/contracts';

const priorityRank: Record<Conversation['priority'], number> = {
  urgent: 0,
  high: 1,
  medium: 2,
  low: 3,
  none: 4,
};

export interface TeamQueue {
  team: Team;
  /** Next first: priority, then arrival (ROUTE-2). */
  items: Conversation[];
}

const queuedAt = (c: Conversation) => Date.parse(c.queuedAt ?? '');

/** The waiting conversations of each team, in the order the team's queue serves them. */
export function teamQueues(conversations: Conversation[], teams: Team[]): TeamQueue[] {
  return teams
    .map((team) => ({
      team,
      items: conversations
        .filter((c) => c.teamId === team.id && c.queuedAt && c.assigneeId === null && c.status === 'open')
        .sort((a, b) => priorityRank[a.priority] - priorityRank[b.priority] || queuedAt(a) - queuedAt(b)),
    }))
    .filter((queue) => queue.items.length > 0)
    .sort((a, b) => a.team.name.localeCompare(b.team.name));
}
