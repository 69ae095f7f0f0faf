import { AppShell, Burger, Button, Group, Menu, NavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { mayCreateWorkspace, type SessionInfo, type WorkspaceMembership } from '@parley/contracts';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSelect } from '../../components/language-select.tsx';
import { useNotify } from '../../components/notify.ts';
import { useLocation } from '../../router/history.ts';
import { handleLinkClick } from '../../router/link.tsx';
import { paths, type SettingsPage, settingsPages, type WorkspaceSection } from '../../router/routes.ts';
import { ChangePasswordModal } from '../auth/change-password-modal.tsx';
import { useLogout } from '../auth/session.ts';
import { InboxBadge } from '../inbox/inbox-badge.tsx';
import { ImpersonationBanner } from '../operators/impersonation-banner.tsx';
import { operatorLinks } from '../operators/nav.ts';
import { QueueBadge } from '../routing/queue-badge.tsx';
import { StatusSwitcher } from '../routing/status-switcher.tsx';
import { ConnectionStatus } from './connection-status.tsx';
import { CreateWorkspaceModal } from './create-workspace-modal.tsx';
import { RealtimeContext } from './realtime-context.tsx';
import { useRealtime } from './use-realtime.ts';
import { WorkspaceSwitcher } from './workspace-switcher.tsx';

export interface WorkspaceShellProps {
  session: SessionInfo;
  membership: WorkspaceMembership;
  section: WorkspaceSection;
  children: ReactNode;
}

/** Side-menu buttons whose label is wider than the menu in some language ("Crear espacio de trabajo") wrap. */
const wrapLabel = { label: { whiteSpace: 'normal', textAlign: 'center' } } as const;

export function WorkspaceShell({ session, membership, section, children }: WorkspaceShellProps) {
  const { t } = useTranslation();
  const [navOpened, nav] = useDisclosure(false);
  const [createOpened, create] = useDisclosure(false);
  const [passwordOpened, passwordModal] = useDisclosure(false);
  const { state: realtime, api: realtimeApi } = useRealtime(membership.id, session.user.id);
  const logout = useLogout();
  const [loggingOut, setLoggingOut] = useState(false);
  const notify = useNotify();
  const { pathname } = useLocation();
  const [settingsOpened, setSettingsOpened] = useState(false);

  const onLogout = async () => {
    setLoggingOut(true);
    try {
      await logout();
    } catch (error) {
      setLoggingOut(false);
      notify.error(error);
    }
  };

  const links = [
    { section: 'home', to: paths.workspace(membership.id), label: t('shell.conversations'), visible: true },
    { section: 'inbox', to: paths.inbox(membership.id), label: t('inbox.nav'), visible: true },
    {
      section: 'monitoring',
      to: paths.monitoring(membership.id),
      label: t('monitoring.nav'),
      visible: membership.permissions.includes('monitor'),
    },
    {
      section: 'all-conversations',
      to: paths.allConversations(membership.id),
      label: t('adminConversations.nav'),
      visible: membership.permissions.includes('conversations.view_all'),
    },
    {
      section: 'members',
      to: paths.members(membership.id),
      label: t('shell.members'),
      visible: membership.permissions.includes('members.manage'),
    },
    ...operatorLinks(membership, t),
  ].filter((link) => link.visible);
  const canManage = membership.permissions.includes('workspace.manage');
  // The server's rule: only owners and admins (of any workspace) create workspaces.
  const canCreate = mayCreateWorkspace(session.workspaces.map((w) => w.role));
  const settingsLabels: Record<SettingsPage, string> = {
    teams: t('settings.teams.title'),
    routing: t('settings.routing.title'),
    statuses: t('settings.statuses.title'),
    widget: t('settings.widget.title'),
    conversations: t('settings.conversations.title'),
    surveys: t('settings.surveys.title'),
    canned: t('settings.canned.title'),
  };

  return (
    <RealtimeContext.Provider value={realtimeApi}>
      <AppShell
        header={{ height: 60 }}
        navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
        // The inbox fills the screen edge to edge with its own panes.
        padding={section === 'home' ? 0 : 'lg'}
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
            {/* The left side gives way (the workspace name truncates); the controls on the right never do. */}
            <Group gap="sm" wrap="nowrap" miw={0}>
              <Burger
                opened={navOpened}
                onClick={nav.toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={t('shell.toggleNav')}
              />
              <Text fw={700} size="lg" visibleFrom="md">
                {t('common.appName')}
              </Text>
              <WorkspaceSwitcher workspaces={session.workspaces} currentId={membership.id} />
            </Group>
            <Group gap="sm" wrap="nowrap" style={{ flexShrink: 0 }}>
              <InboxBadge workspaceId={membership.id} />
              <QueueBadge workspaceId={membership.id} />
              <StatusSwitcher
                workspaceId={membership.id}
                userId={session.user.id}
                visibleFrom="sm"
                w={{ base: 170, md: 210 }}
              />
              <ConnectionStatus {...realtime} />
              <LanguageSelect size="sm" visibleFrom="lg" />
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <Button
                    variant="subtle"
                    color="gray"
                    visibleFrom="lg"
                    maw={200}
                    aria-label={t('account.menu', { name: session.user.name })}
                  >
                    <Text size="sm" fw={500} truncate>
                      {session.user.name}
                    </Text>
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item onClick={passwordModal.open}>{t('account.changePassword')}</Menu.Item>
                </Menu.Dropdown>
              </Menu>
              <Button variant="default" onClick={() => void onLogout()} loading={loggingOut} visibleFrom="sm">
                {t('shell.logout')}
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        {/* Scrolls when taller than the screen (a phone, the settings group unfolded): Log out and the
            account below the links stay reachable. */}
        <AppShell.Navbar p="sm" aria-label={t('shell.mainNav')} style={{ overflowY: 'auto' }}>
          <Stack gap={4} style={{ flex: '1 0 auto' }}>
            {links.map((link) => (
              <NavLink
                key={link.section}
                href={link.to}
                label={link.label}
                active={section === link.section}
                aria-current={section === link.section ? 'page' : undefined}
                onClick={(event) => {
                  handleLinkClick(event, link.to);
                  nav.close();
                }}
              />
            ))}
            {canManage && (
              <NavLink
                // A button, not an anchor without href: it only folds, and must be reachable by keyboard.
                component="button"
                label={t('settings.title')}
                // Always unfolded on a settings page, so the current page stays visible.
                opened={settingsOpened || section === 'settings'}
                // A screen reader says whether the group is unfolded (Mantine's NavLink does not).
                aria-expanded={settingsOpened || section === 'settings'}
                onChange={setSettingsOpened}
                active={section === 'settings'}
                variant="subtle"
                childrenOffset="md"
              >
                {settingsPages.map((page) => {
                  const to = paths.settings(membership.id, page);
                  const current = pathname === to || pathname.startsWith(`${to}/`);
                  return (
                    <NavLink
                      key={page}
                      href={to}
                      label={settingsLabels[page]}
                      active={current}
                      aria-current={current ? 'page' : undefined}
                      onClick={(event) => {
                        handleLinkClick(event, to);
                        nav.close();
                      }}
                    />
                  );
                })}
              </NavLink>
            )}
          </Stack>
          {/* Below 1200 px the header keeps its room for the status and Log out: the account is here.
              Neither this nor Create workspace shrinks when the menu is taller than the screen (the
              settings group unfolded at 1024×900 in French): the menu scrolls instead of squeezing
              them over the last links and clipping the button's second line. */}
          <Stack gap="sm" hiddenFrom="lg" style={{ flexShrink: 0 }}>
            <Text size="sm" fw={500}>
              {session.user.name}
            </Text>
            {/* On a phone the header has no room: the switcher moves into the menu. */}
            <StatusSwitcher workspaceId={membership.id} userId={session.user.id} hiddenFrom="sm" w="100%" />
            {/* Below 1200 px the language is chosen here too. */}
            <LanguageSelect size="sm" hiddenFrom="lg" w="100%" />
            <Button variant="default" onClick={passwordModal.open} h="auto" py={8} styles={wrapLabel}>
              {t('account.changePassword')}
            </Button>
            {/* On a phone the header keeps only what fits: logging out is here. */}
            <Button variant="default" onClick={() => void onLogout()} loading={loggingOut} hiddenFrom="sm">
              {t('shell.logout')}
            </Button>
          </Stack>
          {/* In the side menu at every width: the header has no room for it in every language. */}
          {canCreate && (
            <Button
              variant="light"
              onClick={create.open}
              mt="sm"
              h="auto"
              py={8}
              styles={wrapLabel}
              style={{ flexShrink: 0 }}
            >
              {t('shell.createWorkspace')}
            </Button>
          )}
        </AppShell.Navbar>
        <AppShell.Main>
          <ImpersonationBanner session={session} workspaceId={membership.id} />
          {children}
        </AppShell.Main>
        {canCreate && <CreateWorkspaceModal opened={createOpened} onClose={create.close} />}
        <ChangePasswordModal opened={passwordOpened} onClose={passwordModal.close} />
      </AppShell>
    </RealtimeContext.Provider>
  );
}
