import { Box, Center, Loader, Text } from '@mantine/core';
import type { ConversationDetail } from '@parley/contracts';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../../components/page-states.tsx';
import { useMessages } from './conversations-api.ts';
import { displayMessages, flattenMessages, groupMessages } from './display-messages.ts';
import classes from './inbox.module.css';
import { MessageGroupView } from './message-group.tsx';
import { usePendingMessages } from './pending-messages.ts';
import { useContactTyping } from './typing.ts';
import { useMarkRead } from './use-mark-read.ts';

export interface MessageListProps {
  workspaceId: string;
  userId: string;
  conversation: ConversationDetail;
}

const nearEdgePx = 120;

/** The history, newest at the bottom; scrolling to the top loads older messages and keeps the view still. */
export function MessageList({ workspaceId, userId, conversation }: MessageListProps) {
  const { t } = useTranslation();
  const query = useMessages(workspaceId, conversation.id);
  const pending = usePendingMessages(conversation.id);
  const stored = useMemo(() => flattenMessages(query.data), [query.data]);
  const shown = useMemo(() => displayMessages(stored, pending, userId), [stored, pending, userId]);
  const groups = useMemo(() => groupMessages(shown), [shown]);
  const lastContact = stored.findLast((m) => m.authorKind === 'contact');
  const typing = useContactTyping(conversation.id, lastContact?.id);
  useMarkRead(workspaceId, userId, conversation, stored[stored.length - 1]);

  const logRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const previous = useRef<{ pages: number; lastKey: string | undefined }>({ pages: 0, lastKey: undefined });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;

  const loadOlder = () => {
    const log = logRef.current;
    if (!log || !hasNextPage || isFetchingNextPage) return;
    anchor.current = { height: log.scrollHeight, top: log.scrollTop };
    void fetchNextPage();
  };

  const onScroll = () => {
    const log = logRef.current;
    if (!log) return;
    stickToBottom.current = log.scrollHeight - log.scrollTop - log.clientHeight < nearEdgePx;
    if (log.scrollTop < nearEdgePx) loadOlder();
  };

  // Older page prepended: keep the same messages under the reader's eyes. New message: follow it
  // when the reader was at the bottom, or wrote it.
  const pages = query.data?.pages.length ?? 0;
  const last = shown[shown.length - 1];
  useLayoutEffect(() => {
    const log = logRef.current;
    if (!log) return;
    if (pages > previous.current.pages && anchor.current) {
      log.scrollTop = log.scrollHeight - anchor.current.height + anchor.current.top;
      anchor.current = null;
    } else if (last?.key !== previous.current.lastKey && (stickToBottom.current || last?.pending)) {
      log.scrollTop = log.scrollHeight;
      stickToBottom.current = true;
    }
    previous.current = { pages, lastKey: last?.key };
  }, [pages, last]);

  // Images, the typing line and a growing composer change heights after rendering: stay at the
  // bottom if we were there.
  useEffect(() => {
    const log = logRef.current;
    const content = contentRef.current;
    if (!log || !content) return;
    const observer = new ResizeObserver(() => {
      if (stickToBottom.current) log.scrollTop = log.scrollHeight;
    });
    observer.observe(content);
    observer.observe(log);
    return () => observer.disconnect();
  }, []);

  // A first page too short to scroll could never reach "scrolled to the top": load on.
  useEffect(() => {
    const log = logRef.current;
    if (log && hasNextPage && !isFetchingNextPage && log.scrollHeight <= log.clientHeight + nearEdgePx) {
      anchor.current = { height: log.scrollHeight, top: log.scrollTop };
      void fetchNextPage();
    }
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <>
      <div
        ref={logRef}
        role="log"
        aria-label={t('conversation.messages')}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
        tabIndex={0}
        className={classes.log}
        onScroll={onScroll}
      >
        <div ref={contentRef}>
          {query.isPending && (
            <Center p="lg">
              <Loader size="sm" aria-label={t('common.loading')} />
            </Center>
          )}
          {query.isError && <LoadError onRetry={() => void query.refetch()} />}
          {isFetchingNextPage && (
            <Center p="xs">
              <Loader size="xs" aria-label={t('conversation.loadingOlder')} />
            </Center>
          )}
          {query.isSuccess && !hasNextPage && (
            <Text size="xs" c="dimmed" ta="center" mb="md">
              {t('conversation.beginning')}
            </Text>
          )}
          {groups.map((group) => (
            <MessageGroupView key={group.key} group={group} conversation={conversation} userId={userId} />
          ))}
        </div>
      </div>
      <Box px="md" h={22} style={{ flexShrink: 0 }} role="status" aria-live="polite">
        {typing && (
          <Text size="xs" c="dimmed" fs="italic">
            {t('conversation.typing')}
          </Text>
        )}
      </Box>
    </>
  );
}
