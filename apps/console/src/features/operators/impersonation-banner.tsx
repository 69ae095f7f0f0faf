import { Alert, Button, Group, Text } from '@mantine/core';
import type { SessionInfo } from '@parley/contracts';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { useNow } from '../conversations/format.ts';
import { formatSeconds } from '../monitoring/format.ts';
import { useImpersonation } from './operators-api.ts';

/**
 * OPS-4: on every screen while impersonating: who is impersonated, by whom, until when, and the way
 * back. When the time is up the server has already ended it; the page reloads into the own session.
 */
export function ImpersonationBanner({ session, workspaceId }: { session: SessionInfo; workspaceId: string }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const impersonation = session.impersonation;
  const { end } = useImpersonation(workspaceId);
  const now = useNow(1000);
  const expiresAt = impersonation ? Date.parse(impersonation.expiresAt) : 0;
  useEffect(() => {
    if (!impersonation) return;
    const timer = setTimeout(() => window.location.assign('/'), Math.max(0, expiresAt - Date.now()) + 500);
    return () => clearTimeout(timer);
  }, [impersonation, expiresAt]);
  if (!impersonation) return null;
  return (
    <Alert
      color="red"
      variant="filled"
      radius={0}
      role="status"
      aria-live="polite"
      data-testid="impersonation-banner"
    >
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Text size="sm" fw={600}>
          {t('impersonation.banner', {
            name: session.user.name,
            impersonator: impersonation.impersonator.name,
            time: formatSeconds(Math.max(0, expiresAt - now)),
          })}
        </Text>
        <Button
          size="compact-sm"
          color="dark"
          loading={end.isPending}
          onClick={() => end.mutate(undefined, { onError: (error) => notify.error(error) })}
        >
          {t('impersonation.end')}
        </Button>
      </Group>
    </Alert>
  );
}
