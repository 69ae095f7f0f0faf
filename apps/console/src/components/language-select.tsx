import { Select, type SelectProps } from '@mantine/core';
import { type Locale, locales } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { currentLanguage, isLocale, languageNames, setLanguage } from '../i18n/i18n.ts';

const options = locales.map((value: Locale) => ({ value, label: languageNames[value] }));

export function LanguageSelect(props: Pick<SelectProps, 'size' | 'w' | 'visibleFrom' | 'hiddenFrom'>) {
  const { t, i18n } = useTranslation();
  return (
    <Select
      aria-label={t('common.language')}
      data={options}
      value={isLocale(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage()}
      onChange={(value) => {
        if (isLocale(value)) void setLanguage(value);
      }}
      allowDeselect={false}
      comboboxProps={{ withinPortal: true }}
      w={130}
      {...props}
    />
  );
}
