import {
  Alert,
  Button,
  CopyButton,
  Group,
  MultiSelect,
  Paper,
  Select,
  Stack,
  TextInput,
  Title,
} from '@mantine/core';
import {
  canAssignRole,
  type GrantablePermission,
  grantablePermissions,
  type Invite,
  type Member,
  type Role,
  roles,
} from '@parley/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../../components/form-alert.tsx';
import { useApiForm, validEmail } from '../../components/use-api-form.ts';
import { createInvite } from './members-api.ts';

export interface InviteFormProps {
  workspaceId: string;
  myRole: Role;
  /** Who is in and who is invited already, to say which of the two a refused address is. */
  members: Member[];
  invites: Invite[];
  onCreated: () => void;
}

/** Absolute, so it can be pasted into any chat or e-mail. */
const absolute = (url: string) => new URL(url, window.location.origin).toString();

export function InviteForm({ workspaceId, myRole, members, invites, onCreated }: InviteFormProps) {
  const { t } = useTranslation();
  const [permissions, setPermissions] = useState<GrantablePermission[]>([]);
  const [created, setCreated] = useState<Invite | null>(null);
  const form = useApiForm({
    initialValues: { email: '', role: 'operator' },
    validate: (v) => ({ email: validEmail(v.email) }),
    onSubmit: async ({ email, role }) => {
      const invite = await createInvite(workspaceId, {
        email: email.trim(),
        role: role as Role,
        permissions,
      });
      setCreated(invite);
      setPermissions([]);
      form.reset();
      onCreated();
    },
    knownErrors: (error) => {
      if (error.code !== 'conflict' || error.field !== 'email') return undefined;
      const email = form.values.email.trim().toLowerCase();
      if (invites.some((i) => i.email.toLowerCase() === email)) return 'members.alreadyInvited';
      if (members.some((m) => m.email.toLowerCase() === email)) return 'members.alreadyMember';
      // Our lists lag behind the server's (someone invited them a moment ago): it is one or the other.
      return 'members.emailTaken';
    },
  });
  const roleOptions = roles
    .filter((r) => canAssignRole(myRole, r))
    .map((r) => ({ value: r, label: t(`roles.${r}`) }));
  const permissionOptions = grantablePermissions.map((p) => ({ value: p, label: t(`permissions.${p}`) }));

  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        {t('members.inviteTitle')}
      </Title>
      <form onSubmit={form.handleSubmit} noValidate>
        <Group align="flex-start" grow preventGrowOverflow={false} wrap="wrap">
          <TextInput
            label={t('members.email')}
            type="email"
            autoComplete="off"
            required
            miw={220}
            {...form.field('email')}
          />
          <Select
            label={t('members.role')}
            data={roleOptions}
            value={form.values.role}
            onChange={(value) => value && form.setValue('role', value)}
            allowDeselect={false}
            miw={160}
          />
          <MultiSelect
            label={t('members.permissions')}
            data={permissionOptions}
            value={permissions}
            onChange={(values) => setPermissions(values as GrantablePermission[])}
            clearable
            miw={220}
          />
        </Group>
        <Stack mt="md" gap="sm">
          <FormAlert message={form.formError} />
          <Group justify="flex-end">
            <Button type="submit" loading={form.submitting}>
              {t('members.inviteSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
      {created?.url && <CreatedInvite email={created.email} url={absolute(created.url)} />}
    </Paper>
  );
}

function CreatedInvite({ email, url }: { email: string; url: string }) {
  const { t } = useTranslation();
  return (
    <Alert color="teal" mt="md" role="status" title={t('members.inviteCreated', { email })}>
      <Group align="flex-end" wrap="nowrap">
        <TextInput
          label={t('members.inviteLink')}
          value={url}
          readOnly
          flex={1}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton value={url}>
          {({ copied, copy }) => (
            <Button variant={copied ? 'filled' : 'light'} color="teal" onClick={copy}>
              {copied ? t('members.copied') : t('members.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Alert>
  );
}
