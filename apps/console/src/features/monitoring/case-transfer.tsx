import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { MonitoredCase } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../auth/session.ts';
import { useConversation } from '../conversations/conversations-api.ts';
import { TransferDialog } from '../conversations/transfer-dialog.tsx';

/** MON-4: transfer a current case from its row, with the conversation's own transfer dialog. */
export function CaseTransfer({
  workspaceId,
  userId,
  monitored,
}: {
  workspaceId: string;
  userId: string;
  monitored: MonitoredCase;
}) {
  const { t } = useTranslation();
  const permissions = usePermissions(workspaceId);
  const [opened, dialog] = useDisclosure(false);
  if (!permissions.includes('transfer_any') && monitored.assigneeId !== userId) return null;
  return (
    <>
      <Button
        size="compact-sm"
        variant="light"
        aria-label={t('monitoring.transferConversation', { number: monitored.number })}
        onClick={dialog.open}
      >
        {t('monitoring.transfer')}
      </Button>
      {opened && (
        <Loaded
          workspaceId={workspaceId}
          userId={userId}
          id={monitored.conversationId}
          onClose={dialog.close}
        />
      )}
    </>
  );
}

function Loaded(props: { workspaceId: string; userId: string; id: string; onClose: () => void }) {
  const conversation = useConversation(props.workspaceId, props.id);
  if (!conversation.data) return null;
  return (
    <TransferDialog
      workspaceId={props.workspaceId}
      userId={props.userId}
      conversation={conversation.data}
      opened
      onClose={props.onClose}
    />
  );
}
