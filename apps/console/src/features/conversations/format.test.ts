import { describe, expect, it } from 'vitest';
import { formatDuration } from './format.ts';

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

  it('speaks the console’s language in Spanish and French', () => {
    for (const language of ['es', 'fr']) {
      expect(plain(formatDuration(20_000, language))).toBe('<1min');
      expect(plain(formatDuration(45 * minute, language))).toBe('45min');
      expect(plain(formatDuration(181 * minute, language))).toBe('3h 1min');
    }
  });
});
