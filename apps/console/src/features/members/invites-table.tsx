import { Button, Paper, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { Invite } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { useFormatDateTime } from './format.ts';
import type { useMemberMutations } from './members-api.ts';

export interface InvitesTableProps {
  invites: Invite[];
  revoke: ReturnType<typeof useMemberMutations>['revokeInvite'];
}

export function InvitesTable({ invites, revoke }: InvitesTableProps) {
  const { t } = useTranslation();
  const formatDate = useFormatDateTime();

  const notify = useNotify();
  const onRevoke = (invite: Invite) =>
    revoke.mutate(invite.id, {
      onSuccess: () => notify.success(t('members.revoked')),
      onError: notify.error,
    });

  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm" id="pending-invites">
        {t('members.pendingTitle')}
      </Title>
      {invites.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('members.noPending')}
        </Text>
      ) : (
        // No scrolling: on a phone the address wraps, so Revoke stays in view.
        <Table aria-labelledby="pending-invites" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('members.email')}</Table.Th>
              <Table.Th>{t('members.role')}</Table.Th>
              <Table.Th>{t('members.expires')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('members.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invites.map((invite) => (
              <Table.Tr key={invite.id}>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{invite.email}</Table.Td>
                <Table.Td>{t(`roles.${invite.role}`)}</Table.Td>
                <Table.Td>{formatDate(invite.expiresAt)}</Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={t('members.revokeFor', { email: invite.email })}
                    loading={revoke.isPending && revoke.variables === invite.id}
                    onClick={() => onRevoke(invite)}
                  >
                    {t('members.revoke')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
