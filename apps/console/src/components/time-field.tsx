import { TimePicker, type TimePickerProps } from '@mantine/dates';
import { type KeyboardEvent, type MouseEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clockFormats } from '../i18n/dates.ts';
import { isLocale } from '../i18n/i18n.ts';

export interface TimeFieldProps
  extends Omit<
    TimePickerProps,
    | 'value'
    | 'defaultValue'
    | 'onChange'
    | 'label'
    | 'format'
    | 'type'
    | 'withSeconds'
    | 'withDropdown'
    | 'popoverProps'
    | 'amPmLabels'
    | 'hoursInputLabel'
    | 'minutesInputLabel'
    | 'amPmInputLabel'
    | 'hoursInputProps'
    | 'minutesInputProps'
    | 'amPmSelectProps'
    | 'minutesRef'
    | 'attributes'
  > {
  /** The field's name: its visible label, and the start of each of its parts' accessible names. */
  label: string;
  /** The label is only the accessible name (a row of fields named by where they stand). */
  hideLabel?: boolean;
  /** 'HH:mm' on a 24-hour clock, or '' for none. */
  value: string;
  /** 'HH:mm' on a 24-hour clock, or '' while the time is incomplete. */
  onChange: (time: string) => void;
  /** A dialog's first focus goes to the hours. */
  'data-autofocus'?: boolean;
}

const separators = /^[:.hH ]$/;

/**
 * A time typed or picked in the console's language, not the browser's: a 24-hour clock in Spanish and
 * French, 12 hours with AM/PM in English. Values in and out stay 'HH:mm' (24 hours), as the API has
 * them. Hours, minutes and AM/PM are separate fields, each named after the field ("Monday, range 1:
 * opens, hours").
 *
 * The lists to pick from open when the field is clicked, not when it is reached with the keyboard,
 * and close as soon as a key is typed, once the last column is picked, on Escape or outside: left
 * open, they cover the fields and buttons below (the next day's hours, the dialog's button).
 */
export function TimeField({
  label,
  hideLabel = false,
  value,
  onChange,
  'data-autofocus': autofocus,
  ...props
}: TimeFieldProps) {
  const { t, i18n } = useTranslation();
  const language = isLocale(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
  const format = clockFormats[language];
  const [opened, setOpened] = useState(false);
  const minutes = useRef<HTMLInputElement>(null);
  // Given '' back, Mantine empties every part: a time being corrected (its minutes deleted to be typed
  // again) would lose its hours. The '' this field gave itself is left to its own state; any other
  // empties it.
  const ownEmpty = useRef(false);
  if (value !== '') ownEmpty.current = false;

  // A click on the field opens the lists (capture: its parts stop their clicks from bubbling).
  const pointerDown = () => setOpened(true);
  // A pick in the last column closes them, once made: the lists' own handler has run by the time the
  // click reaches their dropdown.
  const picked = (event: MouseEvent) => {
    const list = (event.target as HTMLElement).closest('[data-value]')?.parentElement;
    const lists = list?.closest('.mantine-TimePicker-controlsListGroup')?.children;
    const last = lists?.[lists.length - 1];
    if (list && last?.contains(list)) setOpened(false);
  };
  // Its error and description are said on each part (Mantine puts them on the box around them).
  const ownId = useId();
  const id = props.id ?? ownId;
  const described = [
    props.error && typeof props.error !== 'boolean' ? `${id}-error` : null,
    props.description ? `${id}-description` : null,
  ].filter(Boolean);
  // Escape closes the lists, not the dialog the field is in.
  const partProps = {
    'data-mantine-stop-propagation': opened || undefined,
    'aria-describedby': described.length > 0 ? described.join(' ') : undefined,
  };
  // A separator typed ('9:30', '9.30', '9h30' in French) moves on to the minutes, never into them
  // (typed there, it was dropped and the next digit read as the whole minutes: '6:15' became 06:01).
  const separator = (event: KeyboardEvent, next?: HTMLInputElement | null) => {
    if (!separators.test(event.key)) return;
    event.preventDefault();
    next?.focus();
  };
  return (
    <TimePicker
      // Mantine reads the value into hours, minutes and AM/PM once: another clock starts afresh.
      key={format}
      format={format}
      amPmLabels={{ am: 'AM', pm: 'PM' }}
      withDropdown
      popoverProps={{ opened, onChange: setOpened }}
      attributes={{ dropdown: { onClick: picked } }}
      onPointerDownCapture={pointerDown}
      onKeyDownCapture={() => setOpened(false)}
      onBlur={() => setOpened(false)}
      hoursInputLabel={t('timeField.hours', { label })}
      minutesInputLabel={t('timeField.minutes', { label })}
      amPmInputLabel={t('timeField.amPm', { label })}
      minutesRef={minutes}
      hoursInputProps={{
        ...partProps,
        'data-autofocus': autofocus,
        onKeyDownCapture: (event) => separator(event, minutes.current),
      }}
      minutesInputProps={{ ...partProps, onKeyDownCapture: (event) => separator(event) }}
      amPmSelectProps={partProps}
      {...props}
      id={id}
      label={hideLabel ? undefined : label}
      value={value === '' && ownEmpty.current ? undefined : value}
      onChange={(time) => {
        ownEmpty.current = time === '';
        onChange(time);
      }}
    />
  );
}
