import type { DomainEvent } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import { initialState } from './chat-state.ts';
import { CLOSED_AT_END, reduceEvent } from './events.ts';

const conversation = { id: '11111111-1111-4111-8111-111111111111', status: 'open' as const };

function created(id: string, fields: Record<string, unknown> = {}): DomainEvent {
  const message = {
    id,
    clientId: null,
    authorKind: 'operator',
    authorName: 'Anna',
    text: 'hi',
    attachments: [],
    createdAt: '2025-01-01T12:00:00.000Z',
    readAt: null,
    ...fields,
  };
  return {
    seq: 1,
    name: 'message.created',
    at: '',
    payload: { message, conversation },
  } as unknown as DomainEvent;
}

describe('reduceEvent', () => {
  it('adds a message and takes its conversation', () => {
    const changes = reduceEvent(initialState(true), created('a'));
    expect(changes?.messages).toHaveLength(1);
    expect(changes?.conversation).toEqual(conversation);
  });

  it('ignores private notes', () => {
    expect(reduceEvent(initialState(true), created('b', { private: true }))).toBeNull();
  });

  it('shows the closed notice, and keeps it before messages of a new conversation', () => {
    const start = { ...initialState(true), ...reduceEvent(initialState(true), created('c')) };
    const closedEvent = {
      seq: 2,
      name: 'conversation.updated',
      at: '',
      payload: { conversation: { ...conversation, status: 'closed' }, change: 'closed', actorId: null },
    } as unknown as DomainEvent;
    const closed = { ...start, ...reduceEvent(start, closedEvent) };
    expect(closed.closedAfter).toBe(CLOSED_AT_END);
    const next = reduceEvent(closed, created('d'));
    expect(next?.closedAfter).toBe(start.messages[0]?.key);
  });

  it('follows "someone can answer" live, keeping what the session said about hours while away', () => {
    const settings = {
      name: 'Acme',
      online: false,
      outOfHours: true,
      outOfHoursMessage: null,
      offlineForm: false,
      prechat: { enabled: false, requireEmail: false },
      attachments: { maxBytes: 1, contentTypes: [] },
    };
    const event = (available: boolean) =>
      ({ seq: 2, name: 'widget.availability', at: '', payload: { available } }) as DomainEvent;
    const state = { ...initialState(true), settings };
    expect(reduceEvent(state, event(true))).toEqual({
      settings: { ...settings, online: true, outOfHours: false },
    });
    const away = { ...settings, online: true, outOfHours: false };
    expect(reduceEvent({ ...state, settings: away }, event(false))).toEqual({
      settings: { ...away, online: false },
    });
    expect(reduceEvent(initialState(true), event(true))).toBeNull();
  });
});
