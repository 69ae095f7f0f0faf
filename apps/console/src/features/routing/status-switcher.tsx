import { Group, Select, type SelectProps } from '@mantine/core';
import { builtInStatuses, type Member, type SettableStatus } from '@parley/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys.ts';
import { useNotify } from '../../components/notify.ts';
import { useMembers } from '../members/members-api.ts';
import { routingApi, useStatuses } from './routing-api.ts';
import { isBuiltInStatus, StatusDot, useStatusLabel } from './statuses.tsx';

export interface StatusSwitcherProps {
  workspaceId: string;
  userId: string;
  w?: SelectProps['w'];
  visibleFrom?: SelectProps['visibleFrom'];
  hiddenFrom?: SelectProps['hiddenFrom'];
}

/** My status in the header (ROUTE-1): what I pick here decides whether I receive new conversations. */
export function StatusSwitcher({ workspaceId, userId, w = 210, ...visibility }: StatusSwitcherProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const client = useQueryClient();
  const members = useMembers(workspaceId);
  const custom = useStatuses(workspaceId);
  const label = useStatusLabel(workspaceId);
  const status = members.data?.find((m) => m.userId === userId)?.status ?? 'disconnected';

  const setMine = (patch: Partial<Member>) =>
    client.setQueryData<Member[]>(queryKeys.members(workspaceId), (list) =>
      list?.map((m) => (m.userId === userId ? { ...m, ...patch } : m)),
    );
  const change = useMutation({
    mutationFn: (next: SettableStatus) => routingApi.setMyStatus(workspaceId, next),
    onMutate: (next) => {
      const previous = status;
      setMine({ status: next });
      return { previous };
    },
    onSuccess: (member) => setMine(member),
    onError: (error, _next, context) => {
      if (context) setMine({ status: context.previous });
      notify.error(error);
    },
  });

  const customItems = (custom.data ?? []).map((s) => ({ value: `custom:${s.id}`, label: s.name }));
  // A reason deleted while in use still shows as mine until I pick another one.
  const known =
    status === 'disconnected' || isBuiltInStatus(status) || customItems.some((i) => i.value === status);
  if (!known && custom.data) customItems.push({ value: status, label: label(status) });
  const data = [
    {
      group: t('statuses.builtInGroup'),
      // Disconnected last: an operator may choose to appear offline (receives nothing).
      items: [...builtInStatuses, 'disconnected' as const].map((s) => ({ value: s, label: label(s) })),
    },
    ...(customItems.length > 0 ? [{ group: t('statuses.customGroup'), items: customItems }] : []),
  ];

  return (
    <Select
      aria-label={t('statuses.label')}
      data={data}
      value={status === 'disconnected' ? null : status}
      placeholder={label('disconnected')}
      onChange={(next) => {
        if (next && next !== status) change.mutate(next as SettableStatus);
      }}
      allowDeselect={false}
      disabled={members.isPending}
      leftSection={<StatusDot status={status} />}
      renderOption={({ option }) => (
        <Group gap={8} wrap="nowrap">
          <StatusDot status={option.value} />
          <span>{option.label}</span>
        </Group>
      )}
      comboboxProps={{ withinPortal: true, width: 260, position: 'bottom-end' }}
      maxDropdownHeight={400}
      size="sm"
      w={w}
      {...visibility}
      data-status={status}
    />
  );
}
