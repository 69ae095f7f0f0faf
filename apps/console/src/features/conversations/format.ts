import type { Conversation } from '@parley/contracts';
import i18next, { type TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The customer's name, else their e-mail, else "Visitor #42". */
export function customerName(c: Pick<Conversation, 'contact' | 'number'>, t: TFunction): string {
  return c.contact.name?.trim() || c.contact.email || t('conversations.visitor', { number: c.number });
}

/** A clock that ticks every `ms`, for relative times and waiting times. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "5 min ago", "yesterday", in the reader's language. */
export function useRelativeTime(): (iso: string, now: number) => string {
  const { t, i18n } = useTranslation();
  const format = new Intl.RelativeTimeFormat(i18n.resolvedLanguage, { numeric: 'auto', style: 'short' });
  return (iso, now) => {
    const elapsed = now - Date.parse(iso);
    if (Number.isNaN(elapsed)) return iso;
    if (elapsed < 60_000) return t('conversations.justNow');
    for (const [unit, size] of units) {
      if (elapsed >= size || unit === 'minute') return format.format(-Math.floor(elapsed / size), unit);
    }
    return iso;
  };
}

/** The duration formatter of each language: Intl's constructors are slow, and lists format often. */
const durationFormats = new Map<string, (ms: number) => string>();

function durationFormat(language: string | undefined): (ms: number) => string {
  const key = language ?? '';
  const known = durationFormats.get(key);
  if (known) return known;
  // French typography sets a space between a figure and its unit ("3 h 5 min", as the console's other
  // durations); the narrow units glue them ("3h 5min").
  const unitDisplay = language?.split('-')[0] === 'fr' ? 'short' : 'narrow';
  const unit = (u: 'hour' | 'minute') =>
    new Intl.NumberFormat(language, { style: 'unit', unit: u, unitDisplay });
  const hour = unit('hour');
  const minute = unit('minute');
  const both = new Intl.ListFormat(language, { type: 'unit', style: 'narrow' });
  const format = (ms: number) => {
    const minutes = Math.max(0, Math.floor(ms / 60_000));
    if (minutes < 1) return `<${minute.format(1)}`;
    if (minutes < 60) return minute.format(minutes);
    return both.format([hour.format(Math.floor(minutes / 60)), minute.format(minutes % 60)]);
  };
  durationFormats.set(key, format);
  return format;
}

/**
 * A short duration such as "4m" or "1h 5m" ("1h 5min" in es, "1 h 5 min" in fr), for waiting times. Without a
 * language, the console's; components use `useFormatDuration`, which follows a change of language.
 */
export function formatDuration(ms: number, language = i18next.resolvedLanguage): string {
  return durationFormat(language)(ms);
}

/** `formatDuration` in the console's language. */
export function useFormatDuration(): (ms: number) => string {
  const { i18n } = useTranslation();
  return durationFormat(i18n.resolvedLanguage);
}

/**
 * Since when the customer of an open conversation waits (SPEC §3): their oldest message no operator
 * has answered, not their newest; a note, a bot or a system message answers nothing.
 */
export function waitingSince(c: Pick<Conversation, 'status' | 'waitingSince'>): string | null {
  return c.status === 'open' ? c.waitingSince : null;
}

/** A day and time without the year (or the seconds), for a header with little room. */
export function useFormatShortDateTime(): (iso: string) => string {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.resolvedLanguage, {
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
  return (iso) => format.format(new Date(iso));
}

export function useFormatTime(): (iso: string) => string {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.resolvedLanguage, { timeStyle: 'short' });
  return (iso) => format.format(new Date(iso));
}

/** A moment as a time today, else with its date: "10:32", "Mar 3, 10:32". */
export function useFormatSince(): (iso: string) => string {
  const { i18n } = useTranslation();
  const time = new Intl.DateTimeFormat(i18n.resolvedLanguage, { timeStyle: 'short' });
  const dated = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' });
  return (iso) => {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return date.toDateString() === new Date().toDateString() ? time.format(date) : dated.format(date);
  };
}
