import { describe, expect, it } from 'vitest';
import { parseDay, todayIn } from './dates.ts';

describe('parseDay: a day typed in a date field', () => {
  it('reads day first in Spanish and French, month first in English', () => {
    expect(parseDay('05/01/2025', 'es')).toBe('2025-01-05');
    expect(parseDay('5/1/2025', 'fr')).toBe('2025-01-05');
    expect(parseDay('05/01/2025', 'en')).toBe('2025-05-01');
    expect(parseDay('12/25/2024', 'en')).toBe('2024-12-25');
    expect(parseDay(' 25.12.2024 ', 'es')).toBe('2024-12-25');
    expect(parseDay('25-12-2024', 'fr')).toBe('2024-12-25');
  });

  it('takes YYYY-MM-DD in every language', () => {
    for (const language of ['en', 'es', 'fr'] as const)
      expect(parseDay('2024-02-29', language)).toBe('2024-02-29');
  });

  it('refuses what is half typed or not a day of the calendar', () => {
    expect(parseDay('25/12/202', 'es')).toBeNull();
    expect(parseDay('25/12', 'es')).toBeNull();
    expect(parseDay('', 'es')).toBeNull();
    expect(parseDay('25/12/2024', 'en')).toBeNull();
    expect(parseDay('31/04/2024', 'es')).toBeNull();
    expect(parseDay('29/02/2023', 'fr')).toBeNull();
    expect(parseDay('2024-13-01', 'en')).toBeNull();
    expect(parseDay('mañana', 'es')).toBeNull();
  });
});

describe('todayIn: the date in a time zone', () => {
  it('is the zone’s own date on either side of midnight', () => {
    const at = new Date('2026-12-31T23:30:00Z');
    expect(todayIn('UTC', at)).toBe('2026-12-31');
    expect(todayIn('Europe/Madrid', at)).toBe('2027-01-01');
    expect(todayIn('America/New_York', at)).toBe('2026-12-31');
    expect(todayIn('Pacific/Kiritimati', new Date('2026-06-01T10:30:00Z'))).toBe('2026-06-02');
  });
});
