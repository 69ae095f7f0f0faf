import { type Locale, locales } from '@parley/contracts';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en, type Translation } from './locales/en.ts';
import { es } from './locales/es.ts';
import { fr } from './locales/fr.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Translation };
  }
}

const storageKey = 'parley.language';

/** Each language is named in itself, so anyone can find theirs whatever the current language. */
export const languageNames: Record<Locale, string> = { en: 'English', es: 'Español', fr: 'Français' };

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (locales as readonly string[]).includes(value);

function readStored(): string | null {
  try {
    return window.localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

/** The saved choice, else the browser's preferred languages, else English. */
export function detectLanguage(): Locale {
  const stored = readStored();
  if (isLocale(stored)) return stored;
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const base = tag?.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

export function currentLanguage(): Locale {
  return isLocale(i18next.resolvedLanguage) ? i18next.resolvedLanguage : 'en';
}

export async function setLanguage(language: Locale): Promise<void> {
  try {
    window.localStorage.setItem(storageKey, language);
  } catch {
    // Private browsing can refuse storage; the choice still applies to this visit.
  }
  await i18next.changeLanguage(language);
}

export function initI18n(): typeof i18next {
  i18next.on('languageChanged', (language) => {
    document.documentElement.lang = language;
  });
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, es: { translation: es }, fr: { translation: fr } },
    lng: detectLanguage(),
    fallbackLng: 'en',
    supportedLngs: [...locales],
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return i18next;
}
