import { SegmentedControl, Stack, Tabs, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { ConversationStatus, ConversationView, WorkspaceMembership } from '@parley/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConversationList } from './conversation-list.tsx';
import classes from './inbox.module.css';
import { NotificationsButton } from './notifications-button.tsx';

export interface ConversationListPaneProps {
  membership: WorkspaceMembership;
  userId: string;
  activeId: string | undefined;
}

/** Where each workspace's list was left, so coming back from another page keeps the choice. */
const remembered = new Map<string, { view: ConversationView; status: ConversationStatus }>();

const statuses: ConversationStatus[] = ['open', 'snoozed', 'closed'];

export function ConversationListPane({ membership, userId, activeId }: ConversationListPaneProps) {
  const { t } = useTranslation();
  const canViewAll = membership.permissions.includes('conversations.view_all');
  const views: ConversationView[] = canViewAll ? ['mine', 'unassigned', 'all'] : ['mine', 'unassigned'];
  const initial = remembered.get(membership.id);
  const [chosenView, setView] = useState<ConversationView>(initial?.view ?? (canViewAll ? 'all' : 'mine'));
  const [status, setStatus] = useState<ConversationStatus>(initial?.status ?? 'open');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  // Losing conversations.view_all while on "All" falls back to "Mine".
  const view = views.includes(chosenView) ? chosenView : 'mine';

  const choose = (next: { view?: ConversationView; status?: ConversationStatus }) => {
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
        onChange={(next) => next && choose({ view: next as ConversationView })}
        keepMounted={false}
        display="flex"
        style={{ flexDirection: 'column', minHeight: 0, flex: 1 }}
      >
        <Tabs.List grow>
          {views.map((v) => (
            <Tabs.Tab key={v} value={v}>
              {t(`conversations.views.${v}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Stack gap="xs" p="sm">
          <TextInput
            aria-label={t('conversations.search')}
            placeholder={t('conversations.searchPlaceholder')}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            size="sm"
          />
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
            {v === view && (
              <ConversationList
                workspaceId={membership.id}
                userId={userId}
                filter={{ view, status, q }}
                activeId={activeId}
              />
            )}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
