import { useDocumentVisibility } from '@mantine/hooks';
import type { Conversation, Message } from '@parley/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { findCachedConversation, upsertConversation } from './cache.ts';
import { conversationApi } from './conversations-api.ts';

/**
 * While a conversation is on screen (and the browser tab visible), tells the server the operator has
 * seen the customer's messages, which clears its unread count — when it is theirs, or no one's: a
 * supervisor or teammate looking in does not read it for the operator who has it (nor would the
 * server count it).
 */
export function useMarkRead(
  workspaceId: string,
  me: string,
  conversation: Conversation,
  newest: Message | undefined,
) {
  const client = useQueryClient();
  const visibility = useDocumentVisibility();
  const sent = useRef<string | null>(null);
  const upTo = newest?.id;
  const unread = conversation.unreadCount > 0;
  const mine = conversation.assigneeId === null || conversation.assigneeId === me;

  useEffect(() => {
    if (!upTo || !unread || !mine || visibility !== 'visible' || sent.current === upTo) return;
    sent.current = upTo;
    conversationApi
      .read(workspaceId, conversation.id, upTo)
      .then(() => {
        // The server's message.read event says the same; this just spares the wait.
        const current = findCachedConversation(client, workspaceId, conversation.id);
        if (current) upsertConversation(client, workspaceId, me, { ...current, unreadCount: 0 });
      })
      .catch(() => {
        // Try again with the next message or the next visit.
        sent.current = null;
      });
  }, [client, workspaceId, me, conversation.id, upTo, unread, mine, visibility]);
}
