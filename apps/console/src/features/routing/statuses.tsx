import { Box } from '@mantine/core';
import { type BuiltInStatus, builtInStatuses } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import type { KnownRefusal } from '../../components/notify.ts';
import { useStatuses } from './routing-api.ts';

const builtIn = new Set<string>(builtInStatuses);
export const isBuiltInStatus = (status: string): status is BuiltInStatus => builtIn.has(status);

/** Green receives new conversations, grey has no console open, amber is present but unavailable. */
export function statusColor(status: string): string {
  if (status === 'connected') return 'green';
  if (status === 'disconnected') return 'gray';
  return 'yellow';
}

/** Translated names of built-in statuses and the workspace's own names of custom ones. */
export function useStatusLabel(workspaceId: string): (status: string) => string {
  const { t } = useTranslation();
  const custom = useStatuses(workspaceId);
  return (status) => {
    if (status === 'disconnected') return t('statuses.disconnected');
    if (isBuiltInStatus(status)) return t(`statuses.${status}`);
    const id = status.startsWith('custom:') ? status.slice('custom:'.length) : status;
    return custom.data?.find((s) => s.id === id)?.name ?? t('statuses.unknown');
  };
}

/** What someone's status reads as: "Signed out" without a live console, else the status's name. */
export function usePresenceLabel(
  workspaceId: string,
): (who: { status: string; signedIn: boolean }) => string {
  const { t } = useTranslation();
  const label = useStatusLabel(workspaceId);
  return (who) => (who.signedIn ? label(who.status) : t('members.signedOutStatus'));
}

/** Decorative: the status is always also said in words next to it. */
export function StatusDot({ status, size = 10 }: { status: string; size?: number }) {
  return (
    <Box
      component="span"
      aria-hidden="true"
      display="inline-block"
      w={size}
      h={size}
      bg={`${statusColor(status)}.6`}
      style={{ borderRadius: '50%', flexShrink: 0 }}
      data-status={status}
    />
  );
}

/**
 * A supervisor's status change refused because the operator has no live console (409 naming
 * `userId`): said in the console's words, naming them.
 */
export function useSignedOutRefusal(): (name: string) => KnownRefusal {
  const { t } = useTranslation();
  return (name) => (error) =>
    error.code === 'conflict' && error.field === 'userId' ? t('members.signedOut', { name }) : undefined;
}
