import { Button, Center, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { Redirect } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { homeWorkspaceId, useLogout, useSession, useSetupStatus } from '../auth/session.ts';

/** `/`: the setup screen on a fresh install, the login page without a session, else a workspace. */
export function RootRedirect() {
  const setup = useSetupStatus();
  const session = useSession();
  if (setup.isPending || session.isPending) return <PageLoader />;
  if (setup.isError) return <LoadError onRetry={() => void setup.refetch()} />;
  if (setup.data.needsSetup) return <Redirect to="/setup" />;
  if (session.isError) return <LoadError onRetry={() => void session.refetch()} />;
  if (!session.data) return <Redirect to={paths.login()} />;
  const workspaceId = homeWorkspaceId(session.data);
  if (workspaceId) return <Redirect to={paths.workspace(workspaceId)} />;
  return <NoWorkspacePage />;
}

/** Member of no workspace: creating one is for owners and admins (see mayCreateWorkspace), so ask for an invitation. */
function NoWorkspacePage() {
  const { t } = useTranslation();
  const logout = useLogout();
  return (
    <Center mih="70vh" p="md">
      <Stack align="center" ta="center" maw={480} gap="sm">
        <Title order={1} size="h2">
          {t('shell.noWorkspaceTitle')}
        </Title>
        <Text c="dimmed">{t('shell.noWorkspaceBody')}</Text>
        <Group>
          <Button variant="default" onClick={() => void logout().catch(() => undefined)}>
            {t('shell.logout')}
          </Button>
        </Group>
      </Stack>
    </Center>
  );
}
