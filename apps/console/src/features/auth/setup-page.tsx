import { Button, TextInput } from '@mantine/core';
import type { SessionInfo, SetupBody } from '@parley/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { FormAlert } from '../../components/form-alert.tsx';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { PasswordField } from '../../components/password-field.tsx';
import { required, useApiForm, validEmail, validPassword } from '../../components/use-api-form.ts';
import { navigate } from '../../router/history.ts';
import { Redirect } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { AuthLayout } from './auth-layout.tsx';
import { useApplySession, useSetupStatus } from './session.ts';

export function SetupPage() {
  const setup = useSetupStatus();
  if (setup.isPending) return <PageLoader />;
  if (setup.isError) return <LoadError onRetry={() => void setup.refetch()} />;
  if (!setup.data.needsSetup) return <Redirect to="/" />;
  return <SetupForm />;
}

function SetupForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const applySession = useApplySession();
  const form = useApiForm<SetupBody>({
    initialValues: { name: '', email: '', password: '', workspaceName: '' },
    validate: (v) => ({
      name: required(v.name),
      email: validEmail(v.email),
      password: validPassword(v.password),
      workspaceName: required(v.workspaceName),
    }),
    onSubmit: async (values) => {
      const session = await api<SessionInfo>('POST', '/api/setup', values);
      queryClient.setQueryData(queryKeys.setup, { needsSetup: false });
      applySession(session);
      const workspaceId = session.currentWorkspaceId ?? session.workspaces[0]?.id;
      navigate(workspaceId ? paths.workspace(workspaceId) : '/', { replace: true });
    },
    // Someone else finished the setup meanwhile.
    knownErrors: (error) => (error.code === 'conflict' ? 'auth.alreadySetUp' : undefined),
  });

  return (
    <AuthLayout title={t('auth.setupTitle')} intro={t('auth.setupIntro')}>
      <form onSubmit={form.handleSubmit} noValidate>
        <TextInput label={t('auth.name')} autoComplete="name" required mb="sm" {...form.field('name')} />
        <TextInput
          label={t('auth.email')}
          type="email"
          autoComplete="email"
          required
          mb="sm"
          {...form.field('email')}
        />
        <PasswordField
          label={t('auth.password')}
          autoComplete="new-password"
          required
          mb="sm"
          {...form.field('password')}
        />
        <TextInput
          label={t('auth.workspaceName')}
          autoComplete="organization"
          required
          mb="md"
          {...form.field('workspaceName')}
        />
        <FormAlert message={form.formError} />
        <Button type="submit" fullWidth mt="md" loading={form.submitting}>
          {t('auth.setupSubmit')}
        </Button>
      </form>
    </AuthLayout>
  );
}
