import { Badge, Button, Modal, Stack, Table, Text } from '@mantine/core';
import type { ListedMetric, MetricConversation } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../../components/page-states.tsx';
import { useDateTimeText } from '../../i18n/dates.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { formatSeconds } from './format.ts';
import { type MonitoringFilter, useMetricConversations } from './monitoring-api.ts';

const averages: ListedMetric[] = ['firstResponse', 'response', 'duration', 'queueWait', 'serviceLevel'];

/**
 * The conversations behind a tile (or the service level), in a dialog: the same rule as the figure,
 * so the rows add up to the number shown. Escape or the close button returns focus to the tile.
 */
export function TileConversations({
  workspaceId,
  metric,
  label,
  filter,
  onClose,
}: {
  workspaceId: string;
  metric: ListedMetric | null;
  label: string;
  filter: MonitoringFilter;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={metric !== null}
      onClose={onClose}
      title={t('monitoring.behind.title', { label })}
      size="xl"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {metric && <Rows workspaceId={workspaceId} metric={metric} filter={filter} />}
    </Modal>
  );
}

function Rows({
  workspaceId,
  metric,
  filter,
}: {
  workspaceId: string;
  metric: ListedMetric;
  filter: MonitoringFilter;
}) {
  const { t } = useTranslation();
  const dateTime = useDateTimeText();
  const list = useMetricConversations(workspaceId, metric, filter);
  if (list.isError) {
    return (
      <LoadError
        error={list.error}
        onRetry={() => void list.refetch()}
        back={{ to: paths.monitoring(workspaceId), label: t('common.withoutFilters') }}
        order={2}
      />
    );
  }
  if (!list.data) return <Text size="sm">{t('monitoring.behind.loading')}</Text>;
  const rows = list.data.pages.flatMap((p) => p.items);
  const withValue = averages.includes(metric);
  const value = (r: MetricConversation) => {
    if (!r.value || r.value.count === 0) return '—';
    const shown = formatSeconds(r.value.ms / r.value.count);
    return r.value.count > 1
      ? t('monitoring.behind.averageOf', { value: shown, count: r.value.count })
      : shown;
  };
  if (rows.length === 0) {
    return (
      <Text c="gray.7" size="sm">
        {t('monitoring.behind.empty')}
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={640} scrollAreaProps={{ type: 'auto' }}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('monitoring.columns.number')}</Table.Th>
              <Table.Th>{t('monitoring.columns.customer')}</Table.Th>
              <Table.Th>{t('monitoring.columns.operator')}</Table.Th>
              <Table.Th>{t('monitoring.columns.team')}</Table.Th>
              <Table.Th>{t('monitoring.columns.channel')}</Table.Th>
              <Table.Th>{t('monitoring.behind.created')}</Table.Th>
              {withValue && <Table.Th>{t('monitoring.behind.value')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.key}>
                <Table.Td>
                  <Link
                    to={paths.conversation(workspaceId, r.conversationId)}
                    aria-label={t('monitoring.openConversation', { number: r.number })}
                    size="sm"
                  >
                    {r.number}
                  </Link>
                </Table.Td>
                <Table.Td>{r.customer || t('conversations.visitor', { number: r.number })}</Table.Td>
                <Table.Td>{r.operatorName ?? '—'}</Table.Td>
                <Table.Td>{r.teamName ?? '—'}</Table.Td>
                <Table.Td>{t(`monitoring.channels.${r.channel}`)}</Table.Td>
                <Table.Td>{dateTime(r.createdAt)}</Table.Td>
                {withValue && (
                  <Table.Td>
                    {value(r)}
                    {r.met !== null && (
                      <Badge ml="xs" size="sm" variant="light" color={r.met ? 'green' : 'red'}>
                        {r.met ? t('monitoring.behind.inTime') : t('monitoring.behind.late')}
                      </Badge>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void list.fetchNextPage()}
          loading={list.isFetchingNextPage}
          style={{ alignSelf: 'center' }}
        >
          {t('monitoring.behind.more')}
        </Button>
      )}
    </Stack>
  );
}
