import { Button, Center, EmptyState, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { WorkspaceMembership } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { handleLinkClick } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';

export function WorkspaceHome({ membership }: { membership: WorkspaceMembership }) {
  const { t } = useTranslation();
  useDocumentTitle(`${t('shell.conversations')} · ${membership.name} · ${t('common.appName')}`);
  const canInvite = membership.permissions.includes('members.manage');
  return (
    <>
      <Title order={1} size="h2" mb="lg">
        {t('shell.conversations')}
      </Title>
      <Center mih="40vh">
        <EmptyState title={t('home.emptyTitle')} description={t('home.emptyBody')} maw={460}>
          {canInvite && (
            <EmptyState.Actions>
              <Button
                component="a"
                href={paths.members(membership.id)}
                variant="light"
                onClick={(event) => handleLinkClick(event, paths.members(membership.id))}
              >
                {t('home.inviteTeam')}
              </Button>
            </EmptyState.Actions>
          )}
        </EmptyState>
      </Center>
    </>
  );
}
