import { Center, Flex, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useDocumentTitle, useMediaQuery } from '@mantine/hooks';
import type { WorkspaceMembership } from '@parley/contracts';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { unlockAudioOnGesture } from './alerts.ts';
import { ConversationListPane } from './conversation-list-pane.tsx';
import { ConversationTabs } from './conversation-tabs.tsx';
import { ConversationView } from './conversation-view.tsx';

export interface InboxPageProps {
  membership: WorkspaceMembership;
  userId: string;
  conversationId: string | undefined;
}

/** The list of conversations beside the open one; on a phone, one or the other. */
export function InboxPage({ membership, userId, conversationId }: InboxPageProps) {
  const { t } = useTranslation();
  useDocumentTitle(`${t('shell.conversations')} · ${membership.name} · ${t('common.appName')}`);
  useEffect(() => unlockAudioOnGesture(), []);
  const wide = useMediaQuery('(min-width: 62em)', true, { getInitialValueInEffect: false });
  const showList = wide || !conversationId;
  const showConversation = wide || Boolean(conversationId);

  return (
    <Flex h="calc(100dvh - var(--app-shell-header-offset, 0rem))" mih={0}>
      <VisuallyHidden>
        <h1>{t('shell.conversations')}</h1>
      </VisuallyHidden>
      {showList && <ConversationListPane membership={membership} userId={userId} activeId={conversationId} />}
      {showConversation && (
        <Stack gap={0} flex={1} miw={0} mih={0}>
          <ConversationTabs workspaceId={membership.id} userId={userId} activeId={conversationId} />
          {conversationId ? (
            <ConversationView
              key={conversationId}
              workspaceId={membership.id}
              userId={userId}
              conversationId={conversationId}
              compact={!wide}
            />
          ) : (
            <NothingOpen />
          )}
        </Stack>
      )}
    </Flex>
  );
}

function NothingOpen() {
  const { t } = useTranslation();
  return (
    <Center flex={1} p="xl">
      <Stack align="center" gap="xs" maw={420} ta="center">
        <Title order={2} size="h4">
          {t('conversations.selectTitle')}
        </Title>
        <Text c="dimmed" size="sm">
          {t('conversations.selectBody')}
        </Text>
      </Stack>
    </Center>
  );
}
