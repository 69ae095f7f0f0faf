import type { ConversationDetail } from '@parley/contracts';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

// Helpers of the customer panel (`features/compose/customer-panel.tsx`), which shows the fields the
// workspace configured.

export const show = (value: unknown): string =>
  value === null || value === undefined
    ? '—'
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/** "Madrid, España": the country named in the console's language (Intl), the city as the server has it. */
export function useLocationText(): (visitor: ConversationDetail['visitor']) => string | null {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const names = useMemo(() => new Intl.DisplayNames([language], { type: 'region' }), [language]);
  return (visitor) => {
    if (!visitor) return null;
    if (!visitor.country) return visitor.location;
    let country: string | undefined;
    try {
      country = names.of(visitor.country);
    } catch {
      return visitor.location;
    }
    return [visitor.city, country].filter(Boolean).join(', ') || visitor.location;
  };
}

/**
 * The browser's language as the reader says it: "en-GB" → "British English" (es "inglés británico"),
 * with the code beside it; a code Intl cannot name stays as it is.
 */
export function languageText(locale: string | null | undefined, readerLanguage: string): string | null {
  if (!locale) return null;
  try {
    const name = new Intl.DisplayNames([readerLanguage], { type: 'language' }).of(locale);
    return name && name !== locale ? `${name} (${locale})` : locale;
  } catch {
    return locale;
  }
}
