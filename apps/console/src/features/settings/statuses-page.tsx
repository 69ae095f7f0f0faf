import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import type { CustomStatus } from '@parley/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys.ts';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { FormAlert } from '../../components/form-alert.tsx';
import { useNotify } from '../../components/notify.ts';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import {
  fieldMessageOf,
  type KnownErrors,
  messageOf,
  refusedField,
  useMessageText,
} from '../../components/use-api-form.ts';
import { routingApi, useStatuses } from '../routing/routing-api.ts';
import { StatusDot } from '../routing/statuses.tsx';

/** A name in use (another reason's, whatever the case, or a built-in status's) is refused by the server. */
const knownErrors: KnownErrors = (error) =>
  error.code === 'conflict' && error.field === 'name' ? 'settings.statuses.nameTaken' : undefined;

/** ROUTE-1: the workspace's own "unavailable" reasons, next to the built-in statuses. */
export function StatusesPage({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const text = useMessageText();
  const client = useQueryClient();
  const statuses = useStatuses(workspaceId);
  const [name, setName] = useState('');
  const key = queryKeys.statuses(workspaceId);
  const create = useMutation({
    mutationFn: (value: string) => routingApi.createStatus(workspaceId, value),
    onSuccess: (created) => {
      client.setQueryData<CustomStatus[]>(key, (list) => (list ? [...list, created] : list));
      setName('');
      notify.success(t('settings.statuses.added', { name: created.name }));
    },
    onSettled: () => client.invalidateQueries({ queryKey: key }),
  });
  const remove = useMutation({
    mutationFn: (status: CustomStatus) => routingApi.deleteStatus(workspaceId, status.id),
    onSuccess: (_result, status) => {
      client.setQueryData<CustomStatus[]>(key, (list) => list?.filter((s) => s.id !== status.id));
      notify.success(t('settings.statuses.deleted', { name: status.name }));
    },
    onError: notify.error,
    onSettled: () => client.invalidateQueries({ queryKey: key }),
  });

  if (statuses.isPending) return <PageLoader />;
  if (statuses.isError) return <LoadError onRetry={() => void statuses.refetch()} />;

  // A refusal naming the name goes under it, in the console's words; anything else above the button.
  const refused = refusedField(create.error, ['name']);
  const fieldError = refused ? text(fieldMessageOf(create.error, knownErrors)) : undefined;
  const formError = create.error && !refused ? text(messageOf(create.error, knownErrors)) : undefined;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (name.trim()) create.mutate(name.trim());
  };

  return (
    <>
      <Text c="dimmed" size="sm" maw={640}>
        {t('settings.statuses.intro')}
      </Text>
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="sm" id="custom-statuses">
          {t('settings.statuses.listTitle')}
        </Title>
        {statuses.data.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('settings.statuses.none')}
          </Text>
        ) : (
          <Stack
            component="ul"
            gap={4}
            m={0}
            p={0}
            style={{ listStyle: 'none' }}
            aria-labelledby="custom-statuses"
          >
            {statuses.data.map((status) => (
              <Group component="li" key={status.id} justify="space-between" wrap="nowrap" maw={480}>
                <Group gap={8} wrap="nowrap" miw={0} flex={1}>
                  <StatusDot status={`custom:${status.id}`} />
                  {/* A name without spaces wraps anywhere rather than pushing its Delete out of the row. */}
                  <Text size="sm" miw={0} style={{ overflowWrap: 'anywhere' }}>
                    {status.name}
                  </Text>
                </Group>
                <ConfirmAction
                  label={t('settings.statuses.delete')}
                  ariaLabel={t('settings.statuses.deleteFor', { name: status.name })}
                  question={t('settings.statuses.deleteConfirm', { name: status.name })}
                  onConfirm={() => remove.mutate(status)}
                  loading={remove.isPending && remove.variables?.id === status.id}
                />
              </Group>
            ))}
          </Stack>
        )}
      </Paper>
      <Paper withBorder p="md" radius="md">
        <form onSubmit={onSubmit} noValidate>
          <Stack gap="sm" maw={480}>
            <Group align="flex-start" wrap="nowrap">
              <TextInput
                label={t('settings.statuses.name')}
                placeholder={t('settings.statuses.namePlaceholder')}
                value={name}
                onChange={(event) => {
                  setName(event.currentTarget.value);
                  create.reset();
                }}
                maxLength={60}
                flex={1}
                error={fieldError}
              />
              <Button type="submit" loading={create.isPending} disabled={!name.trim()} mt={25}>
                {t('settings.statuses.add')}
              </Button>
            </Group>
            <FormAlert message={formError} />
          </Stack>
        </form>
      </Paper>
    </>
  );
}
