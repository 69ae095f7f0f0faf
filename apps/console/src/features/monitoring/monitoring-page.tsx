import {
  Badge,
  Box,
  Button,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import {
  type ChannelKind,
  type ListedMetric,
  type MonitoredCase,
  type PeriodPreset,
  periodPresets,
  type WorkspaceMembership,
} from '@parley/contracts';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { ForbiddenPage, LoadError, PageLoader } from '../../components/page-states.tsx';
import { navigate, useLocation } from '../../router/history.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { useSession } from '../auth/session.ts';
import { useNow } from '../conversations/format.ts';
import { useStatuses, useTeams } from '../routing/routing-api.ts';
import { CaseTransfer } from './case-transfer.tsx';
import { formatSeconds } from './format.ts';
import { type MonitoringFilter, useCases, useMetrics, useOperators, useRecover } from './monitoring-api.ts';
import { MonitoringSettingsButton } from './monitoring-settings.tsx';
import { ServiceLevel } from './service-level.tsx';
import { TileConversations } from './tile-conversations.tsx';
import { Tiles } from './tiles.tsx';

const channels: ChannelKind[] = [
  'web',
  'whatsapp',
  'messenger',
  'instagram',
  'x',
  'telegram',
  'email',
  'api',
];
const isPeriod = (v: string | null): v is PeriodPreset =>
  (periodPresets as readonly (string | null)[]).includes(v);
const isChannel = (v: string | null): v is ChannelKind => (channels as (string | null)[]).includes(v);

/** The filter lives in the URL, so a view can be shared and survives a reload. */
function useFilter(): [
  MonitoringFilter & { wallboard: boolean },
  (next: Partial<MonitoringFilter & { wallboard: boolean }>) => void,
] {
  const { pathname, search } = useLocation();
  const period = search.get('period');
  const channel = search.get('channel');
  const filter = {
    period: isPeriod(period) ? period : 'today',
    channel: isChannel(channel) ? channel : null,
    teamId: search.get('team'),
    wallboard: search.get('wallboard') === '1',
  };
  const set = (next: Partial<typeof filter>) => {
    const merged = { ...filter, ...next };
    const params = new URLSearchParams();
    if (merged.period !== 'today') params.set('period', merged.period);
    if (merged.channel) params.set('channel', merged.channel);
    if (merged.teamId) params.set('team', merged.teamId);
    if (merged.wallboard) params.set('wallboard', '1');
    const query = params.toString();
    navigate(query ? `${pathname}?${query}` : pathname, { replace: true });
  };
  return [filter, set];
}

/**
 * MON-1…7: the supervisor's live view of the workspace. Without the `monitor` permission (an address
 * typed or kept from before a role change) the page says so instead of failing to load.
 */
export function MonitoringPage({ membership }: { membership: WorkspaceMembership }) {
  if (!membership.permissions.includes('monitor')) return <ForbiddenPage />;
  return <Monitoring membership={membership} />;
}

function Monitoring({ membership }: { membership: WorkspaceMembership }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useFilter();
  const metrics = useMetrics(membership.id, filter);
  const teams = useTeams(membership.id);
  const userId = useSession().data?.user.id ?? '';
  const [behind, setBehind] = useState<{ metric: ListedMetric; label: string } | null>(null);
  const open = (metric: ListedMetric, label: string) => setBehind({ metric, label });

  if (metrics.isPending) return <PageLoader />;
  if (metrics.isError) {
    return (
      <LoadError
        error={metrics.error}
        onRetry={() => void metrics.refetch()}
        back={{ to: paths.monitoring(membership.id), label: t('common.withoutFilters') }}
      />
    );
  }

  const content = (
    <Stack gap="lg">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('monitoring.title')}
        </Title>
        <Group gap="xs">
          {!filter.wallboard && <MonitoringSettingsButton workspaceId={membership.id} />}
          <Button variant="default" onClick={() => setFilter({ wallboard: !filter.wallboard })}>
            {filter.wallboard ? t('monitoring.exitWallboard') : t('monitoring.wallboard')}
          </Button>
        </Group>
      </Group>
      <Group gap="md" wrap="wrap" align="end">
        <SegmentedControl
          aria-label={t('monitoring.period')}
          value={filter.period}
          onChange={(value) => isPeriod(value) && setFilter({ period: value })}
          data={periodPresets.map((p) => ({ value: p, label: t(`monitoring.periods.${p}`) }))}
        />
        <Select
          label={t('monitoring.channel')}
          value={filter.channel ?? ''}
          onChange={(value) => setFilter({ channel: isChannel(value) ? value : null })}
          data={[
            { value: '', label: t('monitoring.allChannels') },
            ...channels.map((c) => ({ value: c, label: t(`monitoring.channels.${c}`) })),
          ]}
          allowDeselect={false}
          w={180}
        />
        <Select
          label={t('monitoring.team')}
          value={filter.teamId ?? ''}
          onChange={(value) => setFilter({ teamId: value || null })}
          data={[
            { value: '', label: t('monitoring.allTeams') },
            ...(teams.data ?? []).map((team) => ({ value: team.id, label: team.name })),
          ]}
          allowDeselect={false}
          w={200}
        />
      </Group>
      <Tiles
        figures={metrics.data.figures}
        onOpen={open}
        // Business-hours variants where the selected team (or, for all teams, any team) has hours.
        withHours={(teams.data ?? []).some(
          (team) => team.businessHours && (!filter.teamId || team.id === filter.teamId),
        )}
      />
      <TileConversations
        workspaceId={membership.id}
        metric={behind?.metric ?? null}
        label={behind?.label ?? ''}
        filter={filter}
        onClose={() => setBehind(null)}
      />
      <ServiceLevel
        report={metrics.data}
        onOpen={() => open('serviceLevel', t('monitoring.serviceLevel.title'))}
        teamName={(teamId) =>
          teams.data?.find((team) => team.id === teamId)?.name ?? t('monitoring.serviceLevel.noTeam')
        }
      />
      <OperatorStrip workspaceId={membership.id} />
      <CaseTable workspaceId={membership.id} userId={userId} kind="current" filter={filter} />
      <CaseTable workspaceId={membership.id} userId={userId} kind="recover" filter={filter} />
      <CaseTable workspaceId={membership.id} userId={userId} kind="queued" filter={filter} />
    </Stack>
  );
  if (!filter.wallboard) return content;
  // The wallboard: the same page over the whole screen, for a shared display.
  return (
    <Box
      pos="fixed"
      inset={0}
      bg="var(--mantine-color-body)"
      p="xl"
      style={{ zIndex: 300, overflow: 'auto' }}
      role="region"
      aria-label={t('monitoring.wallboard')}
    >
      {content}
    </Box>
  );
}

function OperatorStrip({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const operators = useOperators(workspaceId);
  const custom = useStatuses(workspaceId);
  if (!operators.data) return null;
  const statusName = (status: string) =>
    status.startsWith('custom:')
      ? (custom.data?.find((s) => `custom:${s.id}` === status)?.name ?? t('statuses.unknown'))
      : t(`statuses.${status}` as 'statuses.connected');
  return (
    <Section title={t('monitoring.operators')}>
      <Group gap="xs" wrap="wrap">
        {operators.data.map((o) => (
          <Badge
            key={o.userId}
            size="lg"
            variant="light"
            color={o.status === 'connected' ? 'green' : o.status === 'disconnected' ? 'gray' : 'orange'}
            styles={{ label: { textTransform: 'none' } }}
          >
            {o.name} · {statusName(o.status)} ·{' '}
            {t('monitoring.load', { active: o.active, capacity: o.capacity })}
          </Badge>
        ))}
      </Group>
    </Section>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <Title order={2} size="h4">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

function CaseTable({
  workspaceId,
  userId,
  kind,
  filter,
}: {
  workspaceId: string;
  userId: string;
  kind: 'current' | 'recover' | 'queued';
  filter: MonitoringFilter;
}) {
  const { t } = useTranslation();
  const cases = useCases(workspaceId, kind, filter);
  const recover = useRecover(workspaceId);
  const notify = useNotify();
  const now = useNow(15_000);
  const since = (iso: string | null) => (iso ? formatSeconds(Math.max(0, now - Date.parse(iso))) : '—');
  const customer = (c: MonitoredCase) => c.customer || t('conversations.visitor', { number: c.number });
  const rows = cases.data ?? [];
  return (
    <Section title={t(`monitoring.${kind}`)}>
      {rows.length === 0 ? (
        <Text c="gray.7" size="sm">
          {t('monitoring.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640} scrollAreaProps={{ type: 'auto' }}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('monitoring.columns.number')}</Table.Th>
                <Table.Th>{t('monitoring.columns.customer')}</Table.Th>
                {kind === 'current' && <Table.Th>{t('monitoring.columns.operator')}</Table.Th>}
                <Table.Th>{t('monitoring.columns.team')}</Table.Th>
                <Table.Th>{t('monitoring.columns.channel')}</Table.Th>
                {kind === 'current' && <Table.Th>{t('monitoring.columns.since')}</Table.Th>}
                {kind === 'current' && <Table.Th>{t('monitoring.columns.state')}</Table.Th>}
                {kind === 'recover' && <Table.Th>{t('monitoring.columns.reason')}</Table.Th>}
                {kind === 'recover' && <Table.Th>{t('monitoring.columns.window')}</Table.Th>}
                {kind === 'queued' && <Table.Th>{t('monitoring.columns.position')}</Table.Th>}
                <Table.Th>{t('monitoring.columns.waiting')}</Table.Th>
                <Table.Th>{t('monitoring.columns.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.conversationId}>
                  <Table.Td>{c.number}</Table.Td>
                  <Table.Td>{customer(c)}</Table.Td>
                  {kind === 'current' && <Table.Td>{c.assigneeName ?? '—'}</Table.Td>}
                  <Table.Td>{c.teamName ?? '—'}</Table.Td>
                  <Table.Td>{t(`monitoring.channels.${c.channel}`)}</Table.Td>
                  {kind === 'current' && <Table.Td>{since(c.assignedAt)}</Table.Td>}
                  {kind === 'current' && (
                    <Table.Td>{c.state ? t(`monitoring.states.${c.state}`) : '—'}</Table.Td>
                  )}
                  {kind === 'recover' && (
                    <Table.Td>{c.reason ? t(`monitoring.reasons.${c.reason}`) : '—'}</Table.Td>
                  )}
                  {kind === 'recover' && (
                    <Table.Td>
                      {c.replyWindowEndsAt && Date.parse(c.replyWindowEndsAt) > now
                        ? t('monitoring.windowLeft', {
                            time: formatSeconds(Date.parse(c.replyWindowEndsAt) - now),
                          })
                        : t('monitoring.windowClosed')}
                    </Table.Td>
                  )}
                  {kind === 'queued' && <Table.Td>{c.position ?? '—'}</Table.Td>}
                  <Table.Td>{since(kind === 'queued' ? c.queuedAt : c.waitingSince)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Link
                        to={paths.conversation(workspaceId, c.conversationId)}
                        aria-label={t('monitoring.openConversation', { number: c.number })}
                        size="sm"
                      >
                        {t('monitoring.open')}
                      </Link>
                      {kind === 'current' && (
                        <CaseTransfer workspaceId={workspaceId} userId={userId} monitored={c} />
                      )}
                      {kind === 'recover' && (
                        <Button
                          size="compact-sm"
                          variant="light"
                          aria-label={t('monitoring.recoverConversation', { number: c.number })}
                          loading={recover.isPending && recover.variables === c.conversationId}
                          onClick={() =>
                            recover.mutate(c.conversationId, {
                              onSuccess: () => notify.success(t('monitoring.recovered')),
                              onError: (error) => notify.error(error),
                            })
                          }
                        >
                          {t('monitoring.recoverAction')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}
