/**
 * The widget's tiny dictionary (SPEC CHAN-1: localised in en, es, fr).
 * Shared by the loader (only `launcherLabel` and `unreadLabel` are tree-shaken into widget.js)
 * and the panel (the full dictionaries live in ./i18n/).
 */
import { en } from './i18n/en.ts';
import { es } from './i18n/es.ts';
import { fr } from './i18n/fr.ts';

export const LANGS = ['en', 'es', 'fr'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'en';

/** Picks a supported language from candidates like "fr", "es-MX" or "en_GB"; falls back to English. */
export function pickLang(...candidates: ReadonlyArray<string | null | undefined>): Lang {
  for (const candidate of candidates) {
    const primary = candidate?.trim().split(/[-_]/)[0]?.toLowerCase();
    const found = LANGS.find((lang) => lang === primary);
    if (found) return found;
  }
  return DEFAULT_LANG;
}

/** The launcher button's accessible name; kept apart so the loader does not carry the whole dictionary. */
export const launcherLabel: Record<Lang, string> = {
  en: 'Open chat',
  es: 'Abrir chat',
  fr: 'Ouvrir le chat',
};

/** The panel iframe's accessible name (its `title`), also kept out of the full dictionary. */
export const frameTitle: Record<Lang, string> = {
  en: 'Parley chat',
  es: 'Chat de Parley',
  fr: 'Discussion Parley',
};

/** Appended to the launcher's name when operators wrote while the panel was closed: [one, many ({n})]. */
export const unreadLabel: Record<Lang, readonly [string, string]> = {
  en: ['1 unread message', '{n} unread messages'],
  es: ['1 mensaje sin leer', '{n} mensajes sin leer'],
  fr: ['1 message non lu', '{n} messages non lus'],
};

/** Replaces `{name}` placeholders. */
export function format(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

export type Messages = typeof en;

export const messages: Record<Lang, Messages> = { en, es, fr };
