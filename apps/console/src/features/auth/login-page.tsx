import { Button, Group, TextInput } from '@mantine/core';
import type { LoginBody, SessionInfo } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { FormAlert } from '../../components/form-alert.tsx';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { PasswordField } from '../../components/password-field.tsx';
import { required, useApiForm, validEmail } from '../../components/use-api-form.ts';
import { navigate, safeNext, useLocation } from '../../router/history.ts';
import { Link, Redirect } from '../../router/link.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { useApplySession, useSession } from './session.ts';

export function LoginPage() {
  const session = useSession();
  const { search } = useLocation();
  if (session.isPending) return <PageLoader />;
  if (session.isError) return <LoadError onRetry={() => void session.refetch()} />;
  if (session.data) return <Redirect to={safeNext(search)} />;
  return <LoginForm next={safeNext(search)} />;
}

function LoginForm({ next }: { next: string }) {
  const { t } = useTranslation();
  const applySession = useApplySession();
  const form = useApiForm<LoginBody>({
    initialValues: { email: '', password: '' },
    validate: (v) => ({ email: validEmail(v.email), password: required(v.password) }),
    onSubmit: async (values) => {
      const session = await api<SessionInfo>('POST', '/api/auth/login', values);
      applySession(session);
      navigate(next, { replace: true });
    },
  });

  return (
    <AuthLayout title={t('auth.loginTitle')}>
      <form onSubmit={form.handleSubmit} noValidate>
        <TextInput
          label={t('auth.email')}
          type="email"
          autoComplete="username"
          required
          mb="sm"
          {...form.field('email')}
        />
        <PasswordField
          label={t('auth.password')}
          autoComplete="current-password"
          required
          mb="xs"
          {...form.field('password')}
        />
        <Group justify="flex-end" mb="md">
          <Link to="/forgot-password" size="sm">
            {t('auth.forgotLink')}
          </Link>
        </Group>
        <FormAlert message={form.formError} />
        <Button type="submit" fullWidth mt="md" loading={form.submitting}>
          {t('auth.loginSubmit')}
        </Button>
      </form>
    </AuthLayout>
  );
}
