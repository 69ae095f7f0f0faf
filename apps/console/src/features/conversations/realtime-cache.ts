import type { DomainEvent } from '@parley/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../api/query-keys.ts';
import { insertMessage, markRead, upsertConversation } from './cache.ts';
import { updateIncoming } from './incoming.ts';

/** Applies conversation and message events to the caches directly: lists and the open conversation update live. */
export function applyConversationEvent(
  client: QueryClient,
  workspaceId: string,
  me: string,
  event: DomainEvent,
): void {
  if ('conversation' in event.payload) updateIncoming(workspaceId, event.payload.conversation);
  switch (event.name) {
    case 'conversation.created':
      upsertConversation(client, workspaceId, me, event.payload.conversation);
      return;
    case 'conversation.updated': {
      const { conversation, change } = event.payload;
      upsertConversation(client, workspaceId, me, conversation);
      // The event carries the contact summary only; attributes and phone come with the detail.
      if (change === 'contact') {
        void client.invalidateQueries({ queryKey: queryKeys.conversation(workspaceId, conversation.id) });
      }
      return;
    }
    case 'message.created':
      insertMessage(client, workspaceId, event.payload.message);
      upsertConversation(client, workspaceId, me, event.payload.conversation);
      return;
    case 'message.read': {
      const { conversationId, reader, upTo, conversation } = event.payload;
      markRead(client, workspaceId, conversationId, reader, upTo, event.at);
      upsertConversation(client, workspaceId, me, conversation);
      return;
    }
    default:
      return;
  }
}
