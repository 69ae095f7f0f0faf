import { Group, MultiSelect, NumberInput, Stack, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from '../../components/date-field.tsx';
import { useMembers } from '../members/members-api.ts';
import { useTeams } from '../routing/routing-api.ts';
import { type AdminFilter, useTags } from './admin-api.ts';
import { channels } from './use-admin-filter.ts';

/** ISO instant ↔ the value of a date field (the local calendar day). */
const dayOf = (iso: string | null) => {
  if (!iso) return null;
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const startOfDay = (day: string, plus = 0) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plus).toISOString();
};

/** ADM-2: the list's filters; each change is kept in the URL by the page. */
export function Filters({
  workspaceId,
  filter,
  set,
}: {
  workspaceId: string;
  filter: AdminFilter;
  set: (f: Partial<AdminFilter>) => void;
}) {
  const { t } = useTranslation();
  // An empty choice filter keeps every value, and says so; once chosen, its choices say what it keeps.
  const anyWhenEmpty = (chosen: readonly string[]) =>
    chosen.length === 0 ? t('adminConversations.any') : undefined;
  const teams = useTeams(workspaceId);
  const members = useMembers(workspaceId);
  const tags = useTags(workspaceId);
  const [q, setQ] = useState(filter.q);
  // What is typed in Country: a code filters once it has its two letters, so the first letter
  // typed stays in the field instead of being cleared as not (yet) a country.
  const [country, setCountry] = useState(filter.country ?? '');
  useEffect(() => {
    setCountry((typed) => (filter.country === null && typed.length < 2 ? typed : (filter.country ?? '')));
  }, [filter.country]);
  // Typing searches after a short pause, not at every key.
  useEffect(() => {
    if (q === filter.q) return;
    const timer = setTimeout(() => set({ q: q.trim() }), 300);
    return () => clearTimeout(timer);
  });
  const fromDay = dayOf(filter.from);
  const toDay = filter.to ? dayOf(new Date(Date.parse(filter.to) - 1).toISOString()) : null;
  return (
    <Stack gap="xs">
      <TextInput
        label={t('adminConversations.search')}
        placeholder={t('adminConversations.searchPlaceholder')}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        maxLength={200}
      />
      <Group gap="xs" align="end" wrap="wrap">
        {/* Each day bounds the other: a "to" before "from" is refused as it is picked or typed. */}
        <DateField
          label={t('adminConversations.from')}
          value={fromDay}
          maxDate={toDay ?? undefined}
          onChange={(day) => set({ from: day ? startOfDay(day) : null })}
        />
        <DateField
          label={t('adminConversations.to')}
          value={toDay}
          minDate={fromDay ?? undefined}
          onChange={(day) => set({ to: day ? startOfDay(day, 1) : null })}
        />
        <TextInput
          label={t('adminConversations.country')}
          placeholder="ES"
          w={90}
          maxLength={2}
          value={country}
          onChange={(e) => {
            const v = e.currentTarget.value.toUpperCase();
            setCountry(v);
            const code = /^[A-Z]{2}$/.test(v) ? v : null;
            if (code !== filter.country) set({ country: code });
          }}
        />
        <NumberInput
          label={t('adminConversations.waitingMinutes')}
          w={170}
          min={1}
          value={filter.waitingMinutes ?? ''}
          onChange={(v) => set({ waitingMinutes: typeof v === 'number' && v > 0 ? v : null })}
        />
        <MultiSelect
          placeholder={anyWhenEmpty(filter.status)}
          label={t('adminConversations.status')}
          w={200}
          data={(['open', 'in_progress', 'closed'] as const).map((s) => ({
            value: s,
            label: t(`adminConversations.statuses.${s}`),
          }))}
          value={filter.status}
          onChange={(v) => set({ status: v as AdminFilter['status'] })}
          clearable
        />
        <MultiSelect
          placeholder={anyWhenEmpty(filter.teamId)}
          label={t('adminConversations.team')}
          w={200}
          data={(teams.data ?? []).map((team) => ({ value: team.id, label: team.name }))}
          value={filter.teamId}
          onChange={(v) => set({ teamId: v })}
          clearable
          searchable
          nothingFoundMessage={t('adminConversations.noMatches')}
        />
        <MultiSelect
          placeholder={anyWhenEmpty(filter.tagId)}
          label={t('adminConversations.tags')}
          w={200}
          data={(tags.data ?? []).map((tag) => ({ value: tag.id, label: tag.name }))}
          value={filter.tagId}
          onChange={(v) => set({ tagId: v })}
          clearable
          searchable
          nothingFoundMessage={t('adminConversations.noMatches')}
        />
        <MultiSelect
          placeholder={anyWhenEmpty(filter.operatorId)}
          label={t('adminConversations.operator')}
          w={200}
          data={(members.data ?? []).map((m) => ({ value: m.userId, label: m.name }))}
          value={filter.operatorId}
          onChange={(v) => set({ operatorId: v })}
          clearable
          searchable
          nothingFoundMessage={t('adminConversations.noMatches')}
        />
        <MultiSelect
          placeholder={anyWhenEmpty(filter.channel)}
          label={t('adminConversations.channel')}
          w={200}
          data={channels.map((c) => ({ value: c, label: t(`monitoring.channels.${c}`) }))}
          value={filter.channel}
          onChange={(v) => set({ channel: v as AdminFilter['channel'] })}
          clearable
        />
        <MultiSelect
          placeholder={anyWhenEmpty(filter.rating)}
          label={t('adminConversations.rating')}
          w={160}
          data={['5', '4', '3', '2', '1', 'none'].map((r) => ({
            value: r,
            label: r === 'none' ? t('adminConversations.unrated') : `${r} ★`,
          }))}
          value={filter.rating}
          onChange={(v) => set({ rating: v })}
          clearable
        />
      </Group>
    </Stack>
  );
}
