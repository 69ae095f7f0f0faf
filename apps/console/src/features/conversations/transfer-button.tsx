import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { Conversation } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../auth/session.ts';
import { anyTarget, useTransferTargets } from '../routing/routing-api.ts';
import { TransferDialog } from './transfer-dialog.tsx';

export interface TransferButtonProps {
  workspaceId: string;
  userId: string;
  conversation: Conversation;
}

/**
 * Offered only when someone can receive the conversation now (OI-6). Operators hand on their own
 * conversations; moving anyone else's needs `transfer_any`, as for assigning.
 */
export function TransferButton({ workspaceId, userId, conversation: c }: TransferButtonProps) {
  const { t } = useTranslation();
  const permissions = usePermissions(workspaceId);
  const [opened, dialog] = useDisclosure(false);
  const allowed = c.status !== 'closed' && (c.assigneeId === userId || permissions.includes('transfer_any'));
  const targets = useTransferTargets(workspaceId, c.id, allowed);
  if (!allowed) return null;
  return (
    <>
      {anyTarget(targets.data) && (
        <Button size="xs" variant="default" onClick={dialog.open}>
          {t('transfer.button')}
        </Button>
      )}
      <TransferDialog
        workspaceId={workspaceId}
        userId={userId}
        conversation={c}
        opened={opened}
        onClose={dialog.close}
      />
    </>
  );
}
