import { Alert, Button, Group, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { usePermissions } from '../auth/session.ts';
import { inboxApi, useHelpRequests } from './inbox-api.ts';

/** OI-7: the conversation's latest help request, waiting or answered; a supervisor joins from here. */
export function HelpBanner({
  workspaceId,
  userId,
  conversationId,
}: {
  workspaceId: string;
  userId: string;
  conversationId: string;
}) {
  const { t } = useTranslation();
  const notify = useNotify();
  const requests = useHelpRequests(workspaceId, conversationId);
  const canMonitor = usePermissions(workspaceId).includes('monitor');
  const join = useMutation({
    mutationFn: (requestId: string) => inboxApi.joinHelp(workspaceId, requestId),
    onSuccess: () => notify.success(t('supervision.joined')),
    onError: notify.error,
  });
  const latest = requests.data?.[0];
  if (!latest) return null;
  const answered = latest.answeredBy !== null;
  return (
    <Alert
      color={answered ? 'teal' : 'grape'}
      variant="light"
      radius={0}
      py={8}
      style={{ flexShrink: 0 }}
      role="status"
      data-testid="help-banner"
      data-answered={answered || undefined}
    >
      <Group justify="space-between" gap="xs">
        <Text size="sm">
          {answered
            ? t('supervision.helpAnswered', { name: latest.answeredBy?.name ?? '' })
            : `${t('supervision.helpRequested', { name: latest.requestedBy.name })} — ${latest.message ?? t('supervision.helpWaiting')}`}
        </Text>
        {!answered && canMonitor && latest.requestedBy.id !== userId && (
          <Button
            size="compact-sm"
            color="grape"
            onClick={() => join.mutate(latest.id)}
            loading={join.isPending}
          >
            {t('supervision.join')}
          </Button>
        )}
      </Group>
    </Alert>
  );
}
