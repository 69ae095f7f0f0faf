import { MultiSelect, Paper, Select, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { canAssignRole, grantablePermissions, type Member, type Role, roles } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { useNotify } from '../../components/notify.ts';
import { useFormatDateTime } from './format.ts';
import { CapacityInput, MemberStatus } from './member-routing-cells.tsx';
import type { MemberChange, useMemberMutations } from './members-api.ts';

export interface MembersTableProps {
  workspaceId: string;
  /** May set other members' statuses (`operators.manage`). */
  canSetStatus: boolean;
  members: Member[];
  myRole: Role;
  userId: string;
  mutations: Pick<ReturnType<typeof useMemberMutations>, 'update' | 'remove'>;
}

export function MembersTable({
  workspaceId,
  canSetStatus,
  members,
  myRole,
  userId,
  mutations,
}: MembersTableProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const formatDate = useFormatDateTime();

  const change = (member: Member, next: Omit<MemberChange, 'userId'>) =>
    mutations.update.mutate(
      { userId: member.userId, ...next },
      { onSuccess: () => notify.success(t('members.saved')), onError: notify.error },
    );
  const remove = (member: Member) =>
    mutations.remove.mutate(member.userId, {
      onSuccess: () => notify.success(t('members.removed', { name: member.name })),
      onError: notify.error,
    });

  const permissionOptions = grantablePermissions.map((p) => ({ value: p, label: t(`permissions.${p}`) }));

  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm" id="team-members">
        {t('members.teamTitle')}
      </Title>
      <Table.ScrollContainer minWidth={1160}>
        <Table aria-labelledby="team-members" verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('members.name')}</Table.Th>
              <Table.Th>{t('members.role')}</Table.Th>
              <Table.Th>{t('members.permissions')}</Table.Th>
              <Table.Th>{t('members.status')}</Table.Th>
              <Table.Th>{t('members.capacity')}</Table.Th>
              <Table.Th>{t('members.lastLogin')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('members.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((member) => {
              const isSelf = member.userId === userId;
              // Nobody edits themself here, nor anyone ranked above them.
              const editable = !isSelf && canAssignRole(myRole, member.role);
              return (
                <Table.Tr key={member.userId}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {member.name} {isSelf && t('members.you')}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {member.email}
                    </Text>
                  </Table.Td>
                  <Table.Td w={170}>
                    <Select
                      aria-label={t('members.roleFor', { name: member.name })}
                      data={roles.map((r) => ({
                        value: r,
                        label: t(`roles.${r}`),
                        disabled: !canAssignRole(myRole, r),
                      }))}
                      value={member.role}
                      onChange={(value) =>
                        value && value !== member.role && change(member, { role: value as Role })
                      }
                      allowDeselect={false}
                      disabled={!editable}
                      size="xs"
                    />
                  </Table.Td>
                  <Table.Td w={300}>
                    <MultiSelect
                      aria-label={t('members.permissionsFor', { name: member.name })}
                      data={permissionOptions}
                      value={member.permissions}
                      onChange={(values) => change(member, { permissions: values })}
                      disabled={!editable || member.role === 'owner'}
                      size="xs"
                    />
                  </Table.Td>
                  <Table.Td w={210}>
                    <MemberStatus
                      workspaceId={workspaceId}
                      member={member}
                      editable={canSetStatus && !isSelf}
                    />
                  </Table.Td>
                  <Table.Td w={100}>
                    <CapacityInput member={member} onCommit={(capacity) => change(member, { capacity })} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {member.lastLoginAt ? formatDate(member.lastLoginAt) : t('members.never')}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <ConfirmAction
                      label={t('members.remove')}
                      ariaLabel={t('members.removeFor', { name: member.name })}
                      question={t('members.removeConfirm', { name: member.name })}
                      onConfirm={() => remove(member)}
                      disabled={!editable}
                      loading={mutations.remove.isPending && mutations.remove.variables === member.userId}
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
