import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RealtimeState } from './use-realtime.ts';

export function ConnectionStatus({ status, wasLive }: RealtimeState) {
  const { t } = useTranslation();
  const [color, label] =
    status === 'live'
      ? ['teal', t('shell.live')]
      : status === 'unauthorized'
        ? ['gray', t('shell.offline')]
        : ['orange', wasLive ? t('shell.reconnecting') : t('shell.connecting')];
  return (
    // Never shortened by a crowded header: "En dir…" said nothing.
    <Badge
      role="status"
      variant="dot"
      color={color}
      size="sm"
      tt="none"
      visibleFrom="xs"
      style={{ flexShrink: 0 }}
    >
      {label}
    </Badge>
  );
}
