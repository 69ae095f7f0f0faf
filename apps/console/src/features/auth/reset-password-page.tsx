import { Alert, Button, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { FormAlert } from '../../components/form-alert.tsx';
import { PasswordField } from '../../components/password-field.tsx';
import { useApiForm, validPassword } from '../../components/use-api-form.ts';
import { navigate, useLocation } from '../../router/history.ts';
import { Link } from '../../router/link.tsx';
import { AuthLayout } from './auth-layout.tsx';

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const token = useLocation().search.get('token');
  if (!token) {
    return (
      <AuthLayout title={t('auth.resetTitle')}>
        <Stack gap="sm">
          <Alert color="orange">{t('auth.resetNoToken')}</Alert>
          <Link to="/forgot-password">{t('auth.requestNewLink')}</Link>
        </Stack>
      </AuthLayout>
    );
  }
  return <ResetForm token={token} />;
}

function ResetForm({ token }: { token: string }) {
  const { t } = useTranslation();
  const form = useApiForm({
    initialValues: { password: '', confirm: '' },
    validate: (v) => ({
      password: validPassword(v.password),
      confirm: v.confirm === v.password ? undefined : { key: 'errors.passwordsDiffer' },
    }),
    onSubmit: async ({ password }) => {
      await api('POST', '/api/auth/password-reset/confirm', { token, password });
      notifications.show({ color: 'teal', message: t('auth.resetDone') });
      navigate('/login', { replace: true });
    },
    // A link unknown, used or expired, or not even the shape of one: either way, ask for a new one.
    knownErrors: (error) => (error.field === 'token' ? 'auth.resetInvalid' : undefined),
  });

  return (
    <AuthLayout title={t('auth.resetTitle')}>
      <form onSubmit={form.handleSubmit} noValidate>
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
        <Button type="submit" fullWidth mt="md" loading={form.submitting}>
          {t('auth.resetSubmit')}
        </Button>
      </form>
      <Link to="/forgot-password" size="sm" ta="center">
        {t('auth.requestNewLink')}
      </Link>
    </AuthLayout>
  );
}
