import type { DomainEvent } from '@parley/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { replaceLive } from '../../api/live-patch.ts';
import { type ConversationFilter, queryKeys } from '../../api/query-keys.ts';
import { adminKey, tagsKey } from './admin-api.ts';

/** Events that change a row of the administrator's list or a headline figure. */
const listEvents = new Set<string>([
  'conversation.created',
  'conversation.updated',
  'conversation.tagged',
  'message.created',
  'message.read',
  'team.updated',
  'member.updated',
  'tag.updated',
  'tag.deleted',
]);

/**
 * The administrator's list follows the event stream: the page on screen and the headline are read
 * again at most once a second, and only while they are shown (TanStack skips unwatched queries).
 * Tags are refreshed at once, including a conversation's own when it is the one tagged.
 */
export function adminRefresher(client: QueryClient, workspaceId: string) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    onEvent(event: DomainEvent) {
      if (event.name === 'tag.updated' || event.name === 'tag.deleted') {
        void client.invalidateQueries({ queryKey: tagsKey(workspaceId) });
      }
      if (event.name === 'conversation.tagged') {
        replaceLive(
          client,
          [...tagsKey(workspaceId), 'conversation', event.payload.conversation.id],
          event.payload.tags,
        );
        // The inbox's rows, and its lists filtered by a tag.
        void client.invalidateQueries({ queryKey: [...tagsKey(workspaceId), 'rows'] });
        void client.invalidateQueries({
          queryKey: queryKeys.conversationLists(workspaceId),
          predicate: (query) => Boolean((query.queryKey[4] as ConversationFilter | undefined)?.tagId),
        });
      }
      if (timer || !listEvents.has(event.name)) return;
      timer = setTimeout(() => {
        timer = null;
        void client.invalidateQueries({ queryKey: adminKey(workspaceId) });
      }, 1000);
    },
    stop() {
      if (timer) clearTimeout(timer);
    },
  };
}
