import { Alert, Badge, Text } from '@mantine/core';
import type { Conversation } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { useFormatDuration, useFormatSince } from './format.ts';

/** ROUTE-6: arrived while its team was closed; a case to recover. */
export function OutOfHoursBadge({
  conversation: c,
  size = 'sm',
}: {
  conversation: Conversation;
  size?: 'xs' | 'sm';
}) {
  const { t } = useTranslation();
  if (!c.outOfHours) return null;
  return (
    <Badge color="grape" variant="light" size={size} tt="none" style={{ flexShrink: 0 }}>
      {t('routing.outOfHours')}
    </Badge>
  );
}

/** "In queue since 10:32 (5m)" while nobody has it; null otherwise. */
export function useQueuedText(): (c: Conversation, now: number) => string | null {
  const { t } = useTranslation();
  const since = useFormatSince();
  const formatDuration = useFormatDuration();
  return (c, now) => {
    if (!c.queuedAt || c.assigneeId !== null || c.status !== 'open') return null;
    return t('routing.inQueueSince', {
      time: since(c.queuedAt),
      duration: formatDuration(now - Date.parse(c.queuedAt)),
    });
  };
}

/** OI-6: the receiver sees who transferred the conversation, and their message. */
export function TransferBanner({ conversation: c }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const since = useFormatSince();
  const transfer = c.lastTransfer;
  if (!transfer) return null;
  const name = transfer.byName ?? t('transfer.bySystem');
  const message = transfer.message?.trim();
  return (
    <Alert
      color="indigo"
      variant="light"
      radius={0}
      py={8}
      style={{ flexShrink: 0 }}
      // Part of the conversation, not news: a note, read in order rather than announced.
      role="note"
      aria-label={t('transfer.bannerLabel')}
      data-testid="transfer-banner"
    >
      <Text size="sm">
        {message ? t('transfer.bannerWithMessage', { name, message }) : t('transfer.banner', { name })}{' '}
        <Text span size="xs" c="dimmed">
          · <time dateTime={transfer.at}>{since(transfer.at)}</time>
        </Text>
      </Text>
    </Alert>
  );
}
