import { describe, expect, it } from 'vitest';
import { messages } from '../i18n.ts';
import type { ChatMessage } from './messages.ts';
import { operatorReplied, queueText, subtitleText, toPlace, waitText } from './queue.ts';

const { en, es, fr } = messages;

describe('waitText', () => {
  it('says "less than a minute" under 60 seconds', () => {
    expect(waitText(en, 0)).toBe('less than a minute');
    expect(waitText(en, 59)).toBe('less than a minute');
    expect(waitText(en, -5)).toBe('less than a minute');
  });

  it('rounds to whole minutes', () => {
    expect(waitText(en, 60)).toBe('about 1 min');
    expect(waitText(en, 89)).toBe('about 1 min');
    expect(waitText(en, 90)).toBe('about 2 min');
    expect(waitText(en, 240)).toBe('about 4 min');
    expect(waitText(en, 3725)).toBe('about 62 min');
  });
});

describe('queueText', () => {
  it('shows the position and the estimate', () => {
    expect(queueText(en, { position: 3, estimatedWaitSeconds: 250 })).toBe(
      'You are number 3 in the queue · about 4 min',
    );
    expect(queueText(en, { position: 2, estimatedWaitSeconds: 30 })).toBe(
      'You are number 2 in the queue · less than a minute',
    );
  });

  it('says "next" for the first place and leaves out an unknown estimate', () => {
    expect(queueText(en, { position: 1, estimatedWaitSeconds: null })).toBe('You are next in the queue');
    expect(queueText(en, { position: 7, estimatedWaitSeconds: null })).toBe('You are number 7 in the queue');
  });

  it('is empty when not waiting', () => {
    expect(queueText(en, null)).toBe('');
    expect(queueText(en, toPlace({ position: null, estimatedWaitSeconds: null }))).toBe('');
    expect(toPlace({ position: 4, estimatedWaitSeconds: 120 })).toEqual({
      position: 4,
      estimatedWaitSeconds: 120,
    });
  });

  it('is translated', () => {
    expect(queueText(es, { position: 3, estimatedWaitSeconds: 240 })).toBe(
      'Estás en la posición 3 de la cola · unos 4 min',
    );
    expect(queueText(fr, { position: 3, estimatedWaitSeconds: 20 })).toBe(
      'Vous êtes en position 3 dans la file d’attente · moins d’une minute',
    );
  });
});

const message = (key: string, authorKind: ChatMessage['authorKind']): ChatMessage => ({
  key,
  id: key,
  clientId: null,
  authorKind,
  authorName: null,
  text: key,
  attachments: [],
  createdAt: '2025-01-01T12:00:00.000Z',
  readAt: null,
  state: 'sent',
});

describe('operatorReplied', () => {
  const earlier = [message('a', 'contact'), message('b', 'operator')];
  const current = [message('c', 'contact'), message('d', 'system')];

  it('looks at the current conversation only', () => {
    expect(operatorReplied([...earlier, ...current], 'b')).toBe(false);
    expect(operatorReplied([...earlier, ...current, message('e', 'operator')], 'b')).toBe(true);
    expect(operatorReplied(current, null)).toBe(false);
    expect(operatorReplied(earlier, null)).toBe(true);
  });
});

describe('subtitleText', () => {
  const waiting = (estimatedWaitSeconds: number | null) => ({ position: 4, estimatedWaitSeconds });

  it("promises a reply in a few minutes only while the visitor's own estimate agrees", () => {
    expect(subtitleText(en, { online: true, closedHours: false, place: null })).toBe(
      'We usually reply in a few minutes',
    );
    expect(subtitleText(en, { online: true, closedHours: false, place: waiting(300) })).toBe(
      'We usually reply in a few minutes',
    );
    expect(subtitleText(en, { online: true, closedHours: false, place: waiting(null) })).toBe(
      'We usually reply in a few minutes',
    );
    expect(subtitleText(en, { online: true, closedHours: false, place: waiting(45 * 60) })).toBe(
      "We're online",
    );
    expect(subtitleText(es, { online: true, closedHours: false, place: waiting(301) })).toBe(
      'Estamos en línea',
    );
    expect(subtitleText(fr, { online: true, closedHours: false, place: waiting(3600) })).toBe(
      'Nous sommes en ligne',
    );
  });

  it('says away or closed when nobody can answer, whatever the queue', () => {
    expect(subtitleText(en, { online: false, closedHours: false, place: waiting(45 * 60) })).toBe(
      "We're away right now",
    );
    expect(subtitleText(en, { online: false, closedHours: true, place: null })).toBe('Outside opening hours');
  });
});
