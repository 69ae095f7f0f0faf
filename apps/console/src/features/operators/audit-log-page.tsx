import { Group, Select, Stack, Table, Text } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { WorkspaceMembership } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import {
  DateRangeFields,
  isDay,
  LoadMore,
  ReportHeader,
  ReportTable,
  useUrlFilter,
} from '../../components/report-page.tsx';
import { useDateTimeText } from '../../i18n/dates.ts';
import { paths } from '../../router/routes.ts';
import { useMembers } from '../members/members-api.ts';
import { ActionCell, ChangeCell, TargetCell, useActionOptions, useValueText } from './audit-entry-cells.tsx';
import { type AuditFilter, exportAuditUrl, useAuditLog } from './operators-api.ts';

function useAuditFilter() {
  return useUrlFilter<AuditFilter>(
    (search) => ({
      actorId: search.get('actor'),
      action: search.get('action') ?? '',
      from: isDay(search.get('from')) ? search.get('from') : null,
      to: isDay(search.get('to')) ? search.get('to') : null,
    }),
    { actorId: 'actor' },
  );
}

/** API-3: who did what, as whom, from where; owners and admins only. Read-only: nothing here edits it. */
export function AuditLogPage({ membership }: { membership: WorkspaceMembership }) {
  const { t } = useTranslation();
  const dateTime = useDateTimeText(true);
  useDocumentTitle(`${t('audit.title')} · ${membership.name} · ${t('common.appName')}`);
  const [filter, setFilter] = useAuditFilter();
  const actions = useActionOptions(filter.action);
  const log = useAuditLog(membership.id, filter);
  const members = useMembers(membership.id);
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  const valueText = useValueText(membership.id, rows);
  const can = (p: string) => membership.permissions.includes(p);
  return (
    <Stack gap="lg">
      <ReportHeader
        title={t('audit.title')}
        exportUrl={can('export') ? (format) => exportAuditUrl(membership.id, filter, format) : null}
      />
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
        <Select
          label={t('audit.action')}
          value={filter.action}
          onChange={(value) => setFilter({ action: value ?? '' })}
          data={actions}
          allowDeselect={false}
          searchable
          nothingFoundMessage={t('audit.noAction')}
          w={260}
        />
        <DateRangeFields from={filter.from} to={filter.to} onChange={setFilter} />
      </Group>
      <ReportTable
        query={log}
        empty={t('audit.empty')}
        isEmpty={rows.length === 0}
        back={{ to: paths.audit(membership.id), label: t('common.withoutFilters') }}
        minWidth={900}
        headers={(['at', 'action', 'actor', 'target', 'change', 'ip', 'browser'] as const).map((c) =>
          t(`audit.columns.${c}`),
        )}
      >
        {rows.map((e) => (
          <Table.Tr key={e.id} data-action={e.action}>
            <Table.Td>{dateTime(e.at)}</Table.Td>
            <Table.Td>
              <ActionCell action={e.action} />
            </Table.Td>
            <Table.Td>
              {e.actor?.name ?? '—'}
              {e.impersonator && (
                <Text size="xs" c="red.8" fw={600}>
                  {t('audit.impersonatedBy', { name: e.impersonator.name })}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <TargetCell entry={e} workspaceName={membership.name} text={valueText} />
            </Table.Td>
            <Table.Td miw={220}>
              <ChangeCell entry={e} text={valueText} />
            </Table.Td>
            <Table.Td>{e.ip ?? '—'}</Table.Td>
            <Table.Td>{[e.browser, e.os].filter(Boolean).join(' · ') || '—'}</Table.Td>
          </Table.Tr>
        ))}
      </ReportTable>
      <LoadMore query={log} />
    </Stack>
  );
}
