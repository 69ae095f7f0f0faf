import {
  Button,
  Checkbox,
  Group,
  Modal,
  Radio,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { builtInStatuses, type OperatorOverview, type SettableStatus } from '@parley/contracts';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { useOperators } from '../monitoring/monitoring-api.ts';
import { useStatuses, useTeams } from '../routing/routing-api.ts';
import { useSignedOutRefusal, useStatusLabel } from '../routing/statuses.tsx';
import {
  type PeriodFilter,
  useImpersonation,
  useOperatorOpenConversations,
  useSetOperatorStatus,
  useTransferOperator,
} from './operators-api.ts';

interface ActionProps {
  workspaceId: string;
  operator: OperatorOverview | null;
  onClose: () => void;
}

/** OPS-2: a supervisor sets an operator's status (recorded with who made the change). */
export function StatusModal({ workspaceId, operator, onClose }: ActionProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const label = useStatusLabel(workspaceId);
  const custom = useStatuses(workspaceId);
  const change = useSetOperatorStatus(workspaceId);
  const signedOut = useSignedOutRefusal();
  const [status, setStatus] = useState<string | null>(null);
  // Signed out, only appearing offline can be chosen for them (the server refuses the rest).
  const signedOutNow = operator !== null && !operator.signedIn;
  const options = [
    ...[...builtInStatuses, 'disconnected'].map((s) => ({ value: s, label: label(s) })),
    ...(custom.data ?? []).map((s) => ({ value: `custom:${s.id}`, label: s.name })),
  ].map((o) => ({ ...o, disabled: signedOutNow && o.value !== 'disconnected' }));
  const close = () => {
    setStatus(null);
    onClose();
  };
  return (
    <Modal
      opened={operator !== null}
      onClose={close}
      title={operator ? t('operators.changeStatusOf', { name: operator.name }) : ''}
    >
      <Stack>
        <Select
          label={t('operators.newStatus')}
          description={signedOutNow ? t('members.signedOutHint') : undefined}
          data={options}
          value={status ?? operator?.status ?? null}
          onChange={setStatus}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('operators.cancel')}
          </Button>
          <Button
            loading={change.isPending}
            disabled={!status}
            onClick={() =>
              operator &&
              status &&
              change.mutate(
                { userId: operator.userId, status: status as SettableStatus },
                {
                  onSuccess: () => {
                    notify.success(t('operators.statusChanged'));
                    close();
                  },
                  onError: notify.errorWith(signedOut(operator.name)),
                },
              )
            }
          >
            {t('operators.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The last year, to today included: every open conversation of theirs was assigned within it. */
const lastYear = (): PeriodFilter => {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const from = new Date();
  from.setDate(from.getDate() - 364);
  return { period: '30d', from: day(from), to: day(new Date()) };
};

/** OPS-2: moves all or some of an operator's open conversations to another operator or a team. */
export function TransferModal({ workspaceId, operator, onClose }: ActionProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const [target, setTarget] = useState<'team' | 'operator'>('team');
  const [toId, setToId] = useState<string | null>(null);
  const [which, setWhich] = useState<'all' | 'selected'>('all');
  const [selected, setSelected] = useState<string[]>([]);
  const [message, setMessage] = useState('');
  const period = useMemo(lastYear, []);
  const teams = useTeams(workspaceId);
  const operators = useOperators(workspaceId);
  const conversations = useOperatorOpenConversations(
    workspaceId,
    operator?.userId ?? '',
    period,
    operator !== null,
  );
  const transfer = useTransferOperator(workspaceId);
  const open = conversations.data?.items ?? [];
  const close = () => {
    setToId(null);
    setSelected([]);
    setWhich('all');
    setMessage('');
    onClose();
  };
  const receivers =
    target === 'team'
      ? (teams.data ?? []).map((team) => ({ value: team.id, label: team.name }))
      : (operators.data ?? [])
          .filter((o) => o.userId !== operator?.userId && o.status === 'connected')
          .map((o) => ({ value: o.userId, label: o.name }));
  const submit = () => {
    if (!operator || !toId) return;
    transfer.mutate(
      {
        userId: operator.userId,
        ...(which === 'selected' ? { conversationIds: selected } : {}),
        ...(target === 'team' ? { toTeamId: toId } : { toUserId: toId }),
        ...(message.trim() ? { message: message.trim() } : {}),
      },
      {
        onSuccess: (result) => {
          const moved = result.results.filter((r) => r.ok).length;
          const refused = result.results.filter((r) => !r.ok);
          notify.success(t('operators.transferred', { count: moved }));
          if (refused.length > 0) {
            notifications.show({
              color: 'orange',
              message: t('operators.refused', { count: refused.length, reason: refused[0]!.error }),
            });
          }
          close();
        },
        onError: (error) => notify.error(error),
      },
    );
  };
  return (
    <Modal
      opened={operator !== null}
      onClose={close}
      title={operator ? t('operators.transferOf', { name: operator.name }) : ''}
      size="lg"
    >
      <Stack>
        <SegmentedControl
          aria-label={t('operators.transferTo')}
          value={target}
          onChange={(value) => {
            setTarget(value === 'operator' ? 'operator' : 'team');
            setToId(null);
          }}
          data={[
            { value: 'team', label: t('operators.toTeam') },
            { value: 'operator', label: t('operators.toOperator') },
          ]}
        />
        <Select
          label={target === 'team' ? t('operators.team') : t('operators.operator')}
          data={receivers}
          value={toId}
          onChange={setToId}
          comboboxProps={{ withinPortal: true }}
        />
        <Radio.Group
          label={t('operators.which')}
          value={which}
          onChange={(v) => setWhich(v === 'selected' ? 'selected' : 'all')}
        >
          <Stack gap={6} mt={6}>
            <Radio value="all" label={t('operators.all', { count: open.length })} />
            <Radio value="selected" label={t('operators.selected')} />
          </Stack>
        </Radio.Group>
        {which === 'selected' &&
          (open.length === 0 ? (
            <Text size="sm" c="gray.7">
              {t('operators.noOpen')}
            </Text>
          ) : (
            <Checkbox.Group value={selected} onChange={setSelected} aria-label={t('operators.which')}>
              <Stack gap={4}>
                {open.map((c) => (
                  <Checkbox
                    key={c.id}
                    value={c.id}
                    label={t('operators.conversationLabel', {
                      number: c.number,
                      name: c.contactName ?? t('operators.anonymous'),
                    })}
                  />
                ))}
              </Stack>
            </Checkbox.Group>
          ))}
        <Textarea
          label={t('operators.message')}
          value={message}
          onChange={(e) => setMessage(e.currentTarget.value)}
          autosize
          minRows={2}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('operators.cancel')}
          </Button>
          <Button
            loading={transfer.isPending}
            disabled={!toId || (which === 'selected' && selected.length === 0)}
            onClick={submit}
          >
            {t('operators.transferAction')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** OPS-4: says what impersonating means before it starts. */
export function ImpersonateModal({ workspaceId, operator, onClose }: ActionProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const { start } = useImpersonation(workspaceId);
  return (
    <Modal opened={operator !== null} onClose={onClose} title={t('operators.impersonate')}>
      <Stack>
        <Text size="sm">{operator ? t('operators.impersonateConfirm', { name: operator.name }) : ''}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('operators.cancel')}
          </Button>
          <Button
            color="red"
            loading={start.isPending}
            onClick={() =>
              operator && start.mutate(operator.userId, { onError: (error) => notify.error(error) })
            }
          >
            {t('operators.impersonateStart')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
