import type { DomainEvent, Member, QueueSummary, Team } from '@parley/contracts';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../../api/query-keys.ts';
import { applyRoutingEvent } from './routing-events.ts';

const ws = '11111111-1111-4111-8111-111111111111';
const me = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const other = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const at = '2024-01-01T12:00:00.000Z';

const member = (userId: string, status: string): Member => ({
  userId,
  name: userId,
  email: `${userId}@example.com`,
  role: 'operator',
  permissions: [],
  joinedAt: at,
  lastLoginAt: null,
  status,
  statusSince: at,
  signedIn: true,
  capacity: 3,
});

const team = (id: string, name: string, queued = 0): Team => ({
  id,
  name,
  rule: 'round_robin',
  capacity: null,
  rerouteAfterSeconds: null,
  businessHours: null,
  outOfHoursMessage: null,
  memberIds: [],
  queued,
  open: true,
});

let seq = 0;
const event = (name: DomainEvent['name'], payload: unknown) =>
  ({ seq: ++seq, name, payload, at }) as DomainEvent;

describe('routing events in the caches', () => {
  it('puts a status change on the member, mine or a colleague’s', () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.members(ws), [member(me, 'connected'), member(other, 'connected')]);
    const since = '2024-01-01T12:05:00.000Z';
    const changed = (userId: string, status: string, changedBy: string | null, signedIn = true) =>
      applyRoutingEvent(
        client,
        ws,
        me,
        event('operator.status_changed', { userId, status, since, changedBy, signedIn }),
      );
    changed(other, 'on_break', other);
    changed(me, 'training', other);
    // A colleague's console lapses: signed out, not appearing offline.
    changed(other, 'disconnected', null, false);
    const members = client.getQueryData<Member[]>(queryKeys.members(ws));
    expect(members?.map((m) => [m.userId, m.status, m.statusSince, m.signedIn])).toEqual([
      [me, 'training', since, true],
      [other, 'disconnected', since, false],
    ]);
  });

  it('adds, replaces and removes teams, sorted by name', () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.teams(ws), [team('t1', 'Support')]);
    applyRoutingEvent(client, ws, me, event('team.updated', { team: team('t2', 'Billing') }));
    applyRoutingEvent(client, ws, me, event('team.updated', { team: team('t1', 'Sales') }));
    expect(client.getQueryData<Team[]>(queryKeys.teams(ws))?.map((t) => t.name)).toEqual([
      'Billing',
      'Sales',
    ]);
    applyRoutingEvent(client, ws, me, event('team.deleted', { teamId: 't2' }));
    expect(client.getQueryData<Team[]>(queryKeys.teams(ws))?.map((t) => t.id)).toEqual(['t1']);
  });

  it('keeps the header count and each team’s queued count live', () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.teams(ws), [team('t1', 'Sales', 4), team('t2', 'Support', 1)]);
    const summary: QueueSummary = { queued: 2, byTeam: [{ teamId: 't1', queued: 2 }] };
    applyRoutingEvent(client, ws, me, event('queue.updated', summary));
    expect(client.getQueryData(queryKeys.queue(ws))).toEqual(summary);
    expect(client.getQueryData<Team[]>(queryKeys.teams(ws))?.map((t) => t.queued)).toEqual([2, 0]);
  });
});
