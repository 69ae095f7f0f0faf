import { Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { connectionKinds, type WorkspaceMembership } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { navigate, useLocation } from '../../router/history.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { useStatusLabel } from '../routing/statuses.tsx';
import { exportConnectionsUrl, type HistoryFilter, useConnections } from './operators-api.ts';
import { useOperatorName } from './use-operator-name.ts';

const isDay = (v: string | null): v is string => v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v);

function useHistoryFilter(): [HistoryFilter, (next: Partial<HistoryFilter>) => void] {
  const { pathname, search } = useLocation();
  const kind = search.get('kind');
  const filter: HistoryFilter = {
    kind: (connectionKinds as readonly (string | null)[]).includes(kind) ? kind : null,
    from: isDay(search.get('from')) ? search.get('from') : null,
    to: isDay(search.get('to')) ? search.get('to') : null,
  };
  const set = (next: Partial<HistoryFilter>) => {
    const merged = { ...filter, ...next };
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(merged)) if (value) params.set(key, value);
    const query = params.toString();
    navigate(query ? `${pathname}?${query}` : pathname, { replace: true });
  };
  return [filter, set];
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
  const [filter, setFilter] = useHistoryFilter();
  const history = useConnections(membership.id, userId, filter);
  const label = useStatusLabel(membership.id);
  const name = useOperatorName(membership.id, userId);
  const title = `${t('operators.connectionHistory')} · ${name ?? ''}`;
  useDocumentTitle(`${title} · ${t('common.appName')}`);
  const rows = history.data?.pages.flatMap((p) => p.items) ?? [];
  const can = (p: string) => membership.permissions.includes(p);
  return (
    <Stack gap="lg">
      <Link to={paths.operator(membership.id, userId)} size="sm">
        ← {name ?? t('operators.back')}
      </Link>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {title}
        </Title>
        {can('export') && (
          <Group gap="xs">
            <Button
              component="a"
              variant="default"
              href={exportConnectionsUrl(membership.id, userId, filter, 'csv')}
              download
            >
              {t('operators.exportCsv')}
            </Button>
            <Button
              component="a"
              variant="default"
              href={exportConnectionsUrl(membership.id, userId, filter, 'xlsx')}
              download
            >
              {t('operators.exportXlsx')}
            </Button>
          </Group>
        )}
      </Group>
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
      {history.isPending ? (
        <PageLoader />
      ) : history.isError ? (
        <LoadError onRetry={() => void history.refetch()} />
      ) : rows.length === 0 ? (
        <Text c="gray.7">{t('operators.noHistory')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('operators.historyColumns.at')}</Table.Th>
                <Table.Th>{t('operators.historyColumns.kind')}</Table.Th>
                <Table.Th>{t('operators.historyColumns.detail')}</Table.Th>
                <Table.Th>{t('operators.historyColumns.ip')}</Table.Th>
                <Table.Th>{t('operators.historyColumns.browser')}</Table.Th>
                <Table.Th>{t('operators.historyColumns.os')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{new Date(r.at).toLocaleString()}</Table.Td>
                  <Table.Td>{t(`operators.kinds.${r.kind}`)}</Table.Td>
                  <Table.Td>
                    {r.kind === 'status_change' && r.detail ? label(r.detail) : (r.detail ?? '—')}
                  </Table.Td>
                  <Table.Td>{r.ip ?? '—'}</Table.Td>
                  <Table.Td>{r.browser ?? '—'}</Table.Td>
                  <Table.Td>{r.os ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {history.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void history.fetchNextPage()}
          loading={history.isFetchingNextPage}
          w="fit-content"
        >
          {t('operators.loadMore')}
        </Button>
      )}
    </Stack>
  );
}
