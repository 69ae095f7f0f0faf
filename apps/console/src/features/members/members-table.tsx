import {
  Box,
  Group,
  MultiSelect,
  Paper,
  Select,
  SimpleGrid,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { canAssignRole, grantablePermissions, type Member, type Role, roles } from '@parley/contracts';
import type { ReactNode } from 'react';
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

/** One member's name and controls, laid out by the table or by a card. */
interface MemberParts {
  member: Member;
  who: ReactNode;
  role: ReactNode;
  permissions: ReactNode;
  status: ReactNode;
  capacity: ReactNode;
  remove: ReactNode;
}

/**
 * The team with each member's role, permissions, status and capacity, and a way to remove them.
 * Six columns of controls need about 900 px: narrower (a 1024 px screen beside the side menu, a
 * phone) each member is a card whose controls wrap, so Remove is never behind a scroll.
 */
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
  const wide = useMediaQuery('(min-width: 75em)', true, { getInitialValueInEffect: false });

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

  // In the table the column headers name the controls; on a card each control shows its own label.
  const partsOf = (member: Member, labelled: boolean): MemberParts => {
    const isSelf = member.userId === userId;
    // Nobody edits themself here, nor anyone ranked above them.
    const editable = !isSelf && canAssignRole(myRole, member.role);
    return {
      member,
      who: (
        <Box miw={0}>
          <Text size="sm" fw={500}>
            {member.name} {isSelf && t('members.you')}
          </Text>
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {member.email}
          </Text>
          <Text size="xs" c="dimmed">
            {member.lastLoginAt
              ? t('members.lastLoginAt', { time: formatDate(member.lastLoginAt) })
              : t('members.neverLoggedIn')}
          </Text>
        </Box>
      ),
      role: (
        <Select
          label={labelled ? t('members.role') : undefined}
          aria-label={t('members.roleFor', { name: member.name })}
          data={roles.map((r) => ({
            value: r,
            label: t(`roles.${r}`),
            disabled: !canAssignRole(myRole, r),
          }))}
          value={member.role}
          onChange={(value) => value && value !== member.role && change(member, { role: value as Role })}
          allowDeselect={false}
          disabled={!editable}
          size="xs"
        />
      ),
      permissions: (
        <MultiSelect
          label={labelled ? t('members.permissions') : undefined}
          aria-label={t('members.permissionsFor', { name: member.name })}
          data={permissionOptions}
          value={member.permissions}
          onChange={(values) => change(member, { permissions: values })}
          disabled={!editable || member.role === 'owner'}
          size="xs"
        />
      ),
      status: (
        <MemberStatus
          workspaceId={workspaceId}
          member={member}
          editable={canSetStatus && !isSelf}
          label={labelled ? t('members.status') : undefined}
        />
      ),
      capacity: (
        <CapacityInput
          member={member}
          onCommit={(capacity) => change(member, { capacity })}
          label={labelled ? t('members.capacity') : undefined}
        />
      ),
      remove: (
        <ConfirmAction
          label={t('members.remove')}
          ariaLabel={t('members.removeFor', { name: member.name })}
          question={t('members.removeConfirm', { name: member.name })}
          onConfirm={() => remove(member)}
          disabled={!editable}
          loading={mutations.remove.isPending && mutations.remove.variables === member.userId}
        />
      ),
    };
  };

  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm" id="team-members">
        {t('members.teamTitle')}
      </Title>
      {wide ? (
        <MemberRows rows={members.map((m) => partsOf(m, false))} />
      ) : (
        <MemberCards cards={members.map((m) => partsOf(m, true))} />
      )}
    </Paper>
  );
}

function MemberRows({ rows }: { rows: MemberParts[] }) {
  const { t } = useTranslation();
  return (
    <Table aria-labelledby="team-members" verticalSpacing="sm" layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('members.name')}</Table.Th>
          <Table.Th w={150}>{t('members.role')}</Table.Th>
          <Table.Th w="22%">{t('members.permissions')}</Table.Th>
          <Table.Th w={190}>{t('members.status')}</Table.Th>
          <Table.Th w={96}>{t('members.capacity')}</Table.Th>
          <Table.Th w={96}>
            <VisuallyHidden>{t('members.actions')}</VisuallyHidden>
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.member.userId}>
            <Table.Td>{row.who}</Table.Td>
            <Table.Td>{row.role}</Table.Td>
            <Table.Td>{row.permissions}</Table.Td>
            <Table.Td>{row.status}</Table.Td>
            <Table.Td>{row.capacity}</Table.Td>
            <Table.Td ta="right">{row.remove}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function MemberCards({ cards }: { cards: MemberParts[] }) {
  return (
    <Box component="ul" aria-labelledby="team-members" m={0} p={0} style={{ listStyle: 'none' }}>
      {cards.map((card, index) => (
        <Box
          component="li"
          key={card.member.userId}
          py="md"
          style={index > 0 ? { borderTop: '1px solid var(--mantine-color-default-border)' } : undefined}
        >
          <Group justify="space-between" align="flex-start" wrap="nowrap" mb="sm">
            {card.who}
            {card.remove}
          </Group>
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
            {card.role}
            {card.permissions}
            {card.status}
            {card.capacity}
          </SimpleGrid>
        </Box>
      ))}
    </Box>
  );
}
