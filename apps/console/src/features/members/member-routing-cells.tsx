import { Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import { builtInStatuses, type Member, type SettableStatus } from '@parley/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys.ts';
import { useNotify } from '../../components/notify.ts';
import { useFormatDuration, useNow } from '../conversations/format.ts';
import { routingApi, useStatuses } from '../routing/routing-api.ts';
import { StatusDot, usePresenceLabel, useSignedOutRefusal, useStatusLabel } from '../routing/statuses.tsx';

export interface CapacityInputProps {
  member: Member;
  onCommit: (capacity: number) => void;
  /** Shown above the field where no column header names it. */
  label?: string;
}

/** OI-5: how many open conversations this member takes at once; saved on blur or Enter. */
export function CapacityInput({ member, onCommit, label }: CapacityInputProps) {
  const { t } = useTranslation();
  const [value, setValue] = useState<number | string>(member.capacity);
  useEffect(() => setValue(member.capacity), [member.capacity]);
  const commit = () => {
    const next = Number(value);
    if (value === '' || !Number.isInteger(next) || next < 1 || next > 50) {
      setValue(member.capacity);
      return;
    }
    if (next !== member.capacity) onCommit(next);
  };
  return (
    <NumberInput
      label={label}
      aria-label={t('members.capacityFor', { name: member.name })}
      value={value}
      onChange={setValue}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit();
      }}
      min={1}
      max={50}
      allowDecimal={false}
      allowNegative={false}
      size="xs"
      maw={120}
    />
  );
}

export interface MemberStatusProps {
  workspaceId: string;
  member: Member;
  /** `operators.manage`: supervisors and up may set someone else's status. */
  editable: boolean;
  /** Shown above the status where no column header names it. */
  label?: string;
}

/** A member's status and since when; a supervisor can change it from here. */
export function MemberStatus({ workspaceId, member, editable, label: heading }: MemberStatusProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const client = useQueryClient();
  const label = useStatusLabel(workspaceId);
  const presence = usePresenceLabel(workspaceId);
  const custom = useStatuses(workspaceId);
  const now = useNow();
  const signedOut = useSignedOutRefusal();
  const change = useMutation({
    mutationFn: (status: SettableStatus) => routingApi.setMemberStatus(workspaceId, member.userId, status),
    onSuccess: (updated) => {
      client.setQueryData<Member[]>(queryKeys.members(workspaceId), (list) =>
        list?.map((m) => (m.userId === updated.userId ? updated : m)),
      );
      notify.success(t('members.statusSet', { name: member.name, status: label(updated.status) }));
    },
    onError: notify.errorWith(signedOut(member.name)),
  });
  const formatDuration = useFormatDuration();
  const since = member.statusSince ? formatDuration(now - Date.parse(member.statusSince)) : null;
  const options = [
    ...builtInStatuses.map((s) => ({ value: s, label: label(s) })),
    ...(custom.data ?? []).map((s) => ({ value: `custom:${s.id}`, label: s.name })),
  ];
  // Signed out, no status can be chosen for them (the server refuses it): said, not offered.
  const shown = presence(member);
  return (
    <Stack gap={2}>
      {editable && !member.signedIn ? (
        <Select
          label={heading}
          aria-label={t('members.statusFor', { name: member.name })}
          data={[]}
          value={null}
          placeholder={shown}
          title={t('members.signedOutHint')}
          disabled
          leftSection={<StatusDot status={member.status} />}
          size="xs"
        />
      ) : editable ? (
        <Select
          label={heading}
          aria-label={t('members.statusFor', { name: member.name })}
          data={options}
          value={member.status === 'disconnected' ? null : member.status}
          placeholder={label('disconnected')}
          onChange={(next) => next && next !== member.status && change.mutate(next as SettableStatus)}
          allowDeselect={false}
          leftSection={<StatusDot status={member.status} />}
          size="xs"
          comboboxProps={{ withinPortal: true }}
        />
      ) : (
        <>
          {heading && (
            <Text size="xs" fw={500}>
              {heading}
            </Text>
          )}
          <Group gap={6} wrap="nowrap">
            <StatusDot status={member.status} />
            <Text size="sm">{shown}</Text>
          </Group>
        </>
      )}
      {since && (
        <Text size="xs" c="dimmed">
          {t('members.statusSince', { time: since })}
        </Text>
      )}
    </Stack>
  );
}
