import { Alert, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { useNotify } from '../../components/notify.ts';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { navigate } from '../../router/history.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { useMembers } from '../members/members-api.ts';
import { useTeams } from '../routing/routing-api.ts';
import { SettingsFrame } from './settings-frame.tsx';
import { TeamForm } from './team-form.tsx';
import { useTeamMutations } from './teams-api.ts';

export interface TeamEditorPageProps {
  workspaceId: string;
  workspaceName: string;
  /** A team's id, or 'new'. */
  teamId: string;
}

export function TeamEditorPage({ workspaceId, workspaceName, teamId }: TeamEditorPageProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const teams = useTeams(workspaceId);
  const members = useMembers(workspaceId);
  const { remove } = useTeamMutations(workspaceId);
  const isNew = teamId === 'new';
  const team = isNew ? undefined : teams.data?.find((candidate) => candidate.id === teamId);
  const title = isNew
    ? t('settings.teams.newTitle')
    : t('settings.teams.editTitle', { name: team?.name ?? '…' });
  const back = (
    <Link to={paths.settings(workspaceId, 'teams')} size="sm">
      {t('settings.teams.back')}
    </Link>
  );

  if (teams.isPending || members.isPending) return <PageLoader />;
  if (teams.isError || members.isError) {
    return (
      <LoadError
        onRetry={() => {
          void teams.refetch();
          void members.refetch();
        }}
      />
    );
  }
  if (!isNew && !team) {
    return (
      <SettingsFrame title={t('settings.teams.notFound')} workspace={workspaceName}>
        {back}
        <Alert color="gray">{t('settings.teams.notFoundBody')}</Alert>
      </SettingsFrame>
    );
  }

  return (
    <SettingsFrame title={title} workspace={workspaceName}>
      <Group justify="space-between">
        {back}
        {team && (
          <ConfirmAction
            label={t('settings.teams.delete')}
            ariaLabel={t('settings.teams.deleteFor', { name: team.name })}
            question={t('settings.teams.deleteConfirm', { name: team.name })}
            loading={remove.isPending}
            onConfirm={() =>
              remove.mutate(team.id, {
                onSuccess: () => {
                  notify.success(t('settings.teams.deleted', { name: team.name }));
                  navigate(paths.settings(workspaceId, 'teams'));
                },
                onError: notify.error,
              })
            }
          />
        )}
      </Group>
      <TeamForm workspaceId={workspaceId} team={team} members={members.data} />
    </SettingsFrame>
  );
}
