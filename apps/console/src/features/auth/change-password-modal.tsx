import { Button, Group, Modal, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { FormAlert } from '../../components/form-alert.tsx';
import { PasswordField } from '../../components/password-field.tsx';
import { required, useApiForm, validPassword } from '../../components/use-api-form.ts';

export interface ChangePasswordModalProps {
  opened: boolean;
  onClose: () => void;
}

/** The signed-in operator changes their own password; their other sessions end (`PUT /api/auth/password`). */
export function ChangePasswordModal({ opened, onClose }: ChangePasswordModalProps) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('account.changePassword')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {opened && <ChangePasswordForm onClose={onClose} />}
    </Modal>
  );
}

function ChangePasswordForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const form = useApiForm({
    initialValues: { currentPassword: '', password: '', confirm: '' },
    validate: (v) => ({
      currentPassword: required(v.currentPassword),
      password: validPassword(v.password),
      confirm: v.confirm === v.password ? undefined : { key: 'errors.passwordsDiffer' },
    }),
    onSubmit: async ({ currentPassword, password }) => {
      await api('PUT', '/api/auth/password', { currentPassword, password });
      notifications.show({ color: 'teal', message: t('account.passwordChanged') });
      onClose();
    },
    knownErrors: (error) =>
      error.field === 'currentPassword' && error.code === 'validation_failed'
        ? 'account.wrongCurrentPassword'
        : undefined,
  });
  return (
    <form onSubmit={form.handleSubmit} noValidate>
      <Text size="sm" c="dimmed" mb="md">
        {t('account.changePasswordIntro')}
      </Text>
      <PasswordField
        label={t('account.currentPassword')}
        autoComplete="current-password"
        required
        data-autofocus
        mb="sm"
        {...form.field('currentPassword')}
      />
      <PasswordField
        label={t('auth.newPassword')}
        autoComplete="new-password"
        required
        mb="sm"
        {...form.field('password')}
      />
      <PasswordField
        label={t('auth.confirmPassword')}
        autoComplete="new-password"
        required
        mb="md"
        {...form.field('confirm')}
      />
      <FormAlert message={form.formError} />
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" loading={form.submitting}>
          {t('account.savePassword')}
        </Button>
      </Group>
    </form>
  );
}
