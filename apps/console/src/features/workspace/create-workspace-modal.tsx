import { Button, Group, Modal, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { Workspace } from '@parley/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { FormAlert } from '../../components/form-alert.tsx';
import { required, useApiForm } from '../../components/use-api-form.ts';
import { navigate } from '../../router/history.ts';
import { paths } from '../../router/routes.ts';

export interface CreateWorkspaceModalProps {
  opened: boolean;
  onClose: () => void;
}

export function CreateWorkspaceModal({ opened, onClose }: CreateWorkspaceModalProps) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('shell.createWorkspace')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {opened && <CreateWorkspaceForm onClose={onClose} />}
    </Modal>
  );
}

function CreateWorkspaceForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useApiForm({
    initialValues: { name: '' },
    validate: (v) => ({ name: required(v.name) }),
    onSubmit: async ({ name }) => {
      const workspace = await api<Workspace>('POST', '/api/workspaces', { name: name.trim() });
      // The shell only opens workspaces listed in the session, so reload it before going there.
      await queryClient.refetchQueries({ queryKey: queryKeys.session });
      notifications.show({ color: 'teal', message: t('shell.workspaceCreated', { name: workspace.name }) });
      onClose();
      navigate(paths.workspace(workspace.id));
    },
  });
  return (
    <form onSubmit={form.handleSubmit} noValidate>
      <TextInput label={t('auth.workspaceName')} required data-autofocus mb="md" {...form.field('name')} />
      <FormAlert message={form.formError} />
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" loading={form.submitting}>
          {t('shell.create')}
        </Button>
      </Group>
    </form>
  );
}
