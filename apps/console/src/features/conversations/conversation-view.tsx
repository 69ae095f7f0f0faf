import { Box, Button, Center, Drawer, Flex, Loader, Stack, Text, Title } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import type { Conversation } from '@parley/contracts';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client.ts';
import { LoadError, MessagePage } from '../../components/page-states.tsx';
import { navigate } from '../../router/history.ts';
import { paths } from '../../router/routes.ts';
import { ConversationTagsEditor } from '../admin-conversations/tags.tsx';
import { usePermissions } from '../auth/session.ts';
import { ConversationTools } from '../compose/conversation-tools.tsx';
import { CustomerPanel } from '../compose/customer-panel.tsx';
import { FeedbackPanel } from '../compose/feedback-panel.tsx';
import { HelpBanner } from '../inbox/help-banner.tsx';
import { useMembers } from '../members/members-api.ts';
import { stopFlashing, useFlashing } from './alerts.ts';
import { Composer } from './composer.tsx';
import { ConversationHeader } from './conversation-header.tsx';
import { TransferBanner } from './conversation-notices.tsx';
import { conversationPanelId } from './conversation-tabs.tsx';
import { useConversation } from './conversations-api.ts';
import { MessageList } from './message-list.tsx';

export interface ConversationViewProps {
  workspaceId: string;
  userId: string;
  conversationId: string;
  /** A phone-sized screen: the list is hidden, so offer a way back. */
  compact: boolean;
}

export function ConversationView({ workspaceId, userId, conversationId, compact }: ConversationViewProps) {
  const { t } = useTranslation();
  const detail = useConversation(workspaceId, conversationId);
  const wide = useMediaQuery('(min-width: 75em)', true, { getInitialValueInEffect: false });
  const [customerOpened, customer] = useDisclosure(false);
  const flashing = useFlashing(conversationId);
  const permissions = usePermissions(workspaceId);
  // Whoever may monitor follows any conversation (OI-4), as those who see everything do.
  const viewAll = permissions.includes('conversations.view_all') || permissions.includes('monitor');

  // Whether it was mine while open here (the view is keyed by the conversation).
  const wasMine = useRef(false);
  if (detail.data?.assigneeId === userId) wasMine.current = true;

  // Opening a flashing conversation is noticing it: let the animation finish its beat, then stop.
  useEffect(() => {
    if (!flashing) return;
    const timer = setTimeout(() => stopFlashing(conversationId), 2500);
    return () => clearTimeout(timer);
  }, [flashing, conversationId]);

  if (detail.isPending) {
    return (
      <Center flex={1}>
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  // Transferred or taken over while open here: the pane closes with a note saying to whom, instead of
  // controls that would fail once the server stops showing it to me (a refetch would answer 404).
  // Only then: a teammate's conversation opened from "All" or a mention is mine to read and note on.
  if (
    detail.data &&
    wasMine.current &&
    !viewAll &&
    detail.data.assigneeId !== null &&
    detail.data.assigneeId !== userId
  ) {
    return <HandedOver workspaceId={workspaceId} conversation={detail.data} />;
  }
  if (detail.isError) {
    if (isApiError(detail.error, 'not_found') || isApiError(detail.error, 'forbidden')) {
      return <MessagePage title={t('conversation.notFoundTitle')} body={t('conversation.notFoundBody')} />;
    }
    return <LoadError onRetry={() => void detail.refetch()} error={detail.error} />;
  }
  const c = detail.data;

  return (
    <Flex flex={1} mih={0} miw={0} id={conversationPanelId}>
      <Stack gap={0} flex={1} miw={0} mih={0} component="section" aria-label={t('conversation.label')}>
        <ConversationHeader
          workspaceId={workspaceId}
          userId={userId}
          conversation={c}
          onBack={compact ? () => navigate(paths.workspace(workspaceId)) : undefined}
          onShowCustomer={wide ? undefined : customer.open}
        />
        <TransferBanner conversation={c} />
        <HelpBanner workspaceId={workspaceId} userId={userId} conversationId={c.id} />
        <ConversationTools workspaceId={workspaceId} conversation={c} />
        <MessageList workspaceId={workspaceId} userId={userId} conversation={c} />
        <Composer workspaceId={workspaceId} conversation={c} />
      </Stack>
      {wide ? (
        <Box
          component="aside"
          aria-label={t('sidebar.title')}
          w={280}
          p="md"
          style={{
            borderLeft: '1px solid var(--mantine-color-default-border)',
            overflowY: 'auto',
            flexShrink: 0,
          }}
        >
          <CustomerPanel workspaceId={workspaceId} conversation={c} />
          <ConversationTagsEditor workspaceId={workspaceId} conversationId={c.id} />
          <FeedbackPanel workspaceId={workspaceId} conversationId={c.id} />
        </Box>
      ) : (
        <Drawer
          opened={customerOpened}
          onClose={customer.close}
          position="right"
          title={t('sidebar.title')}
          closeButtonProps={{ 'aria-label': t('common.close') }}
        >
          <CustomerPanel workspaceId={workspaceId} conversation={c} />
          <ConversationTagsEditor workspaceId={workspaceId} conversationId={c.id} />
          <FeedbackPanel workspaceId={workspaceId} conversationId={c.id} />
        </Drawer>
      )}
    </Flex>
  );
}

/** The pane of a conversation that went to someone else: a clear note instead of controls that would fail. */
function HandedOver({ workspaceId, conversation: c }: { workspaceId: string; conversation: Conversation }) {
  const { t } = useTranslation();
  const members = useMembers(workspaceId);
  const name = members.data?.find((m) => m.userId === c.assigneeId)?.name;
  return (
    <Center flex={1} p="md" id={conversationPanelId}>
      <Stack align="center" gap="sm" maw={480} ta="center" role="status" data-testid="handed-over">
        <Title order={2} size="h3">
          {t('conversation.handedOverTitle')}
        </Title>
        <Text>{name ? t('conversation.handedOverTo', { name }) : t('conversation.handedOverAway')}</Text>
        <Button variant="light" onClick={() => navigate(paths.workspace(workspaceId))}>
          {t('conversation.handedOverBack')}
        </Button>
      </Stack>
    </Center>
  );
}
