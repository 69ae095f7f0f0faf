import {
  ActionIcon,
  Badge,
  Button,
  Drawer,
  Group,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { type CannedAnswer, type CannedScope, cannedVariables, unknownVariables } from '@parley/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { FormAlert } from '../../components/form-alert.tsx';
import { useNotify } from '../../components/notify.ts';
import { type FormMessage, type KnownErrors, required, useApiForm } from '../../components/use-api-form.ts';
import { usePermissions, useSession } from '../auth/session.ts';
import { useTeams } from '../routing/routing-api.ts';
import { composeApi, composeKeys, useCannedAnswers } from './compose-api.ts';
import { CannedIcon } from './icons.tsx';

type Values = { scope: string; teamId: string; shortcut: string; title: string; text: string };
const blank: Values = { scope: 'personal', teamId: '', shortcut: '', title: '', text: '' };

/** As the server has it (`cannedShortcut`): checked here to say so in the reader's language. */
const shortcutPattern = /^[a-z0-9][a-z0-9_-]*$/;
const validShortcut = (value: string): FormMessage | undefined =>
  required(value) ??
  (shortcutPattern.test(value.trim()) ? undefined : { key: 'compose.canned.shortcutInvalid' });
/** A misspelt `{{variable}}` would reach the customer as typed: named before the server refuses it. */
const validText = (value: string): FormMessage | undefined => {
  const [unknown] = unknownVariables(value);
  return (
    required(value) ??
    (unknown ? { key: 'compose.canned.unknownVariable', values: { variable: `{{${unknown}}}` } } : undefined)
  );
};
const knownErrors: KnownErrors = (error) => {
  if (error.field !== 'shortcut') return undefined;
  return error.code === 'conflict' ? 'compose.canned.shortcutTaken' : 'compose.canned.shortcutInvalid';
};

/** Canned answers: personal ones for anyone, team ones for that team's supervisors and admins, workspace ones for admins. */
export function CannedAnswersManager({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const answers = useCannedAnswers(workspaceId);
  const permissions = usePermissions(workspaceId);
  const session = useSession().data;
  const role = session?.workspaces.find((w) => w.id === workspaceId)?.role;
  const manage = permissions.includes('workspace.manage');
  const mayTeam = manage || role === 'supervisor';
  const teams = useTeams(workspaceId, mayTeam);
  const [editing, setEditing] = useState<CannedAnswer | null>(null);
  const client = useQueryClient();
  const notify = useNotify();
  const refresh = () => client.invalidateQueries({ queryKey: composeKeys.canned(workspaceId) });

  const form = useApiForm<Values>({
    initialValues: blank,
    validate: (v) => ({
      shortcut: validShortcut(v.shortcut),
      title: required(v.title),
      text: validText(v.text),
      teamId: v.scope === 'team' ? required(v.teamId) : undefined,
    }),
    onSubmit: async (v) => {
      const body = { shortcut: v.shortcut.trim(), title: v.title.trim(), text: v.text.trim() };
      if (editing) await composeApi.updateCanned(workspaceId, editing.id, body);
      else
        await composeApi.createCanned(workspaceId, {
          ...body,
          scope: v.scope as CannedScope,
          teamId: v.scope === 'team' ? v.teamId : null,
        });
      await refresh();
      notify.success(t('compose.canned.saved'));
      setEditing(null);
      form.reset();
    },
    knownErrors,
  });

  const mayEdit = (a: CannedAnswer) =>
    a.scope === 'personal' ? a.ownerId === session?.user.id : a.scope === 'team' ? mayTeam : manage;
  const scopes = [
    { value: 'personal', label: t('compose.canned.scopes.personal') },
    ...(mayTeam ? [{ value: 'team', label: t('compose.canned.scopes.team') }] : []),
    ...(manage ? [{ value: 'workspace', label: t('compose.canned.scopes.workspace') }] : []),
  ];
  const teamName = (id: string | null) => teams.data?.find((x) => x.id === id)?.name;

  const startEdit = (a: CannedAnswer) => {
    setEditing(a);
    form.reset();
    for (const [k, v] of Object.entries({
      scope: a.scope,
      teamId: a.teamId ?? '',
      shortcut: a.shortcut,
      title: a.title,
      text: a.text,
    }))
      form.setValue(k as keyof Values, v);
  };

  return (
    <Stack gap="lg">
      <Text size="sm" c="dimmed">
        {t('compose.canned.intro')}
      </Text>
      {(answers.data?.length ?? 0) === 0 ? (
        <Text c="dimmed">{t('compose.canned.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('compose.canned.shortcut')}</Table.Th>
                <Table.Th>{t('compose.canned.title')}</Table.Th>
                <Table.Th>{t('compose.canned.scope')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('compose.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {answers.data?.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <code>/{a.shortcut}</code>
                  </Table.Td>
                  <Table.Td>{a.title}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color="gray">
                      {t(`compose.canned.scopes.${a.scope}`)}
                      {a.scope === 'team' && teamName(a.teamId) ? ` · ${teamName(a.teamId)}` : ''}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {mayEdit(a) && (
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          onClick={() => startEdit(a)}
                          aria-label={t('compose.canned.edit', { shortcut: a.shortcut })}
                        >
                          {t('compose.edit')}
                        </Button>
                        <ConfirmAction
                          label={t('compose.delete')}
                          ariaLabel={t('compose.canned.delete', { shortcut: a.shortcut })}
                          question={t('compose.canned.deleteQuestion', { shortcut: a.shortcut })}
                          onConfirm={() =>
                            void composeApi.deleteCanned(workspaceId, a.id).then(refresh).catch(notify.error)
                          }
                        />
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <form onSubmit={form.handleSubmit} noValidate>
        <Stack gap="sm" maw={560}>
          <Title order={2} size="h4">
            {editing
              ? t('compose.canned.editTitle', { shortcut: editing.shortcut })
              : t('compose.canned.addTitle')}
          </Title>
          {!editing && (
            <Group grow align="flex-start">
              <Select
                label={t('compose.canned.scope')}
                data={scopes}
                value={form.values.scope}
                onChange={(v) => form.setValue('scope', v ?? 'personal')}
                allowDeselect={false}
              />
              {form.values.scope === 'team' && (
                <Select
                  label={t('compose.canned.team')}
                  data={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
                  value={form.values.teamId || null}
                  onChange={(v) => form.setValue('teamId', v ?? '')}
                  error={form.field('teamId').error}
                  name="teamId"
                />
              )}
            </Group>
          )}
          <TextInput
            label={t('compose.canned.shortcut')}
            description={t('compose.canned.shortcutHint')}
            leftSection="/"
            maxLength={40}
            {...form.field('shortcut')}
          />
          <TextInput label={t('compose.canned.title')} maxLength={120} {...form.field('title')} />
          <Textarea
            label={t('compose.canned.text')}
            description={`${t('compose.canned.variables', {
              list: cannedVariables.map((v) => `{{${v}}}`).join(' '),
            })} ${t('compose.canned.variablesFallback', {
              example: `{{contact.firstName | ${t('compose.canned.fallbackWord')}}}`,
            })}`}
            autosize
            minRows={3}
            maxLength={10_000}
            name="text"
            value={form.values.text}
            error={form.field('text').error}
            onChange={(e) => form.setValue('text', e.currentTarget.value)}
          />
          <FormAlert message={form.formError} />
          <Group>
            <Button type="submit" loading={form.submitting}>
              {t('compose.save')}
            </Button>
            {editing && (
              <Button
                variant="default"
                onClick={() => {
                  setEditing(null);
                  form.reset();
                }}
              >
                {t('common.cancel')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

/** From the composer: manage canned answers without leaving the conversation. */
export function CannedManagerButton({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Tooltip label={t('compose.canned.manage')} withArrow openDelay={300}>
        <ActionIcon
          variant="subtle"
          color="gray"
          size="sm"
          aria-label={t('compose.canned.manage')}
          onClick={() => setOpened(true)}
        >
          <CannedIcon />
        </ActionIcon>
      </Tooltip>
      <Drawer
        opened={opened}
        onClose={() => setOpened(false)}
        position="right"
        size="lg"
        title={t('compose.canned.pageTitle')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {opened && <CannedAnswersManager workspaceId={workspaceId} />}
      </Drawer>
    </>
  );
}
