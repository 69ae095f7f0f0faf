import { Badge, SegmentedControl, Select, Stack, Tabs, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { ConversationStatus, ConversationView, WorkspaceMembership } from '@parley/contracts';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTags } from '../admin-conversations/admin-api.ts';
import { useQueueSummary, useTeams } from '../routing/routing-api.ts';
import { ConversationList } from './conversation-list.tsx';
import classes from './inbox.module.css';
import { NotificationsButton } from './notifications-button.tsx';
import { QueueList } from './queue-list.tsx';

export interface ConversationListPaneProps {
  membership: WorkspaceMembership;
  userId: string;
  activeId: string | undefined;
}

/** The server's views, and the queues of my teams to pick from. */
type PaneView = ConversationView | 'queue';

/** Where each workspace's list was left, so coming back from another page keeps the choice. */
const remembered = new Map<string, { view: PaneView; status: ConversationStatus }>();

const statuses: ConversationStatus[] = ['open', 'snoozed', 'closed'];

export function ConversationListPane({ membership, userId, activeId }: ConversationListPaneProps) {
  const { t } = useTranslation();
  const canViewAll = membership.permissions.includes('conversations.view_all');
  const teams = useTeams(membership.id);
  const myTeams = useMemo(
    () => (teams.data ?? []).filter((team) => team.memberIds.includes(userId)),
    [teams.data, userId],
  );
  // "All" is everything this operator may see: the workspace's with view_all, otherwise their own,
  // their teams' and the waiting ones of no team.
  const views: PaneView[] = [
    'mine',
    'unassigned',
    'all',
    ...(myTeams.length > 0 ? (['queue'] as const) : []),
  ];
  const summary = useQueueSummary(membership.id);
  const myQueued = (summary.data?.byTeam ?? [])
    .filter((q) => myTeams.some((team) => team.id === q.teamId))
    .reduce((sum, q) => sum + q.queued, 0);
  const initial = remembered.get(membership.id);
  const [chosenView, setView] = useState<PaneView>(initial?.view ?? (canViewAll ? 'all' : 'mine'));
  const [status, setStatus] = useState<ConversationStatus>(initial?.status ?? 'open');
  const [search, setSearch] = useState('');
  const [tagId, setTagId] = useState<string | null>(null);
  const tags = useTags(membership.id);
  const [q] = useDebouncedValue(search.trim(), 300);
  // Leaving the last team while on "Queue" falls back to "Mine".
  const view = views.includes(chosenView) ? chosenView : 'mine';

  const choose = (next: { view?: PaneView; status?: ConversationStatus }) => {
    remembered.set(membership.id, { view, status, ...next });
    if (next.view) setView(next.view);
    if (next.status) setStatus(next.status);
  };

  return (
    <Stack
      component="section"
      aria-label={t('conversations.listLabel')}
      gap={0}
      w={{ base: '100%', md: 320 }}
      miw={0}
      mih={0}
      style={{ borderRight: '1px solid var(--mantine-color-default-border)', flexShrink: 0 }}
    >
      <Tabs
        value={view}
        onChange={(next) => next && choose({ view: next as PaneView })}
        keepMounted={false}
        display="flex"
        style={{ flexDirection: 'column', minHeight: 0, flex: 1 }}
      >
        {/* Four views in 320 px: tighter tabs on one line rather than a lone tab wrapping below. */}
        <Tabs.List grow style={{ flexWrap: 'nowrap' }}>
          {views.map((v) => (
            <Tabs.Tab
              key={v}
              value={v}
              px={views.length > 3 ? 8 : undefined}
              // The header says the count in words; here it is a glance, outside the tab's name.
              rightSection={
                v === 'queue' && myQueued > 0 ? (
                  <Badge size="xs" color="orange" circle={myQueued < 10} aria-hidden="true">
                    {myQueued}
                  </Badge>
                ) : undefined
              }
            >
              {t(`conversations.views.${v}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Stack gap="xs" p="sm" display={view === 'queue' ? 'none' : undefined}>
          <TextInput
            aria-label={t('conversations.search')}
            placeholder={t('conversations.searchPlaceholder')}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            size="sm"
          />
          {(tags.data?.length ?? 0) > 0 && (
            <Select
              aria-label={t('adminConversations.tags')}
              placeholder={t('adminConversations.tags')}
              data={(tags.data ?? []).map((tag) => ({ value: tag.id, label: tag.name }))}
              value={tagId}
              onChange={setTagId}
              size="xs"
              clearable
            />
          )}
          <SegmentedControl
            classNames={{ input: classes.segmentInput }}
            aria-label={t('conversations.statusFilter')}
            size="xs"
            value={status}
            onChange={(next) => choose({ status: next as ConversationStatus })}
            data={statuses.map((s) => ({ value: s, label: t(`conversations.status.${s}`) }))}
            fullWidth
          />
          <NotificationsButton />
        </Stack>
        {views.map((v) => (
          <Tabs.Panel
            key={v}
            value={v}
            style={{ flex: 1, minHeight: 0, display: v === view ? 'flex' : 'none' }}
          >
            {v === view && v === 'queue' && (
              <QueueList workspaceId={membership.id} userId={userId} teams={myTeams} activeId={activeId} />
            )}
            {v === view && v !== 'queue' && (
              <ConversationList
                workspaceId={membership.id}
                userId={userId}
                filter={{ view: v, status, q, tagId }}
                activeId={activeId}
              />
            )}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
