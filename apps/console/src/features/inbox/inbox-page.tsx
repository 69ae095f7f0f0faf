import {
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Loader,
  SegmentedControl,
  Stack,
  Text,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import type { InboxFilter, InboxItem, WorkspaceMembership } from '@parley/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { LoadError } from '../../components/page-states.tsx';
import { navigate } from '../../router/history.ts';
import { paths } from '../../router/routes.ts';
import { customerName, useNow, useRelativeTime } from '../conversations/format.ts';
import { NotificationsButton } from '../conversations/notifications-button.tsx';
import { inboxApi, useInbox, useMonitoredConversations } from './inbox-api.ts';
import { itemTitle } from './inbox-events.ts';

const filters: InboxFilter[] = ['all', 'unread', 'archived'];

/** WS-1: the user's own notifications, each linked to what it is about. */
export function InboxItemsPage({ membership }: { membership: WorkspaceMembership }) {
  const { t } = useTranslation();
  const workspaceId = membership.id;
  const [filter, setFilter] = useState<InboxFilter>('all');
  const [important, setImportant] = useState(false);
  const inbox = useInbox(workspaceId, filter, important);
  const notify = useNotify();
  const readAll = useMutation({ mutationFn: () => inboxApi.readAll(workspaceId), onError: notify.error });
  const items = inbox.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = inbox.data?.pages[0]?.unread ?? 0;
  const canMonitor = membership.permissions.includes('monitor');

  return (
    <Stack gap="lg" maw={860}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('inbox.title')}
        </Title>
        <Group gap="sm">
          <NotificationsButton />
          <Button
            variant="default"
            size="xs"
            onClick={() => readAll.mutate()}
            disabled={unread === 0}
            loading={readAll.isPending}
          >
            {t('inbox.markAllRead')}
          </Button>
        </Group>
      </Group>
      <Group gap="md">
        <SegmentedControl
          aria-label={t('inbox.filter')}
          value={filter}
          onChange={(value) => setFilter(value as InboxFilter)}
          data={filters.map((f) => ({ value: f, label: t(`inbox.filters.${f}`) }))}
        />
        <Checkbox
          label={t('inbox.importantOnly')}
          checked={important}
          onChange={(event) => setImportant(event.currentTarget.checked)}
        />
      </Group>
      {inbox.isPending ? (
        <Loader aria-label={t('common.loading')} />
      ) : inbox.isError ? (
        <LoadError onRetry={() => void inbox.refetch()} />
      ) : items.length === 0 ? (
        <Text c="dimmed">{t('inbox.empty')}</Text>
      ) : (
        <Stack
          gap="xs"
          component="ul"
          aria-label={t('inbox.title')}
          style={{ listStyle: 'none', padding: 0 }}
        >
          {items.map((item) => (
            <InboxRow key={item.id} workspaceId={workspaceId} item={item} />
          ))}
        </Stack>
      )}
      {inbox.hasNextPage && (
        <Button
          variant="subtle"
          onClick={() => void inbox.fetchNextPage()}
          loading={inbox.isFetchingNextPage}
        >
          {t('inbox.loadMore')}
        </Button>
      )}
      {canMonitor && <MonitoredList workspaceId={workspaceId} />}
    </Stack>
  );
}

function InboxRow({ workspaceId, item }: { workspaceId: string; item: InboxItem }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const relative = useRelativeTime();
  const now = useNow();
  const update = useMutation({
    mutationFn: (body: { read?: boolean; archived?: boolean }) => inboxApi.update(workspaceId, item.id, body),
    onError: notify.error,
  });
  const open = () => {
    if (!item.readAt) update.mutate({ read: true });
    navigate(paths.conversation(workspaceId, item.entity.id));
  };
  const unread = !item.readAt && !item.archivedAt;
  const c = item.conversation;
  return (
    <Card
      component="li"
      withBorder
      padding="sm"
      data-testid="inbox-item"
      data-kind={item.kind}
      data-unread={unread || undefined}
      style={unread ? { borderLeft: '4px solid var(--mantine-color-blue-filled)' } : undefined}
    >
      <Group justify="space-between" wrap="nowrap" gap="sm">
        {/* Named by all it shows, after "Open:": a name that leaves visible text out fails speech
            input (WCAG 2.5.3, axe label-content-name-mismatch). */}
        <UnstyledButton onClick={open} style={{ minWidth: 0, flex: 1 }}>
          <VisuallyHidden>{`${t('inbox.open')}: `}</VisuallyHidden>
          <Group gap="xs" wrap="nowrap">
            <Text fw={unread ? 700 : 500} size="sm" truncate>
              {itemTitle(item)}
            </Text>
            {unread && (
              <Badge size="xs" variant="filled">
                {t('inbox.unread')}
              </Badge>
            )}
            {c?.important && (
              <Badge size="xs" color="red" variant="light">
                {t('states.important')}
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed" truncate>
            {c
              ? t('inbox.conversation', {
                  number: c.number,
                  name: customerName(
                    { number: c.number, contact: { id: '', name: c.contactName, email: null } },
                    t,
                  ),
                })
              : ''}{' '}
            · <time dateTime={item.createdAt}>{relative(item.createdAt, now)}</time>
          </Text>
          {item.excerpt && (
            <Text size="sm" lineClamp={2} mt={2}>
              {item.excerpt}
            </Text>
          )}
        </UnstyledButton>
        <Group gap={4} wrap="nowrap">
          {!item.archivedAt && (
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() => update.mutate({ read: !item.readAt })}
              disabled={update.isPending}
            >
              {item.readAt ? t('inbox.markUnread') : t('inbox.markRead')}
            </Button>
          )}
          <Button
            size="compact-xs"
            variant="subtle"
            color="gray"
            onClick={() => update.mutate({ archived: !item.archivedAt })}
            disabled={update.isPending}
          >
            {item.archivedAt ? t('inbox.unarchive') : t('inbox.archive')}
          </Button>
        </Group>
      </Group>
    </Card>
  );
}

/** OI-4: the supervisor's pinned conversations, with their state as it is now. */
function MonitoredList({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const list = useMonitoredConversations(workspaceId, true);
  return (
    <Stack gap="xs" component="section" aria-label={t('inbox.monitored')}>
      <Title order={2} size="h4">
        {t('inbox.monitored')}
      </Title>
      {list.data && list.data.length === 0 && <Text c="dimmed">{t('inbox.monitoredEmpty')}</Text>}
      {list.data?.map((c) => (
        <Card key={c.id} withBorder padding="xs" data-testid="monitored-conversation">
          <UnstyledButton onClick={() => navigate(paths.conversation(workspaceId, c.id))}>
            <Group gap="xs">
              <Text size="sm" fw={500}>
                #{c.number} · {customerName(c, t)}
              </Text>
              <Badge size="xs" variant="light">
                {t(`conversations.state.${c.status}`)}
              </Badge>
              {c.important && (
                <Badge size="xs" color="red" variant="light">
                  {t('states.important')}
                </Badge>
              )}
            </Group>
          </UnstyledButton>
        </Card>
      ))}
    </Stack>
  );
}
