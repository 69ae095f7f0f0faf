import type { Conversation } from '@parley/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { upsertConversation } from './cache.ts';
import { conversationApi } from './conversations-api.ts';

type Action =
  | { kind: 'assign'; assigneeId: string | null; name?: string }
  | { kind: 'close' }
  | { kind: 'reopen' };

/** Assign, close and reopen; the answer updates every list at once, the realtime event does it for others. */
export function useConversationActions(workspaceId: string, me: string, conversationId: string) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const notify = useNotify();
  const mutation = useMutation({
    mutationFn: (action: Action): Promise<Conversation> => {
      if (action.kind === 'assign')
        return conversationApi.assign(workspaceId, conversationId, action.assigneeId);
      if (action.kind === 'close') return conversationApi.close(workspaceId, conversationId);
      return conversationApi.reopen(workspaceId, conversationId);
    },
    onSuccess: (conversation, action) => {
      upsertConversation(client, workspaceId, me, conversation);
      if (action.kind === 'close') notify.success(t('conversation.closed'));
      else if (action.kind === 'reopen') notify.success(t('conversation.reopened'));
      else if (action.assigneeId === null) notify.success(t('conversation.unassigned'));
      else if (action.assigneeId === me) notify.success(t('conversations.assignedToMe'));
      else notify.success(t('conversations.assignedTo', { name: action.name ?? '…' }));
    },
    onError: notify.error,
  });
  const pending = mutation.isPending ? mutation.variables : undefined;
  return {
    assign: (assigneeId: string | null, name?: string) =>
      mutation.mutate({ kind: 'assign', assigneeId, name }),
    close: () => mutation.mutate({ kind: 'close' }),
    reopen: () => mutation.mutate({ kind: 'reopen' }),
    busy: mutation.isPending,
    pending,
  };
}
