import { DateInput, type DateInputProps } from '@mantine/dates';
// Month and weekday names for the calendar; the UMD builds register on the same dayjs as Mantine's.
import 'dayjs/locale/es.js';
import 'dayjs/locale/fr.js';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dayFormats, parseDay } from '../i18n/dates.ts';
import { isLocale } from '../i18n/i18n.ts';
import classes from './date-field.module.css';

export interface DateFieldProps
  extends Omit<
    DateInputProps,
    'value' | 'defaultValue' | 'onChange' | 'label' | 'valueFormat' | 'dateParser' | 'locale' | 'popoverProps'
  > {
  /** The field's visible label, also its accessible name and that of its clear button. */
  label: string;
  /** A day as 'YYYY-MM-DD', or null for none. */
  value: string | null;
  onChange: (day: string | null) => void;
}

/**
 * A day typed or picked in the console's language, not the browser's: 'DD/MM/YYYY' and a calendar
 * starting on Monday in Spanish and French, 'MM/DD/YYYY' and Sunday in English. Values in and out
 * stay 'YYYY-MM-DD', as URLs and the API have them; emptying the field or its clear button gives null.
 *
 * The calendar opens when the field is clicked, typed in (it follows the month typed) or given
 * ArrowDown (Alt+ArrowDown too, as in the WAI-ARIA date picker combobox), not when it is merely
 * reached with the keyboard: Mantine opens it on focus, over the fields and buttons below (a dialog's
 * button). It closes once a day is picked, on Escape (only it, not the dialog around), outside or
 * when the field is left, as Mantine's does.
 */
export function DateField({
  label,
  value,
  onChange,
  onClick,
  onInput,
  onKeyDown,
  onBlur,
  getDayProps,
  ...props
}: DateFieldProps) {
  const { t, i18n } = useTranslation();
  const language = isLocale(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
  const format = dayFormats[language];
  const [opened, setOpened] = useState(false);
  return (
    <DateInput
      locale={language}
      valueFormat={format.display}
      dateParser={(text) => parseDay(text, language)}
      firstDayOfWeek={format.firstDayOfWeek}
      placeholder={t('dateField.placeholder')}
      clearable
      clearButtonProps={{ 'aria-label': t('dateField.clear', { label }) }}
      ariaLabels={{
        previousMonth: t('dateField.previousMonth'),
        nextMonth: t('dateField.nextMonth'),
        previousYear: t('dateField.previousYear'),
        nextYear: t('dateField.nextYear'),
        previousDecade: t('dateField.previousDecade'),
        nextDecade: t('dateField.nextDecade'),
      }}
      classNames={{ day: classes.day }}
      w={160}
      {...props}
      // Mantine's own open state (set on focus) is overridden; Popover reports Escape and outside clicks.
      popoverProps={{ opened, onChange: setOpened }}
      // Read by a Mantine modal's Escape listener, which runs first (window, capture): while the
      // calendar is open, Escape is the field's.
      data-mantine-stop-propagation={opened || undefined}
      onClick={(event) => {
        onClick?.(event);
        setOpened(true);
      }}
      onInput={(event) => {
        onInput?.(event);
        setOpened(true);
      }}
      onKeyDown={(event) => {
        if (event.key === 'ArrowDown' && !opened) {
          event.preventDefault();
          setOpened(true);
        } else if (event.key === 'Escape') setOpened(false);
        onKeyDown?.(event);
      }}
      onBlur={(event) => {
        onBlur?.(event);
        setOpened(false);
      }}
      getDayProps={(day) => {
        const own = getDayProps?.(day);
        return {
          ...own,
          onClick: (event) => {
            own?.onClick?.(event);
            setOpened(false);
          },
        };
      }}
      label={label}
      value={value}
      onChange={(day) => onChange(day || null)}
    />
  );
}
