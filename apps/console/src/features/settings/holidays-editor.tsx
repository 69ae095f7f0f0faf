import { ActionIcon, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const maxHolidays = 100;

export interface HolidaysEditorProps {
  holidays: string[];
  onChange: (holidays: string[]) => void;
}

/** Whole days the team is closed, as YYYY-MM-DD in the team's time zone. */
export function HolidaysEditor({ holidays, onChange }: HolidaysEditorProps) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState('');
  const format = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'full', timeZone: 'UTC' });
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(draft);
  const add = () => {
    if (!valid) return;
    onChange([...new Set([...holidays, draft])].sort());
    setDraft('');
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
                <Text size="sm">
                  <time dateTime={day}>{label}</time>
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
      <Group gap="xs" align="flex-end">
        <TextInput
          type="date"
          label={t('settings.hours.holidayDate')}
          value={draft}
          onChange={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Enter') return;
            // Enter adds the day instead of submitting the whole team form.
            event.preventDefault();
            add();
          }}
          size="xs"
          w={170}
        />
        <Button variant="light" size="xs" onClick={add} disabled={!valid || holidays.length >= maxHolidays}>
          {t('settings.hours.addHoliday')}
        </Button>
      </Group>
    </Stack>
  );
}
