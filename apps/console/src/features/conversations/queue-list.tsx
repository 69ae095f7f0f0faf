import { Anchor, Badge, Box, Button, Group, Text } from '@mantine/core';
import type { Conversation, Team } from '@parley/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type MouseEvent, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { LoadError } from '../../components/page-states.tsx';
import { navigate } from '../../router/history.ts';
import { handleLinkClick } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { upsertConversation } from './cache.ts';
import { OutOfHoursBadge } from './conversation-notices.tsx';
import { conversationApi, useConversationList } from './conversations-api.ts';
import { customerName, useFormatDuration, useFormatSince, useNow } from './format.ts';
import classes from './inbox.module.css';
import { ListEmpty, ListLoading, LoadMore } from './list-states.tsx';
import { teamQueues } from './queue-order.ts';

const unassignedOpen = { view: 'unassigned', status: 'open', q: '' } as const;
export interface QueueListProps {
  workspaceId: string;
  userId: string;
  /** The teams I am in: their queues are the ones I may pick from. */
  teams: Team[];
  activeId: string | undefined;
}

/** Manual pick (ADM-6 rule "manual"): the queues of my teams, oldest first, each with "Take". */
export function QueueList({ workspaceId, userId, teams, activeId }: QueueListProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const client = useQueryClient();
  const list = useConversationList(workspaceId, unassignedOpen);
  const now = useNow(15_000);
  const queues = useMemo(
    () => teamQueues(list.data?.pages.flatMap((page) => page.items) ?? [], teams),
    [list.data, teams],
  );
  const take = useMutation({
    mutationFn: (id: string) => conversationApi.assign(workspaceId, id, userId),
    onSuccess: (conversation) => {
      upsertConversation(client, workspaceId, userId, conversation);
      notify.success(t('conversations.assignedToMe'));
      navigate(paths.conversation(workspaceId, conversation.id));
    },
    onError: notify.error,
  });

  if (list.isPending) return <ListLoading />;
  if (list.isError) return <LoadError onRetry={() => void list.refetch()} />;
  if (queues.length === 0) {
    return <ListEmpty title={t('queue.empty')} body={t('queue.emptyBody')} />;
  }

  return (
    <Box flex={1} mih={0} style={{ overflowY: 'auto' }}>
      {queues.map(({ team, items }) => (
        <Box component="section" key={team.id} aria-labelledby={`queue-${team.id}`}>
          <Text
            id={`queue-${team.id}`}
            component="h3"
            size="xs"
            fw={700}
            c="dimmed"
            px="sm"
            pt="sm"
            pb={4}
            m={0}
          >
            {t('queue.teamHeading', { team: team.name, count: items.length })}
          </Text>
          <Box component="ol" m={0} p={0} style={{ listStyle: 'none' }}>
            {items.map((c, index) => (
              <QueueRow
                key={c.id}
                conversation={c}
                position={index + 1}
                to={paths.conversation(workspaceId, c.id)}
                active={c.id === activeId}
                now={now}
                taking={take.isPending ? (take.variables ?? null) : null}
                onTake={() => take.mutate(c.id)}
              />
            ))}
          </Box>
        </Box>
      ))}
      <LoadMore list={list} />
    </Box>
  );
}

interface QueueRowProps {
  conversation: Conversation;
  position: number;
  to: string;
  active: boolean;
  now: number;
  /** The conversation being taken right now, if any. */
  taking: string | null;
  onTake: () => void;
}

function QueueRow({ conversation: c, position, to, active, now, taking, onTake }: QueueRowProps) {
  const { t } = useTranslation();
  const since = useFormatSince();
  const formatDuration = useFormatDuration();
  const name = customerName(c, t);
  return (
    <li className={classes.row} data-active={active || undefined} data-conversation-id={c.id}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap={6} wrap="nowrap" miw={0}>
          <Badge size="sm" variant="light" color="orange" circle={position < 10} aria-hidden="true">
            {position}
          </Badge>
          <Anchor
            href={to}
            onClick={(event: MouseEvent<HTMLAnchorElement>) => handleLinkClick(event, to)}
            c="inherit"
            underline="hover"
            size="sm"
            fw={600}
            truncate
            aria-current={active ? 'page' : undefined}
          >
            {name}
          </Anchor>
        </Group>
        <Button
          size="compact-xs"
          onClick={onTake}
          loading={taking === c.id}
          disabled={taking !== null}
          aria-label={t('queue.takeFor', { name })}
        >
          {t('queue.take')}
        </Button>
      </Group>
      <Group gap={6} mt={4} wrap="nowrap">
        <Text size="xs" c="dimmed" truncate>
          {t('queue.position', { position })} ·{' '}
          <time dateTime={c.queuedAt ?? undefined} title={c.queuedAt ? since(c.queuedAt) : undefined}>
            {t('queue.waitingFor', { time: formatDuration(now - Date.parse(c.queuedAt ?? '')) })}
          </time>
        </Text>
        {c.priority !== 'none' && (
          <Badge
            size="xs"
            color={c.priority === 'low' ? 'gray' : c.priority === 'medium' ? 'yellow' : 'red'}
            variant="light"
            tt="none"
          >
            {t(`priority.${c.priority}`)}
          </Badge>
        )}
        <OutOfHoursBadge conversation={c} size="xs" />
      </Group>
    </li>
  );
}
