import type { Conversation, Team } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import { teamQueues } from './queue-order.ts';
import { at, testConversation } from './test-conversation.ts';

function team(id: string, name: string): Team {
  return {
    id,
    name,
    rule: 'manual',
    capacity: null,
    rerouteAfterSeconds: null,
    businessHours: null,
    outOfHoursMessage: null,
    memberIds: [],
    queued: 0,
    open: true,
  };
}

function queued(id: string, teamId: string, minute: number, patch: Partial<Conversation> = {}): Conversation {
  return testConversation(id, { teamId, queuedAt: at(minute), ...patch });
}

describe('team queues', () => {
  const sales = team('t-sales', 'Sales');
  const support = team('t-support', 'Support');

  it('orders each team by priority, then arrival, and leaves out what is not waiting', () => {
    const queues = teamQueues(
      [
        queued('late', 't-support', 9),
        queued('early', 't-support', 1),
        queued('urgent', 't-support', 12, { priority: 'urgent' }),
        queued('low', 't-support', 0, { priority: 'low' }),
        queued('medium', 't-support', 20, { priority: 'medium' }),
        queued('taken', 't-support', 0, { assigneeId: 'someone' }),
        queued('not-queued', 't-support', 0, { queuedAt: null }),
        queued('closed', 't-support', 0, { status: 'closed' }),
        queued('other-team', 't-elsewhere', 0),
        queued('sales', 't-sales', 5),
      ],
      [support, sales],
    );
    expect(queues.map((q) => [q.team.name, q.items.map((c) => c.id)])).toEqual([
      ['Sales', ['sales']],
      // Chatwoot's order: any priority before none.
      ['Support', ['urgent', 'medium', 'low', 'early', 'late']],
    ]);
  });

  it('has no entry for a team nobody waits in', () => {
    expect(teamQueues([queued('a', 't-sales', 1)], [support, sales]).map((q) => q.team.id)).toEqual([
      't-sales',
    ]);
  });
});
