import type { Conversation } from '@parley/contracts';
import { usePermissions, useSession } from '../auth/session.ts';

/** OI-4: whoever may monitor whispers to the operator who has the conversation (not to themself). */
export function useWhisperAllowed(
  workspaceId: string,
  conversation: Pick<Conversation, 'assigneeId'>,
): boolean {
  const me = useSession().data?.user.id;
  const canMonitor = usePermissions(workspaceId).includes('monitor');
  return canMonitor && conversation.assigneeId !== null && conversation.assigneeId !== me;
}
