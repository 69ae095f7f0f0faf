import { describe, expect, it } from 'vitest';
import { operatorPrincipal } from '../modules/workspaces/policy.ts';
import { present } from '../realtime/audience.ts';
import { eventText, memoOf, rememberPayloadText, type StoredEvent } from './bus.ts';

const event = (): StoredEvent => ({
  workspaceId: 'w',
  seq: 7,
  name: 'message.created',
  payload: { message: { text: 'for operators' } },
  at: '2026-12-03T00:00:00.000Z',
});

describe('event memo', () => {
  it('serialises an event once, from the payload text it was published with', () => {
    const e = event();
    rememberPayloadText(e, '{"message":{"text":"as stored"}}');
    const text = eventText(e);
    expect(JSON.parse(text)).toEqual({ ...e, payload: { message: { text: 'as stored' } } });
    expect(eventText(e)).toBe(text);
  });

  it('is not carried by a copy of the event: a cut with another payload gets its own text', () => {
    const e = event();
    eventText(e);
    memoOf(e).frame = Buffer.from('frame');
    const cut: StoredEvent = { ...e, payload: { message: { text: 'for the visitor' } } };
    expect(Object.keys(e)).toEqual(['workspaceId', 'seq', 'name', 'payload', 'at']);
    expect(memoOf(cut).frame).toBeUndefined();
    expect(JSON.parse(eventText(cut)).payload).toEqual({ message: { text: 'for the visitor' } });
    expect(JSON.stringify(e)).not.toContain('frame');
  });

  it('keeps the visitors cut of an event, which never holds what only operators see', () => {
    const e: StoredEvent = {
      ...event(),
      name: 'conversation.tagged',
      payload: {
        conversation: { id: 'c', visitorId: 'v', contact: { id: 'k' }, assigneeId: null, teamId: null },
        tags: ['vip'],
      },
    };
    const visitor = { kind: 'visitor', workspaceId: 'w', visitorId: 'v', contactId: 'k' } as const;
    expect(present(visitor as never, e)).toBeNull();
    expect(memoOf(e).visitorCut).toBeNull();
    // The operators' copy of the same event is the event itself, memo included.
    const operator = operatorPrincipal({
      userId: 'u',
      name: 'U',
      sessionId: 's',
      workspaceId: 'w',
      role: 'owner',
      grants: [],
    });
    expect(present(operator, e)).toBe(e);
  });
});
