import { Badge, Group, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { type PeriodPreset, periodPresets, type WorkspaceMembership } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { DateRangeFields, isDay, LoadMore } from '../../components/report-page.tsx';
import { useDateTimeText } from '../../i18n/dates.ts';
import { navigate, useLocation } from '../../router/history.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { formatSeconds } from '../monitoring/format.ts';
import { averageTexts, Tile } from '../monitoring/tiles.tsx';
import { StatusDot, usePresenceLabel, useStatusLabel } from '../routing/statuses.tsx';
import { type PeriodFilter, useOperatorConversations, useOperatorDetail } from './operators-api.ts';

const isPeriod = (v: string | null): v is PeriodPreset =>
  (periodPresets as readonly (string | null)[]).includes(v);

/** The period lives in the URL: a preset, or a custom range of days (both ends). */
export function usePeriod(): [PeriodFilter, (next: Partial<PeriodFilter>) => void] {
  const { pathname, search } = useLocation();
  const period = search.get('period');
  const from = search.get('from');
  const to = search.get('to');
  const filter: PeriodFilter = {
    period: isPeriod(period) ? period : '7d',
    from: isDay(from) ? from : null,
    to: isDay(to) ? to : null,
  };
  const set = (next: Partial<PeriodFilter>) => {
    const merged = { ...filter, ...next };
    const params = new URLSearchParams();
    if (merged.period !== '7d') params.set('period', merged.period);
    if (merged.from) params.set('from', merged.from);
    if (merged.to) params.set('to', merged.to);
    const query = params.toString();
    navigate(query ? `${pathname}?${query}` : pathname, { replace: true });
  };
  return [filter, set];
}

/** OPS-7: the operator's management summary for a period, time per status, teams and conversations. */
export function OperatorDetailPage({
  membership,
  userId,
}: {
  membership: WorkspaceMembership;
  userId: string;
}) {
  const { t } = useTranslation();
  const dateTime = useDateTimeText();
  const [period, setPeriod] = usePeriod();
  const detail = useOperatorDetail(membership.id, userId, period);
  const conversations = useOperatorConversations(membership.id, userId, period);
  const conversationRows = conversations.data?.pages.flatMap((p) => p.items) ?? [];
  const label = useStatusLabel(membership.id);
  const presence = usePresenceLabel(membership.id);
  useDocumentTitle(`${detail.data?.operator.name ?? t('operators.title')} · ${t('common.appName')}`);
  if (detail.isPending) return <PageLoader />;
  if (detail.isError) {
    return (
      <LoadError
        error={detail.error}
        onRetry={() => void detail.refetch()}
        back={{ to: paths.operators(membership.id), label: t('operators.back') }}
      />
    );
  }
  const { operator, figures, statusTime } = detail.data;
  const custom = Boolean(period.from && period.to);
  const count = (key: 'total' | 'active' | 'attended' | 'unattended' | 'pending') => (
    <Tile key={key} label={t(`monitoring.tiles.${key}`)} value={String(figures[key])} />
  );
  const average = (key: 'firstResponse' | 'response' | 'duration') => (
    // The business-hours line where the operator's conversations belonged to a team with hours.
    <Tile key={key} label={t(`monitoring.tiles.${key}`)} {...averageTexts(t, figures, key, 'known')} />
  );
  return (
    <Stack gap="lg">
      <Link to={paths.operators(membership.id)} size="sm">
        ← {t('operators.back')}
      </Link>
      <Group justify="space-between" wrap="wrap" align="end">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {operator.name}
          </Title>
          <Group gap="sm">
            <Text size="sm" c="gray.7">
              {operator.email} · {t(`roles.${operator.role}`)}
            </Text>
            <Group gap={6}>
              <StatusDot status={operator.status} />
              <Text size="sm">{presence(operator)}</Text>
            </Group>
          </Group>
          <Group gap={4} aria-label={t('operators.teams')}>
            {operator.teams.map((team) => (
              <Badge key={team.id} variant="light" color="gray" styles={{ label: { textTransform: 'none' } }}>
                {team.name}
              </Badge>
            ))}
          </Group>
        </Stack>
        <Link to={paths.connections(membership.id, userId)}>{t('operators.connectionHistory')}</Link>
      </Group>
      <Group gap="md" align="end" wrap="wrap">
        <SegmentedControl
          aria-label={t('operators.period')}
          value={custom ? '' : period.period}
          onChange={(value) => isPeriod(value) && setPeriod({ period: value, from: null, to: null })}
          data={periodPresets.map((p) => ({ value: p, label: t(`monitoring.periods.${p}`) }))}
        />
        <DateRangeFields from={period.from} to={period.to} onChange={setPeriod} />
      </Group>
      <Stack gap="xs" component="section" aria-label={t('operators.summary')}>
        <Title order={2} size="h4">
          {t('operators.summary')}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          {(['total', 'active', 'attended', 'unattended', 'pending'] as const).map(count)}
          {(['firstResponse', 'response', 'duration'] as const).map(average)}
        </SimpleGrid>
      </Stack>
      <Stack gap="xs" component="section" aria-label={t('operators.statusTime')}>
        <Title order={2} size="h4">
          {t('operators.statusTime')}
        </Title>
        {statusTime.totals.length === 0 ? (
          <Text size="sm" c="gray.7">
            {t('operators.noStatusTime')}
          </Text>
        ) : (
          <Group gap="xs">
            {statusTime.totals.map((s) => (
              <Badge
                key={s.status}
                size="lg"
                variant="light"
                color="gray"
                styles={{ label: { textTransform: 'none' } }}
              >
                {label(s.status)} · {formatSeconds(s.seconds * 1000)}
              </Badge>
            ))}
          </Group>
        )}
      </Stack>
      <Stack gap="xs" component="section" aria-label={t('operators.conversations')}>
        <Title order={2} size="h4">
          {t('operators.conversations')}
        </Title>
        {conversationRows.length === 0 ? (
          <Text size="sm" c="gray.7">
            {t('operators.noConversations')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720} scrollAreaProps={{ type: 'auto' }}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('operators.conversationColumns.number')}</Table.Th>
                  <Table.Th>{t('operators.conversationColumns.customer')}</Table.Th>
                  <Table.Th>{t('operators.conversationColumns.channel')}</Table.Th>
                  <Table.Th>{t('operators.conversationColumns.team')}</Table.Th>
                  <Table.Th>{t('operators.conversationColumns.status')}</Table.Th>
                  <Table.Th>{t('operators.conversationColumns.assigned')}</Table.Th>
                  <Table.Th>{t('operators.conversationColumns.closed')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {conversationRows.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Link to={paths.conversation(membership.id, c.id)}>#{c.number}</Link>
                    </Table.Td>
                    <Table.Td>{c.contactName ?? t('operators.anonymous')}</Table.Td>
                    <Table.Td>{t(`monitoring.channels.${c.channel}` as 'monitoring.channels.web')}</Table.Td>
                    <Table.Td>{c.teamName ?? '—'}</Table.Td>
                    <Table.Td>
                      {t(`operators.conversationStatus.${c.status}`)}
                      {c.current ? ` · ${t('operators.current')}` : ''}
                    </Table.Td>
                    <Table.Td>{dateTime(c.assignedAt)}</Table.Td>
                    <Table.Td>{c.closedAt ? dateTime(c.closedAt) : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <LoadMore query={conversations} />
      </Stack>
    </Stack>
  );
}
