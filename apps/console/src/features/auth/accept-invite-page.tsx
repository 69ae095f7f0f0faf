import { Alert, Button, Stack, TextInput } from '@mantine/core';
import type { InvitePreview, SessionInfo } from '@parley/contracts';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { FormAlert } from '../../components/form-alert.tsx';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { PasswordField } from '../../components/password-field.tsx';
import { required, useApiForm, validPassword } from '../../components/use-api-form.ts';
import { navigate } from '../../router/history.ts';
import { Link } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { AuthLayout } from './auth-layout.tsx';
import { homeWorkspaceId, useApplySession } from './session.ts';

export function AcceptInvitePage({ token }: { token: string }) {
  const { t } = useTranslation();
  const preview = useQuery({
    queryKey: queryKeys.invitePreview(token),
    queryFn: () => api<InvitePreview>('GET', `/api/invites/${encodeURIComponent(token)}`),
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (preview.isPending) return <PageLoader />;
  const invalid = isApiError(preview.error) && preview.error.status >= 400 && preview.error.status < 500;
  if (preview.isError && !invalid) return <LoadError onRetry={() => void preview.refetch()} />;
  if (preview.isError) {
    return (
      <AuthLayout title={t('common.notFoundTitle')}>
        <Stack gap="sm">
          <Alert color="orange">{t('auth.inviteInvalid')}</Alert>
          <Link to="/login">{t('auth.backToLogin')}</Link>
        </Stack>
      </AuthLayout>
    );
  }
  return <AcceptForm token={token} invite={preview.data} />;
}

function AcceptForm({ token, invite }: { token: string; invite: InvitePreview }) {
  const { t } = useTranslation();
  const applySession = useApplySession();
  const form = useApiForm({
    initialValues: { name: '', password: '' },
    validate: (v) => ({
      name: invite.userExists ? undefined : required(v.name),
      password: invite.userExists ? required(v.password) : validPassword(v.password),
    }),
    onSubmit: async ({ name, password }) => {
      const body = invite.userExists ? { password } : { name: name.trim(), password };
      const session = await api<SessionInfo>(
        'POST',
        `/api/invites/${encodeURIComponent(token)}/accept`,
        body,
      );
      applySession(session);
      const workspaceId = homeWorkspaceId(session);
      navigate(workspaceId ? paths.workspace(workspaceId) : '/', { replace: true });
    },
    // Revoked or expired while the page was open.
    knownErrors: (error) => (error.code === 'not_found' ? 'auth.inviteInvalid' : undefined),
  });
  const vars = { workspace: invite.workspaceName, role: t(`roles.${invite.role}`), email: invite.email };

  return (
    <AuthLayout
      title={t('auth.inviteTitle', vars)}
      intro={`${t('auth.inviteIntro', vars)} ${t(invite.userExists ? 'auth.inviteExisting' : 'auth.inviteNew')}`}
    >
      <form onSubmit={form.handleSubmit} noValidate>
        <TextInput label={t('auth.email')} value={invite.email} readOnly autoComplete="username" mb="sm" />
        {!invite.userExists && (
          <TextInput label={t('auth.name')} autoComplete="name" required mb="sm" {...form.field('name')} />
        )}
        <PasswordField
          label={t('auth.password')}
          autoComplete={invite.userExists ? 'current-password' : 'new-password'}
          required
          mb="md"
          {...form.field('password')}
        />
        <FormAlert message={form.formError} />
        <Button type="submit" fullWidth mt="md" loading={form.submitting}>
          {t('auth.inviteSubmit')}
        </Button>
      </form>
    </AuthLayout>
  );
}
