import { Alert } from '@mantine/core';
import type { WorkspaceMembership } from '@parley/contracts';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsPage } from '../../router/routes.ts';
import { CannedAnswersManager } from '../compose/canned-manager.tsx';
import { ConversationSettingsPage } from '../compose/conversation-settings-page.tsx';
import { SurveysPage } from '../compose/surveys-page.tsx';
import { RoutingPage } from './routing-page.tsx';
import { SettingsFrame } from './settings-frame.tsx';
import { StatusesPage } from './statuses-page.tsx';
import { TeamEditorPage } from './team-editor-page.tsx';
import { TeamsPage } from './teams-page.tsx';
import { WidgetPage } from './widget-page.tsx';

export interface SettingsRouteProps {
  membership: WorkspaceMembership;
  page: SettingsPage;
  teamId?: string;
}

/** Workspace settings: only for those who may manage the workspace (owner, admin). */
export function SettingsRoute({ membership, page, teamId }: SettingsRouteProps) {
  const { t } = useTranslation();
  const workspaceId = membership.id;
  if (!membership.permissions.includes('workspace.manage')) {
    return (
      <SettingsFrame title={t('settings.title')} workspace={membership.name}>
        <Alert color="gray">{t('settings.forbidden')}</Alert>
      </SettingsFrame>
    );
  }
  if (page === 'teams' && teamId) {
    return (
      <TeamEditorPage
        key={teamId}
        workspaceId={workspaceId}
        workspaceName={membership.name}
        teamId={teamId}
      />
    );
  }
  const pages: Record<SettingsPage, ReactNode> = {
    teams: <TeamsPage workspaceId={workspaceId} />,
    routing: <RoutingPage workspaceId={workspaceId} />,
    statuses: <StatusesPage workspaceId={workspaceId} />,
    widget: <WidgetPage workspaceId={workspaceId} />,
    conversations: <ConversationSettingsPage workspaceId={workspaceId} />,
    surveys: <SurveysPage workspaceId={workspaceId} />,
    canned: <CannedAnswersManager workspaceId={workspaceId} />,
  };
  return (
    <SettingsFrame title={t(`settings.${page}.title`)} workspace={membership.name}>
      {pages[page]}
    </SettingsFrame>
  );
}
