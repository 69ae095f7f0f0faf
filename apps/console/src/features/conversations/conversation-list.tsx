import { Box } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationFilter } from '../../api/query-keys.ts';
import { LoadError } from '../../components/page-states.tsx';
import { useTagsOf } from '../admin-conversations/admin-api.ts';
import { useMembers } from '../members/members-api.ts';
import { ConversationRow } from './conversation-row.tsx';
import { useConversationList } from './conversations-api.ts';
import { useNow } from './format.ts';
import { ListEmpty, ListLoading, LoadMore } from './list-states.tsx';

export interface ConversationListProps {
  workspaceId: string;
  userId: string;
  filter: ConversationFilter;
  activeId: string | undefined;
}

export function ConversationList({ workspaceId, userId, filter, activeId }: ConversationListProps) {
  const { t } = useTranslation();
  const list = useConversationList(workspaceId, filter);
  const tagsOf = useTagsOf(
    workspaceId,
    (list.data?.pages ?? []).flatMap((page) => page.items.map((c) => c.id)),
  );
  const members = useMembers(workspaceId);
  const now = useNow();
  const names = useMemo(
    () =>
      new Map(
        (members.data ?? []).map((m) => [m.userId, m.userId === userId ? t('conversations.you') : m.name]),
      ),
    [members.data, userId, t],
  );

  if (list.isPending) return <ListLoading />;
  if (list.isError) return <LoadError onRetry={() => void list.refetch()} />;

  const items = list.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <ListEmpty
        title={
          filter.q ? t('conversations.noMatch', { q: filter.q }) : t(`conversations.empty.${filter.view}`)
        }
        body={filter.q ? undefined : t('conversations.emptyBody')}
      />
    );
  }

  return (
    <Box flex={1} mih={0} style={{ overflowY: 'auto' }}>
      <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-busy={list.isFetching || undefined}>
        {items.map((c) => (
          <li key={c.id}>
            <ConversationRow
              workspaceId={workspaceId}
              conversation={c}
              assignee={
                c.assigneeId === userId ? 'me' : c.assigneeId ? (names.get(c.assigneeId) ?? null) : null
              }
              active={c.id === activeId}
              now={now}
              tags={tagsOf.data?.[c.id]}
            />
          </li>
        ))}
      </Box>
      <LoadMore list={list} />
    </Box>
  );
}
