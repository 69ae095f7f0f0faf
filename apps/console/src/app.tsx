import { MantineProvider, mergeThemeOverrides } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { NotFoundPage } from './components/page-states.tsx';
import { AcceptInvitePage } from './features/auth/accept-invite-page.tsx';
import { ForgotPasswordPage } from './features/auth/forgot-password-page.tsx';
import { LoginPage } from './features/auth/login-page.tsx';
import { ResetPasswordPage } from './features/auth/reset-password-page.tsx';
import { SetupPage } from './features/auth/setup-page.tsx';
import { RootRedirect } from './features/workspace/root-redirect.tsx';
import { WorkspaceRoute } from './features/workspace/workspace-route.tsx';
import { useLocation } from './router/history.ts';
import { matchRoute } from './router/routes.ts';
import { cssVariablesResolver, theme } from './theme.ts';

function Routes() {
  const route = matchRoute(useLocation().pathname);
  switch (route.name) {
    case 'root':
      return <RootRedirect />;
    case 'setup':
      return <SetupPage />;
    case 'login':
      return <LoginPage />;
    case 'forgot-password':
      return <ForgotPasswordPage />;
    case 'reset-password':
      return <ResetPasswordPage />;
    case 'invite':
      return <AcceptInvitePage key={route.token} token={route.token} />;
    case 'workspace':
      return (
        <WorkspaceRoute
          workspaceId={route.workspaceId}
          section={route.section}
          conversationId={route.conversationId}
          settings={route.settings}
          teamId={route.teamId}
          operatorId={route.operatorId}
          operatorPage={route.operatorPage}
        />
      );
    case 'not-found':
      return <NotFoundPage />;
  }
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  const { t } = useTranslation();
  // Every dialog's and toast's close button is named, in the console's language, unless a component
  // names its own.
  const named = useMemo(() => {
    const close = { closeButtonProps: { 'aria-label': t('common.close') } };
    return mergeThemeOverrides(theme, {
      components: {
        Modal: { defaultProps: close },
        Drawer: { defaultProps: close },
        Notification: { defaultProps: close },
      },
    });
  }, [t]);
  return (
    <MantineProvider theme={named} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto">
      <QueryClientProvider client={queryClient}>
        <Notifications position="top-right" />
        <Routes />
      </QueryClientProvider>
    </MantineProvider>
  );
}
