import { Badge, Button, Group, Paper, Table, Text, VisuallyHidden } from '@mantine/core';
import type { Team } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { useNotify } from '../../components/notify.ts';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { navigate } from '../../router/history.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { useTeams } from '../routing/routing-api.ts';
import { useTeamMutations } from './teams-api.ts';

/** ADM-6: every team with its rule, members and what waits in its queue. */
export function TeamsPage({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const teams = useTeams(workspaceId);
  const { remove } = useTeamMutations(workspaceId);
  if (teams.isPending) return <PageLoader />;
  if (teams.isError) return <LoadError onRetry={() => void teams.refetch()} />;

  const onDelete = (team: Team) =>
    remove.mutate(team.id, {
      onSuccess: () => notify.success(t('settings.teams.deleted', { name: team.name })),
      onError: notify.error,
    });

  return (
    <>
      <Group justify="space-between" align="flex-end">
        <Text c="dimmed" size="sm" maw={640}>
          {t('settings.teams.intro')}
        </Text>
        <Button onClick={() => navigate(paths.team(workspaceId, 'new'))}>{t('settings.teams.create')}</Button>
      </Group>
      <Paper withBorder p="md" radius="md">
        {teams.data.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('settings.teams.none')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" aria-label={t('settings.teams.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('settings.teams.name')}</Table.Th>
                  <Table.Th>{t('settings.teams.rule')}</Table.Th>
                  <Table.Th>{t('settings.teams.members')}</Table.Th>
                  <Table.Th>{t('settings.teams.queued')}</Table.Th>
                  <Table.Th>{t('settings.teams.hours')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('members.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {teams.data.map((team) => (
                  <Table.Tr key={team.id} data-team-id={team.id}>
                    <Table.Td>
                      <Link to={paths.team(workspaceId, team.id)} fw={500}>
                        {team.name}
                      </Link>
                    </Table.Td>
                    <Table.Td>{t(`settings.teams.rules.${team.rule}`)}</Table.Td>
                    <Table.Td>{team.memberIds.length}</Table.Td>
                    <Table.Td>
                      <Badge color={team.queued > 0 ? 'orange' : 'gray'} variant="light">
                        {team.queued}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {team.businessHours === null ? (
                        <Text size="sm">{t('settings.hours.alwaysOpen')}</Text>
                      ) : (
                        <Badge color={team.open ? 'green' : 'gray'} variant="dot" tt="none">
                          {team.open ? t('settings.teams.openNow') : t('settings.teams.closedNow')}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="subtle"
                          aria-label={t('settings.teams.editFor', { name: team.name })}
                          onClick={() => navigate(paths.team(workspaceId, team.id))}
                        >
                          {t('settings.teams.edit')}
                        </Button>
                        <ConfirmAction
                          label={t('settings.teams.delete')}
                          ariaLabel={t('settings.teams.deleteFor', { name: team.name })}
                          question={t('settings.teams.deleteConfirm', { name: team.name })}
                          onConfirm={() => onDelete(team)}
                          loading={remove.isPending && remove.variables === team.id}
                        />
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </>
  );
}
