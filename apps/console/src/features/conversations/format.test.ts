import type { Conversation } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import { formatDuration, waitingSince } from './format.ts';
import { at, testConversation } from './test-conversation.ts';

const minute = 60_000;

/** ICU puts a no-break or narrow space where a word processor would put a space. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatDuration', () => {
  it('keeps the short English units', () => {
    expect(formatDuration(20_000, 'en')).toBe('<1m');
    expect(formatDuration(4 * minute, 'en')).toBe('4m');
    expect(formatDuration(181 * minute + 30_000, 'en')).toBe('3h 1m');
    expect(formatDuration(-5 * minute, 'en')).toBe('<1m');
  });

  it('speaks the console’s language in Spanish', () => {
    expect(plain(formatDuration(20_000, 'es'))).toBe('<1min');
    expect(plain(formatDuration(45 * minute, 'es'))).toBe('45min');
    expect(plain(formatDuration(181 * minute, 'es'))).toBe('3h 1min');
  });

  it('spaces figure and unit in French, as French typography does', () => {
    for (const language of ['fr', 'fr-CA']) {
      expect(plain(formatDuration(20_000, language))).toBe('<1 min');
      expect(plain(formatDuration(45 * minute, language))).toBe('45 min');
      expect(plain(formatDuration(181 * minute, language))).toBe('3 h 1 min');
    }
    // The figure never wraps away from its unit.
    expect(formatDuration(45 * minute, 'fr')).not.toContain(' ');
  });
});

describe('waitingSince', () => {
  const open = testConversation('c', {
    lastCustomerMessageAt: at(30),
    lastOperatorMessageAt: at(5),
    waitingSince: at(10),
  });

  it('counts from the oldest customer message no operator answered, not the newest', () => {
    expect(waitingSince(open)).toBe(at(10));
  });

  it('is nothing once answered, and nothing for a snoozed or closed conversation', () => {
    const answered: Conversation = { ...open, waitingSince: null, lastOperatorMessageAt: at(31) };
    expect(waitingSince(answered)).toBeNull();
    expect(waitingSince({ ...open, status: 'snoozed' })).toBeNull();
    expect(waitingSince({ ...open, status: 'closed' })).toBeNull();
  });
});
