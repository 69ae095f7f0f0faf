import { Button, Center, Group, Loader, Modal, Radio, Select, Stack, Text, Textarea } from '@mantine/core';
import type { Conversation, TransferTargets } from '@parley/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../../components/form-alert.tsx';
import { useNotify } from '../../components/notify.ts';
import { useErrorText } from '../../components/use-api-form.ts';
import { anyTarget, routingApi, type TransferRequest, useTransferTargets } from '../routing/routing-api.ts';
import { StatusDot, useStatusLabel } from '../routing/statuses.tsx';
import { upsertConversation } from './cache.ts';

type Mode = 'operator' | 'team';

export interface TransferDialogProps {
  workspaceId: string;
  userId: string;
  conversation: Conversation;
  opened: boolean;
  onClose: () => void;
}

/** OI-6 / ADM-5: to an operator (and one of their teams) or to a team, with an optional message. */
export function TransferDialog({ workspaceId, userId, conversation, opened, onClose }: TransferDialogProps) {
  const { t } = useTranslation();
  const targets = useTransferTargets(workspaceId, conversation.id, opened);
  const { refetch } = targets;
  // Who can receive it changes by the second: ask again every time the dialog opens.
  useEffect(() => {
    if (opened) void refetch();
  }, [opened, refetch]);

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('transfer.title')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {!targets.data && targets.isFetching ? (
        <Center p="lg">
          <Loader size="sm" aria-label={t('common.loading')} />
        </Center>
      ) : targets.data && anyTarget(targets.data) ? (
        <TransferForm
          workspaceId={workspaceId}
          userId={userId}
          conversation={conversation}
          targets={targets.data}
          onClose={onClose}
        />
      ) : (
        <Stack>
          <Text role="alert">{t('transfer.nobody')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.close')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

interface TransferFormProps extends Omit<TransferDialogProps, 'opened'> {
  targets: TransferTargets;
}

function TransferForm({ workspaceId, userId, conversation: c, targets, onClose }: TransferFormProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const errorText = useErrorText();
  const client = useQueryClient();
  const statusLabel = useStatusLabel(workspaceId);
  const operators = targets.operators.filter((o) => o.userId !== c.assigneeId);
  const [mode, setMode] = useState<Mode>(operators.length > 0 ? 'operator' : 'team');
  const [operatorId, setOperatorId] = useState<string | null>(null);
  const [operatorTeamId, setOperatorTeamId] = useState<string | null>(null);
  const [teamId, setTeamId] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const operator = operators.find((o) => o.userId === operatorId);

  const pickOperator = (id: string | null) => {
    setOperatorId(id);
    const teams = operators.find((o) => o.userId === id)?.teams ?? [];
    // Keep the conversation's team when the receiver is in it; a single team needs no choice.
    const keep = teams.find((team) => team.id === c.teamId) ?? (teams.length === 1 ? teams[0] : undefined);
    setOperatorTeamId(keep?.id ?? null);
  };

  const transfer = useMutation({
    mutationFn: ({ body }: { body: TransferRequest; name: string }) =>
      routingApi.transfer(workspaceId, c.id, body),
    onSuccess: (updated, { name }) => {
      upsertConversation(client, workspaceId, userId, updated);
      // A team transfer never comes back to its sender: say when it waits for someone else.
      notify.success(
        t(updated.assigneeId || !updated.teamId ? 'transfer.done' : 'transfer.queued', { name }),
      );
      onClose();
    },
  });

  const text = message.trim() || undefined;
  const team = targets.teams.find((candidate) => candidate.id === teamId);
  const request: { body: TransferRequest; name: string } | null =
    mode === 'operator'
      ? operator
        ? {
            body: { toUserId: operator.userId, toTeamId: operatorTeamId ?? undefined, message: text },
            name: operator.name,
          }
        : null
      : team
        ? { body: { toTeamId: team.id, message: text }, name: team.name }
        : null;

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (request && !transfer.isPending) transfer.mutate(request);
      }}
    >
      <Stack gap="md">
        <Radio.Group label={t('transfer.to')} value={mode} onChange={(value) => setMode(value as Mode)}>
          <Group mt={6}>
            <Radio value="operator" label={t('transfer.toOperator')} disabled={operators.length === 0} />
            <Radio value="team" label={t('transfer.toTeam')} disabled={targets.teams.length === 0} />
          </Group>
        </Radio.Group>
        {mode === 'operator' ? (
          <>
            <Select
              label={t('transfer.operator')}
              placeholder={t('transfer.operatorPlaceholder')}
              data={operators.map((o) => ({
                value: o.userId,
                label: t('transfer.operatorOption', {
                  name: o.name,
                  status: statusLabel(o.status),
                  active: o.active,
                  capacity: o.capacity,
                }),
              }))}
              value={operatorId}
              onChange={pickOperator}
              renderOption={({ option }) => (
                <Group gap={8} wrap="nowrap">
                  <StatusDot status={operators.find((o) => o.userId === option.value)?.status ?? ''} />
                  <span>{option.label}</span>
                </Group>
              )}
              searchable={operators.length > 7}
              comboboxProps={{ withinPortal: true }}
              data-autofocus
            />
            {operator && operator.teams.length > 0 && (
              <Select
                label={t('transfer.operatorTeam', { name: operator.name })}
                description={t('transfer.operatorTeamHint')}
                data={operator.teams.map((team) => ({ value: team.id, label: team.name }))}
                value={operatorTeamId}
                onChange={setOperatorTeamId}
                clearable
                comboboxProps={{ withinPortal: true }}
              />
            )}
          </>
        ) : (
          <Select
            label={t('transfer.team')}
            placeholder={t('transfer.teamPlaceholder')}
            description={t('transfer.teamHint')}
            data={targets.teams.map((team) => ({
              value: team.id,
              label: t('transfer.teamOption', { name: team.name, count: team.available }),
              disabled: team.available === 0,
            }))}
            value={teamId}
            onChange={setTeamId}
            comboboxProps={{ withinPortal: true }}
          />
        )}
        <Textarea
          label={t('transfer.message')}
          description={t('transfer.messageHint')}
          value={message}
          onChange={(event) => setMessage(event.currentTarget.value)}
          maxLength={1000}
          autosize
          minRows={2}
          maxRows={6}
        />
        <FormAlert message={errorText(transfer.error)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={!request} loading={transfer.isPending}>
            {t('transfer.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
