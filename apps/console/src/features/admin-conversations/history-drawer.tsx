import { Button, Drawer, Group, Paper, Stack, Tabs, Text } from '@mantine/core';
import type { Message } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { useDateTimeText } from '../../i18n/dates.ts';
import { useSession } from '../auth/session.ts';
import { AttachmentList } from '../conversations/attachment-list.tsx';
import { useMessages } from '../conversations/conversations-api.ts';
import { flattenMessages } from '../conversations/display-messages.ts';
import { useActivityText } from '../conversations/message-group.tsx';
import { MessageText } from '../conversations/message-text.tsx';
import { ConversationTagsEditor } from './tags.tsx';

export type HistoryTab = 'conversation' | 'notes';

function MessageItem({ message }: { message: Message }) {
  const { t } = useTranslation();
  const dateTime = useDateTimeText();
  const activityText = useActivityText(useSession().data?.user.id);
  const who =
    message.authorName ??
    (message.authorKind === 'contact' ? t('adminConversations.firstAuthors.contact') : message.authorKind);
  return (
    <Paper withBorder p="xs" bg={message.private ? 'yellow.0' : undefined}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={600}>
          {who}
        </Text>
        <Text size="xs" c="dimmed">
          <time dateTime={message.createdAt}>{dateTime(message.createdAt)}</time>
        </Text>
      </Group>
      {message.activity ? (
        <Text size="sm">{activityText(message)}</Text>
      ) : (
        <MessageText text={message.text} />
      )}
      {message.attachments.length > 0 && <AttachmentList attachments={message.attachments} />}
    </Paper>
  );
}

/** ADM-4: the whole history, read-only, with attachments; the notes on their own tab. */
export function HistoryDrawer({
  workspaceId,
  conversationId,
  number,
  tab,
  onTab,
  onClose,
}: {
  workspaceId: string;
  conversationId: string;
  number: number;
  tab: HistoryTab;
  onTab: (tab: HistoryTab) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const messages = useMessages(workspaceId, conversationId);
  const all = flattenMessages(messages.data);
  const shown = all.filter((m) => (tab === 'notes' ? m.private : !m.private));
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="lg"
      title={t('adminConversations.historyTitle', { number })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Stack>
        <ConversationTagsEditor workspaceId={workspaceId} conversationId={conversationId} />
        <Tabs value={tab} onChange={(value) => value && onTab(value as HistoryTab)}>
          <Tabs.List>
            <Tabs.Tab value="conversation">{t('adminConversations.conversationTab')}</Tabs.Tab>
            <Tabs.Tab value="notes">{t('adminConversations.notesTab')}</Tabs.Tab>
          </Tabs.List>
        </Tabs>
        {messages.isPending ? (
          <PageLoader />
        ) : messages.isError ? (
          <LoadError onRetry={() => void messages.refetch()} />
        ) : (
          <Stack gap="xs" data-history={tab}>
            {messages.hasNextPage && (
              <Button
                variant="subtle"
                onClick={() => void messages.fetchNextPage()}
                loading={messages.isFetchingNextPage}
              >
                {t('adminConversations.older')}
              </Button>
            )}
            {shown.length === 0 ? (
              <Text c="dimmed">
                {tab === 'notes' ? t('adminConversations.noNotes') : t('adminConversations.noMessages')}
              </Text>
            ) : (
              shown.map((m) => (
                <div key={m.id} data-message={m.id}>
                  <MessageItem message={m} />
                </div>
              ))
            )}
          </Stack>
        )}
      </Stack>
    </Drawer>
  );
}
