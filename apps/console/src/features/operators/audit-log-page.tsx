import { Button, Code, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useDocumentTitle } from '@mantine/hooks';
import type { AuditEntryView, WorkspaceMembership } from '@parley/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { navigate, useLocation } from '../../router/history.ts';
import { useMembers } from '../members/members-api.ts';
import { useTeams } from '../routing/routing-api.ts';
import { type AuditFilter, exportAuditUrl, useAuditLog } from './operators-api.ts';

const isDay = (v: string | null): v is string => v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v);

function useAuditFilter(): [AuditFilter, (next: Partial<AuditFilter>) => void] {
  const { pathname, search } = useLocation();
  const filter: AuditFilter = {
    actorId: search.get('actor'),
    action: search.get('action') ?? '',
    from: isDay(search.get('from')) ? search.get('from') : null,
    to: isDay(search.get('to')) ? search.get('to') : null,
  };
  const set = (next: Partial<AuditFilter>) => {
    const merged = { ...filter, ...next };
    const params = new URLSearchParams();
    if (merged.actorId) params.set('actor', merged.actorId);
    if (merged.action) params.set('action', merged.action);
    if (merged.from) params.set('from', merged.from);
    if (merged.to) params.set('to', merged.to);
    const query = params.toString();
    navigate(query ? `${pathname}?${query}` : pathname, { replace: true });
  };
  return [filter, set];
}

/** "role: operator → supervisor" for each field that changed; the full values are in the export. */
function describeChange(entry: AuditEntryView): string {
  const before = (entry.before ?? {}) as Record<string, unknown>;
  const after = (entry.after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) =>
      k in before && k in after
        ? `${k}: ${show(before[k])} → ${show(after[k])}`
        : `${k}: ${show(after[k] ?? before[k])}`,
    )
    .join('; ')
    .slice(0, 300);
}

/** API-3: who did what, as whom, from where; owners and admins only. Read-only: nothing here edits it. */
export function AuditLogPage({ membership }: { membership: WorkspaceMembership }) {
  const { t } = useTranslation();
  useDocumentTitle(`${t('audit.title')} · ${membership.name} · ${t('common.appName')}`);
  const [filter, setFilter] = useAuditFilter();
  const [typed, setTyped] = useState(filter.action);
  const [debounced] = useDebouncedValue(typed, 300);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the typed text drives the URL here
  useEffect(() => {
    if (debounced !== filter.action) setFilter({ action: debounced });
  }, [debounced]);
  const log = useAuditLog(membership.id, filter);
  const members = useMembers(membership.id);
  const teams = useTeams(membership.id);
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  // People and teams by name where they still exist; anything else by type and id.
  const targetName = (e: AuditEntryView) => {
    if (!e.targetType) return '—';
    const known =
      e.targetType === 'user'
        ? members.data?.find((m) => m.userId === e.targetId)?.name
        : e.targetType === 'team'
          ? teams.data?.find((team) => team.id === e.targetId)?.name
          : undefined;
    return known ?? `${e.targetType} ${e.targetId ?? ''}`;
  };
  const can = (p: string) => membership.permissions.includes(p);
  return (
    <Stack gap="lg">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('audit.title')}
        </Title>
        {can('export') && (
          <Group gap="xs">
            <Button
              component="a"
              variant="default"
              href={exportAuditUrl(membership.id, filter, 'csv')}
              download
            >
              {t('audit.exportCsv')}
            </Button>
            <Button
              component="a"
              variant="default"
              href={exportAuditUrl(membership.id, filter, 'xlsx')}
              download
            >
              {t('audit.exportXlsx')}
            </Button>
          </Group>
        )}
      </Group>
      <Group gap="md" align="end" wrap="wrap">
        <Select
          label={t('audit.actor')}
          value={filter.actorId ?? ''}
          onChange={(value) => setFilter({ actorId: value || null })}
          data={[
            { value: '', label: t('audit.anyone') },
            ...(members.data ?? []).map((m) => ({ value: m.userId, label: m.name })),
          ]}
          allowDeselect={false}
          searchable
          w={220}
        />
        <TextInput
          label={t('audit.action')}
          placeholder={t('audit.actionHint')}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          w={220}
        />
        <TextInput
          type="date"
          label={t('operators.from')}
          value={filter.from ?? ''}
          onChange={(e) => setFilter({ from: e.currentTarget.value || null })}
        />
        <TextInput
          type="date"
          label={t('operators.to')}
          value={filter.to ?? ''}
          onChange={(e) => setFilter({ to: e.currentTarget.value || null })}
        />
      </Group>
      {log.isPending ? (
        <PageLoader />
      ) : log.isError ? (
        <LoadError onRetry={() => void log.refetch()} />
      ) : rows.length === 0 ? (
        <Text c="gray.7">{t('audit.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('audit.columns.at')}</Table.Th>
                <Table.Th>{t('audit.columns.action')}</Table.Th>
                <Table.Th>{t('audit.columns.actor')}</Table.Th>
                <Table.Th>{t('audit.columns.target')}</Table.Th>
                <Table.Th>{t('audit.columns.change')}</Table.Th>
                <Table.Th>{t('audit.columns.ip')}</Table.Th>
                <Table.Th>{t('audit.columns.browser')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((e) => (
                <Table.Tr key={e.id} data-action={e.action}>
                  <Table.Td>{new Date(e.at).toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Code>{e.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    {e.actor?.name ?? '—'}
                    {e.impersonator && (
                      <Text size="xs" c="red.8" fw={600}>
                        {t('audit.impersonatedBy', { name: e.impersonator.name })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{targetName(e)}</Table.Td>
                  <Table.Td>
                    <Text size="xs" style={{ wordBreak: 'break-word' }}>
                      {describeChange(e) || '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>{e.ip ?? '—'}</Table.Td>
                  <Table.Td>{[e.browser, e.os].filter(Boolean).join(' · ') || '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {log.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void log.fetchNextPage()}
          loading={log.isFetchingNextPage}
          w="fit-content"
        >
          {t('operators.loadMore')}
        </Button>
      )}
    </Stack>
  );
}
