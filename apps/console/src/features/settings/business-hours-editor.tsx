import { ActionIcon, Button, Fieldset, Group, Select, Stack, Switch, Text } from '@mantine/core';
import {
  type BusinessHours,
  carriedInto,
  minutesOf,
  overnight,
  type Weekday,
  weekdays,
} from '@parley/contracts';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { TimeField } from '../../components/time-field.tsx';
import { defaultHours, type Range, rangeProblems } from './business-hours.ts';
import { HolidaysEditor } from './holidays-editor.tsx';

const maxRanges = 4;
/** Wide enough for '12:45 PM' in English. */
const clockWidth = 110;
/** Day names in the reader's language: 1 January 2024 was a Monday. */
function useDayNames(): Record<Weekday, string> {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(i18n.resolvedLanguage, { weekday: 'long', timeZone: 'UTC' });
    const names = weekdays.map((day, index) => [day, format.format(Date.UTC(2024, 0, 1 + index))]);
    return Object.fromEntries(names) as Record<Weekday, string>;
  }, [i18n.resolvedLanguage]);
}

export interface BusinessHoursEditorProps {
  value: BusinessHours | null;
  onChange: (value: BusinessHours | null) => void;
  /** The workspace's time zone: where new hours start. */
  defaultTimezone: string;
}

/** ROUTE-6: a time zone, split shifts per weekday, holidays; or always open (`null`). */
export function BusinessHoursEditor({ value, onChange, defaultTimezone }: BusinessHoursEditorProps) {
  const { t } = useTranslation();
  const dayNames = useDayNames();
  const zones = useMemo(() => {
    const all = Intl.supportedValuesOf('timeZone');
    return value && !all.includes(value.timezone) ? [value.timezone, ...all] : all;
  }, [value]);

  const setDay = (day: Weekday, ranges: Range[]) =>
    value && onChange({ ...value, weekly: { ...value.weekly, [day]: ranges } });

  return (
    <Fieldset legend={t('settings.hours.title')}>
      <Stack gap="md">
        <Switch
          label={t('settings.hours.alwaysOpen')}
          description={t('settings.hours.alwaysOpenHint')}
          checked={value === null}
          onChange={(event) => onChange(event.currentTarget.checked ? null : defaultHours(defaultTimezone))}
        />
        {value && (
          <>
            <Select
              label={t('settings.hours.timezone')}
              data={zones}
              value={value.timezone}
              onChange={(zone) => zone && onChange({ ...value, timezone: zone })}
              searchable
              allowDeselect={false}
              maw={360}
              comboboxProps={{ withinPortal: true }}
            />
            <Stack gap="xs" role="group" aria-label={t('settings.hours.weekly')}>
              {weekdays.map((day) => (
                <DayRanges
                  key={day}
                  name={dayNames[day]}
                  ranges={(value.weekly[day] ?? []) as Range[]}
                  carried={carriedInto(value.weekly, day)}
                  onChange={(ranges) => setDay(day, ranges)}
                />
              ))}
            </Stack>
            <HolidaysEditor
              holidays={value.holidays}
              timezone={value.timezone}
              onChange={(holidays) => onChange({ ...value, holidays })}
            />
          </>
        )}
      </Stack>
    </Fieldset>
  );
}

interface DayRangesProps {
  name: string;
  ranges: Range[];
  /** Until when the previous day's overnight range runs into this day (minutes; 0 for none). */
  carried: number;
  onChange: (ranges: Range[]) => void;
}

function DayRanges({ name, ranges, carried, onChange }: DayRangesProps) {
  const { t } = useTranslation();
  const problems = rangeProblems(ranges, carried);
  const set = (index: number, part: 0 | 1, clock: string) =>
    onChange(ranges.map((r, i) => (i === index ? (part === 0 ? [clock, r[1]] : [r[0], clock]) : r)));
  const add = () => {
    const last = ranges[ranges.length - 1];
    // A split shift usually starts after the previous one ends.
    const start = last && minutesOf(last[1]) < 22 * 60 ? last[1] : '09:00';
    const end = `${String(Math.min(23, Math.floor(minutesOf(start) / 60) + 2)).padStart(2, '0')}:${start.slice(3)}`;
    onChange([...ranges, [start, end]]);
  };
  return (
    <Group align="flex-start" gap="sm" wrap="wrap" data-day={name}>
      <Text size="sm" fw={500} w={110} pt={6} tt="capitalize">
        {name}
      </Text>
      <Stack gap={6} flex={1} miw={260}>
        {ranges.length === 0 && (
          <Text size="sm" c="dimmed" pt={6}>
            {t('settings.hours.closed')}
          </Text>
        )}
        {ranges.map((range, index) => {
          const problem = problems.get(index);
          const n = index + 1;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: ranges have no identity besides their place
            <Group key={index} gap={6} wrap="nowrap" align="flex-start">
              <TimeField
                label={t('settings.hours.opens', { day: name, n })}
                hideLabel
                value={range[0]}
                onChange={(clock) => set(index, 0, clock)}
                size="xs"
                w={clockWidth}
              />
              <Text size="sm" pt={4} aria-hidden="true">
                –
              </Text>
              <TimeField
                label={t('settings.hours.closes', { day: name, n })}
                hideLabel
                value={range[1]}
                onChange={(clock) => set(index, 1, clock)}
                size="xs"
                w={clockWidth}
                error={problem ? t(`settings.hours.problem.${problem}`) : undefined}
                description={!problem && overnight(range) ? t('settings.hours.nextDay') : undefined}
                // Below the time it qualifies, as the error is: the row's fields stay level.
                inputWrapperOrder={['label', 'input', 'description', 'error']}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                mt={3}
                aria-label={t('settings.hours.removeRange', { day: name, n })}
                onClick={() => onChange(ranges.filter((_, i) => i !== index))}
              >
                <span aria-hidden="true">×</span>
              </ActionIcon>
            </Group>
          );
        })}
        {ranges.length < maxRanges && (
          <Button
            variant="subtle"
            size="compact-xs"
            w="fit-content"
            onClick={add}
            aria-label={t('settings.hours.addRangeFor', { day: name })}
          >
            {t('settings.hours.addRange')}
          </Button>
        )}
      </Stack>
    </Group>
  );
}
