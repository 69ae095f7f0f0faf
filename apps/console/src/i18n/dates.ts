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
