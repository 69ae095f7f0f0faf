import { ActionIcon, Button, Group, Input, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from '../../components/date-field.tsx';
import { todayIn } from '../../i18n/dates.ts';

const maxHolidays = 100;

export interface HolidaysEditorProps {
  holidays: string[];
  onChange: (holidays: string[]) => void;
  /** The team's time zone: a day before today there has passed. */
  timezone: string;
}

/** Whole days the team is closed, as YYYY-MM-DD in the team's time zone. */
export function HolidaysEditor({ holidays, onChange, timezone }: HolidaysEditorProps) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<string | null>(null);
  // A new field after each day added: one being typed in keeps its text while its calendar is open.
  // Focus goes back to it when the day was added with Enter.
  const [field, setField] = useState({ key: 0, focus: false });
  const format = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'full', timeZone: 'UTC' });
  const today = todayIn(timezone);
  // A day that has passed closes nothing: said under the field, not added.
  const past = draft !== null && draft < today;
  const add = (fromField: boolean) => {
    if (!draft || past) return;
    onChange([...new Set([...holidays, draft])].sort());
    setDraft(null);
    setField(({ key }) => ({ key: key + 1, focus: fromField }));
  };
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500} id="holidays-label">
        {t('settings.hours.holidays')}
      </Text>
      {holidays.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('settings.hours.noHolidays')}
        </Text>
      ) : (
        <Stack
          component="ul"
          gap={4}
          m={0}
          p={0}
          style={{ listStyle: 'none' }}
          aria-labelledby="holidays-label"
        >
          {holidays.map((day) => {
            const label = format.format(new Date(`${day}T00:00:00Z`));
            return (
              <Group component="li" key={day} gap="xs">
                <Text size="sm" c={day < today ? 'dimmed' : undefined}>
                  <time dateTime={day}>{label}</time>
                  {day < today && ` (${t('settings.hours.pastHolidayMark')})`}
                </Text>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="sm"
                  aria-label={t('settings.hours.removeHoliday', { day: label })}
                  onClick={() => onChange(holidays.filter((d) => d !== day))}
                >
                  <span aria-hidden="true">×</span>
                </ActionIcon>
              </Group>
            );
          })}
        </Stack>
      )}
      <Group gap="xs" align="flex-start">
        <DateField
          key={field.key}
          autoFocus={field.focus}
          label={t('settings.hours.holidayDate')}
          value={draft}
          onChange={setDraft}
          error={past ? t('settings.hours.pastHoliday') : undefined}
          onKeyDown={(event) => {
            if (event.key !== 'Enter') return;
            // Enter adds the day instead of submitting the whole team form.
            event.preventDefault();
            add(true);
          }}
          size="xs"
          w={170}
        />
        {/* Level with the field's box, not with its error below: an empty label of the same size above. */}
        <Stack gap={0}>
          <Input.Label size="xs" aria-hidden="true" style={{ visibility: 'hidden' }}>
            &nbsp;
          </Input.Label>
          <Button
            variant="light"
            size="xs"
            // As far below the label as Mantine sets a labelled input.
            mt="calc(var(--mantine-spacing-xs) / 2)"
            onClick={() => add(false)}
            disabled={!draft || past || holidays.length >= maxHolidays}
          >
            {t('settings.hours.addHoliday')}
          </Button>
        </Stack>
      </Group>
    </Stack>
  );
}
