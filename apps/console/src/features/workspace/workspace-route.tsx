import type { SessionInfo } from '@parley/contracts';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { LoadError, MessagePage, PageLoader } from '../../components/page-states.tsx';
import { useLocation } from '../../router/history.ts';
import { Redirect } from '../../router/link.tsx';
import { type OperatorPage, paths, type SettingsPage, type WorkspaceSection } from '../../router/routes.ts';
import { AdminConversationsPage } from '../admin-conversations/admin-page.tsx';
import { useApplySession, useSession } from '../auth/session.ts';
import { InboxPage } from '../conversations/inbox-page.tsx';
import { InboxItemsPage } from '../inbox/inbox-page.tsx';
import { MembersPage } from '../members/members-page.tsx';
import { MonitoringPage } from '../monitoring/monitoring-page.tsx';
import { OperatorsRoute } from '../operators/operators-route.tsx';
import { SettingsRoute } from '../settings/settings-route.tsx';
import { WorkspaceShell } from './workspace-shell.tsx';

export interface WorkspaceRouteProps {
  workspaceId: string;
  section: WorkspaceSection;
  conversationId?: string;
  settings?: SettingsPage;
  teamId?: string;
  operatorId?: string;
  operatorPage?: OperatorPage;
}

/** Guards a workspace page: a session, a membership, and the server remembering where the user is. */
export function WorkspaceRoute({
  workspaceId,
  section,
  conversationId,
  settings,
  teamId,
  operatorId,
  operatorPage,
}: WorkspaceRouteProps) {
  const { t } = useTranslation();
  const session = useSession();
  const { href } = useLocation();
  const data = session.data;
  const membership = data?.workspaces.find((w) => w.id === workspaceId);
  useRememberWorkspace(data, membership ? workspaceId : null);

  if (session.isPending) return <PageLoader />;
  if (session.isError) return <LoadError onRetry={() => void session.refetch()} />;
  if (!data) return <Redirect to={paths.login(href)} />;
  if (!membership) return <MessagePage title={t('shell.notMemberTitle')} body={t('shell.notMemberBody')} />;
  return (
    <WorkspaceShell session={data} membership={membership} section={section}>
      {section === 'members' ? (
        <MembersPage membership={membership} userId={data.user.id} />
      ) : section === 'monitoring' ? (
        <MonitoringPage membership={membership} />
      ) : section === 'operators' || section === 'audit' ? (
        <OperatorsRoute
          membership={membership}
          section={section}
          operatorId={operatorId}
          page={operatorPage}
        />
      ) : section === 'all-conversations' ? (
        <AdminConversationsPage membership={membership} userId={data.user.id} />
      ) : section === 'inbox' ? (
        <InboxItemsPage membership={membership} />
      ) : section === 'settings' ? (
        <SettingsRoute membership={membership} page={settings ?? 'teams'} teamId={teamId} />
      ) : (
        <InboxPage membership={membership} userId={data.user.id} conversationId={conversationId} />
      )}
    </WorkspaceShell>
  );
}

/** Opening a workspace makes it the one `/` returns to next time, on any device. */
function useRememberWorkspace(session: SessionInfo | null | undefined, workspaceId: string | null) {
  const applySession = useApplySession();
  const requested = useRef<string | null>(null);
  const current = session?.currentWorkspaceId;
  useEffect(() => {
    if (!workspaceId || current === undefined || current === workspaceId) return;
    if (requested.current === workspaceId) return;
    requested.current = workspaceId;
    api<SessionInfo>('PUT', '/api/auth/session/workspace', { workspaceId })
      .then(applySession)
      .catch(() => {
        // Not remembering is harmless: the page itself already works.
      });
  }, [workspaceId, current, applySession]);
}
