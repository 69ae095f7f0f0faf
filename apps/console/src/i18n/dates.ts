import { type Locale, localClock } from '@parley/contracts';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Dates and times in the console's language (not the browser's): `short` for lists, `withSeconds`
 * where the second matters (the audit log, the connection history).
 */
export function useDateTimeText(withSeconds = false): (value: string | Date) => string {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage;
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(language, {
      dateStyle: 'short',
      timeStyle: withSeconds ? 'medium' : 'short',
    });
    return (value) => format.format(typeof value === 'string' ? new Date(value) : value);
  }, [language, withSeconds]);
}

/**
 * How each language writes a day in a date field, and the first day of its week (Monday in Spain and
 * France, Sunday in the United States).
 */
export const dayFormats: Record<Locale, { order: 'dmy' | 'mdy'; display: string; firstDayOfWeek: 0 | 1 }> = {
  en: { order: 'mdy', display: 'MM/DD/YYYY', firstDayOfWeek: 0 },
  es: { order: 'dmy', display: 'DD/MM/YYYY', firstDayOfWeek: 1 },
  fr: { order: 'dmy', display: 'DD/MM/YYYY', firstDayOfWeek: 1 },
};

/** How each language reads a clock: 24-hour in Spain and France, 12-hour with AM/PM in the United States. */
export const clockFormats: Record<Locale, '12h' | '24h'> = { en: '12h', es: '24h', fr: '24h' };

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A day typed in the language's order ('25/12/2024' in Spanish, '12/25/2024' in English; '/', '.' or
 * '-' between, one or two digits for day and month, four for the year) or as 'YYYY-MM-DD', as
 * 'YYYY-MM-DD'; null for anything else, a half-typed year or a day the calendar does not have.
 */
export function parseDay(text: string, language: Locale): string | null {
  const value = text.trim();
  let year: number;
  let month: number;
  let day: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const local = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (local) {
    const [first, second] = [Number(local[1]), Number(local[2])];
    year = Number(local[3]);
    [day, month] = dayFormats[language].order === 'dmy' ? [first, second] : [second, first];
  } else return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

/** Today's date (YYYY-MM-DD) in a time zone: where a team's holidays start. */
export const todayIn = (timezone: string, at: Date = new Date()): string => localClock(at, timezone).date;
