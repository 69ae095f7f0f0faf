import { Alert, Button, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { FormAlert } from '../../components/form-alert.tsx';
import { useApiForm, validEmail } from '../../components/use-api-form.ts';
import { Link } from '../../router/link.tsx';
import { AuthLayout } from './auth-layout.tsx';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useApiForm({
    initialValues: { email: '' },
    validate: (v) => ({ email: validEmail(v.email) }),
    onSubmit: async ({ email }) => {
      await api('POST', '/api/auth/password-reset', { email: email.trim() });
      setSentTo(email.trim());
    },
  });

  return (
    <AuthLayout title={t('auth.forgotTitle')} intro={sentTo ? undefined : t('auth.forgotIntro')}>
      {sentTo ? (
        <Alert color="teal" role="status">
          {t('auth.forgotSent', { email: sentTo })}
        </Alert>
      ) : (
        <form onSubmit={form.handleSubmit} noValidate>
          <TextInput
            label={t('auth.email')}
            type="email"
            autoComplete="email"
            required
            mb="md"
            {...form.field('email')}
          />
          <FormAlert message={form.formError} />
          <Button type="submit" fullWidth mt="md" loading={form.submitting}>
            {t('auth.forgotSubmit')}
          </Button>
        </form>
      )}
      <Link to="/login" size="sm" ta="center">
        {t('auth.backToLogin')}
      </Link>
    </AuthLayout>
  );
}
