import { Alert, Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { WorkspaceMembership } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { InviteForm } from './invite-form.tsx';
import { InvitesTable } from './invites-table.tsx';
import { useInvites, useMemberMutations, useMembers } from './members-api.ts';
import { MembersTable } from './members-table.tsx';

export interface MembersPageProps {
  membership: WorkspaceMembership;
  userId: string;
}

export function MembersPage({ membership, userId }: MembersPageProps) {
  const { t } = useTranslation();
  useDocumentTitle(`${t('members.title')} · ${membership.name} · ${t('common.appName')}`);
  const allowed = membership.permissions.includes('members.manage');
  return (
    <Stack gap="lg" maw={1100}>
      <Title order={1} size="h2">
        {t('members.title')}
      </Title>
      {allowed ? (
        <ManageMembers membership={membership} userId={userId} />
      ) : (
        <Alert color="gray">{t('members.forbidden')}</Alert>
      )}
    </Stack>
  );
}

function ManageMembers({ membership, userId }: MembersPageProps) {
  const members = useMembers(membership.id);
  const invites = useInvites(membership.id);
  const mutations = useMemberMutations(membership.id);
  if (members.isPending || invites.isPending) return <PageLoader />;
  if (members.isError || invites.isError) {
    return (
      <LoadError
        onRetry={() => {
          void members.refetch();
          void invites.refetch();
        }}
      />
    );
  }
  return (
    <>
      <InviteForm
        workspaceId={membership.id}
        myRole={membership.role}
        members={members.data}
        invites={invites.data}
        onCreated={mutations.refreshInvites}
      />
      <InvitesTable invites={invites.data} revoke={mutations.revokeInvite} />
      <MembersTable
        workspaceId={membership.id}
        canSetStatus={membership.permissions.includes('operators.manage')}
        members={members.data}
        myRole={membership.role}
        userId={userId}
        mutations={mutations}
      />
    </>
  );
}
