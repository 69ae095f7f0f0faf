import { Group, Select, Stack, Table } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { connectionKinds, type WorkspaceMembership } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { isAddressRefused, LoadError } from '../../components/page-states.tsx';
import {
  DateRangeFields,
  isDay,
  LoadMore,
  ReportHeader,
  ReportTable,
  useUrlFilter,
} from '../../components/report-page.tsx';
import { useDateTimeText } from '../../i18n/dates.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { useStatusLabel } from '../routing/statuses.tsx';
import { exportConnectionsUrl, type HistoryFilter, useConnections } from './operators-api.ts';
import { useOperatorName } from './use-operator-name.ts';

function useHistoryFilter() {
  return useUrlFilter<HistoryFilter>((search) => {
    const kind = search.get('kind');
    return {
      kind: (connectionKinds as readonly (string | null)[]).includes(kind) ? kind : null,
      from: isDay(search.get('from')) ? search.get('from') : null,
      to: isDay(search.get('to')) ? search.get('to') : null,
    };
  });
}

/** OPS-8: logins, logouts (disconnections and expiries too) and status changes, newest first. */
export function ConnectionHistoryPage({
  membership,
  userId,
}: {
  membership: WorkspaceMembership;
  userId: string;
}) {
  const { t } = useTranslation();
  const dateTime = useDateTimeText(true);
  const [filter, setFilter] = useHistoryFilter();
  const history = useConnections(membership.id, userId, filter);
  const label = useStatusLabel(membership.id);
  const name = useOperatorName(membership.id, userId);
  const title = `${t('operators.connectionHistory')} · ${name ?? ''}`;
  useDocumentTitle(`${title} · ${t('common.appName')}`);
  const rows = history.data?.pages.flatMap((p) => p.items) ?? [];
  const can = (p: string) => membership.permissions.includes(p);
  // An operator id that names nobody (or no id at all): there is no history to filter or export.
  if (history.isError && isAddressRefused(history.error)) {
    return (
      <LoadError
        error={history.error}
        onRetry={() => void history.refetch()}
        back={{ to: paths.operators(membership.id), label: t('operators.back') }}
      />
    );
  }
  return (
    <Stack gap="lg">
      <Link to={paths.operator(membership.id, userId)} size="sm">
        ← {name ?? t('operators.back')}
      </Link>
      <ReportHeader
        title={title}
        exportUrl={
          can('export') ? (format) => exportConnectionsUrl(membership.id, userId, filter, format) : null
        }
      />
      <Group gap="md" align="end" wrap="wrap">
        <Select
          label={t('operators.eventType')}
          value={filter.kind ?? ''}
          onChange={(value) => setFilter({ kind: value || null })}
          data={[
            { value: '', label: t('operators.allKinds') },
            ...connectionKinds.map((k) => ({ value: k, label: t(`operators.kinds.${k}`) })),
          ]}
          allowDeselect={false}
          w={220}
        />
        <DateRangeFields from={filter.from} to={filter.to} onChange={setFilter} />
      </Group>
      <ReportTable
        query={history}
        empty={t('operators.noHistory')}
        isEmpty={rows.length === 0}
        minWidth={760}
        headers={(['at', 'kind', 'detail', 'ip', 'browser', 'os'] as const).map((c) =>
          t(`operators.historyColumns.${c}`),
        )}
      >
        {rows.map((r) => (
          <Table.Tr key={r.id}>
            <Table.Td>{dateTime(r.at)}</Table.Td>
            <Table.Td>{t(`operators.kinds.${r.kind}`)}</Table.Td>
            <Table.Td>
              {r.kind === 'status_change' && r.detail ? label(r.detail) : (r.detail ?? '—')}
            </Table.Td>
            <Table.Td>{r.ip ?? '—'}</Table.Td>
            <Table.Td>{r.browser ?? '—'}</Table.Td>
            <Table.Td>{r.os ?? '—'}</Table.Td>
          </Table.Tr>
        ))}
      </ReportTable>
      <LoadMore query={history} />
    </Stack>
  );
}
