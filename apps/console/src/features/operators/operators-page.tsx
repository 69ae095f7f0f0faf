import { Badge, Button, Group, Menu, Select, Stack, Table, TextInput } from '@mantine/core';
import { useDebouncedValue, useDocumentTitle } from '@mantine/hooks';
import { builtInStatuses, type OperatorOverview, type WorkspaceMembership } from '@parley/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActionsCell, ReportHeader, ReportTable, useUrlFilter } from '../../components/report-page.tsx';
import { useDateTimeText } from '../../i18n/dates.ts';
import { navigate } from '../../router/history.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { useStatuses, useTeams } from '../routing/routing-api.ts';
import { StatusDot, usePresenceLabel, useStatusLabel } from '../routing/statuses.tsx';
import { ImpersonateModal, StatusModal, TransferModal } from './operator-actions.tsx';
import { exportOperatorsUrl, type OperatorFilter, useOperatorOverview } from './operators-api.ts';

/** Search and filters live in the URL (OPS-5): a view can be shared, and the export follows it. */
function useFilter() {
  return useUrlFilter<OperatorFilter>(
    (search) => ({ q: search.get('q') ?? '', status: search.get('status'), teamId: search.get('team') }),
    { teamId: 'team' },
  );
}

type Dialog = { kind: 'status' | 'transfer' | 'impersonate'; operator: OperatorOverview } | null;

/** OPS-1/2/5/6: every operator with their live status and load, and the supervisor's quick actions. */
export function OperatorsPage({ membership }: { membership: WorkspaceMembership }) {
  const { t } = useTranslation();
  const dateTime = useDateTimeText();
  useDocumentTitle(`${t('operators.title')} · ${membership.name} · ${t('common.appName')}`);
  const [filter, setFilter] = useFilter();
  const [typed, setTyped] = useState(filter.q);
  const [debounced] = useDebouncedValue(typed, 250);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the typed text drives the URL here
  useEffect(() => {
    if (debounced !== filter.q) setFilter({ q: debounced });
  }, [debounced]);
  const overview = useOperatorOverview(membership.id, filter);
  const teams = useTeams(membership.id);
  const custom = useStatuses(membership.id);
  const label = useStatusLabel(membership.id);
  const presence = usePresenceLabel(membership.id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const can = (p: string) => membership.permissions.includes(p);
  const statusOptions = [
    { value: '', label: t('operators.anyStatus') },
    ...[...builtInStatuses, 'disconnected'].map((s) => ({ value: s, label: label(s) })),
    ...(custom.data ?? []).map((s) => ({ value: `custom:${s.id}`, label: s.name })),
  ];

  return (
    <Stack gap="lg">
      <ReportHeader
        title={t('operators.title')}
        exportUrl={can('export') ? (format) => exportOperatorsUrl(membership.id, filter, format) : null}
      />
      <Group gap="md" wrap="wrap" align="end">
        <TextInput
          label={t('operators.search')}
          value={typed}
          onChange={(event) => setTyped(event.currentTarget.value)}
          w={260}
          type="search"
        />
        <Select
          label={t('operators.status')}
          value={filter.status ?? ''}
          onChange={(value) => setFilter({ status: value || null })}
          data={statusOptions}
          allowDeselect={false}
          w={200}
        />
        <Select
          label={t('operators.team')}
          value={filter.teamId ?? ''}
          onChange={(value) => setFilter({ teamId: value || null })}
          data={[
            { value: '', label: t('operators.allTeams') },
            ...(teams.data ?? []).map((team) => ({ value: team.id, label: team.name })),
          ]}
          allowDeselect={false}
          w={200}
        />
      </Group>
      <ReportTable
        query={overview}
        empty={t('operators.empty')}
        isEmpty={overview.data?.length === 0}
        back={{ to: paths.operators(membership.id), label: t('common.withoutFilters') }}
        minWidth={900}
        highlightOnHover
        stickyActions
        headers={(
          ['name', 'email', 'teams', 'status', 'lastLogin', 'active', 'pending', 'actions'] as const
        ).map((c) => t(`operators.columns.${c}`))}
      >
        {overview.data?.map((o) => (
          <Table.Tr key={o.userId} data-operator={o.email}>
            <Table.Td>
              <Link to={paths.operator(membership.id, o.userId)}>{o.name}</Link>
            </Table.Td>
            <Table.Td>{o.email}</Table.Td>
            <Table.Td>
              {o.teams.length === 0 ? (
                t('operators.noTeam')
              ) : (
                <Group gap={4}>
                  {o.teams.map((team) => (
                    <Badge
                      key={team.id}
                      variant="light"
                      color="gray"
                      styles={{ label: { textTransform: 'none' } }}
                    >
                      {team.name}
                    </Badge>
                  ))}
                </Group>
              )}
            </Table.Td>
            <Table.Td>
              <Group gap={6} wrap="nowrap">
                <StatusDot status={o.status} />
                <span data-testid="operator-status">{presence(o)}</span>
              </Group>
            </Table.Td>
            <Table.Td>{o.lastLoginAt ? dateTime(o.lastLoginAt) : t('operators.never')}</Table.Td>
            <Table.Td>{o.active}</Table.Td>
            <Table.Td>{o.pending}</Table.Td>
            <ActionsCell>
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <Button
                    size="compact-sm"
                    variant="light"
                    aria-label={t('operators.actionsFor', { name: o.name })}
                  >
                    {t('operators.columns.actions')}
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item onClick={() => navigate(paths.operator(membership.id, o.userId))}>
                    {t('operators.details')}
                  </Menu.Item>
                  <Menu.Item onClick={() => setDialog({ kind: 'status', operator: o })}>
                    {t('operators.changeStatus')}
                  </Menu.Item>
                  {can('transfer_any') && (
                    <Menu.Item onClick={() => setDialog({ kind: 'transfer', operator: o })}>
                      {t('operators.transfer')}
                    </Menu.Item>
                  )}
                  {can('impersonate') && o.canImpersonate && (
                    <Menu.Item color="red" onClick={() => setDialog({ kind: 'impersonate', operator: o })}>
                      {t('operators.impersonate')}
                    </Menu.Item>
                  )}
                </Menu.Dropdown>
              </Menu>
            </ActionsCell>
          </Table.Tr>
        ))}
      </ReportTable>
      <StatusModal
        workspaceId={membership.id}
        operator={dialog?.kind === 'status' ? dialog.operator : null}
        onClose={() => setDialog(null)}
      />
      <TransferModal
        workspaceId={membership.id}
        operator={dialog?.kind === 'transfer' ? dialog.operator : null}
        onClose={() => setDialog(null)}
      />
      <ImpersonateModal
        workspaceId={membership.id}
        operator={dialog?.kind === 'impersonate' ? dialog.operator : null}
        onClose={() => setDialog(null)}
      />
    </Stack>
  );
}
