import { Button } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { desktopNotificationsSupported } from './alerts.ts';

/** Asks for the desktop notification permission; only shown while the browser has not been asked. */
export function NotificationsButton() {
  const { t } = useTranslation();
  const [permission, setPermission] = useState(() =>
    desktopNotificationsSupported() ? Notification.permission : 'denied',
  );
  if (permission !== 'default') return null;
  return (
    <Button
      size="compact-xs"
      variant="subtle"
      style={{ alignSelf: 'flex-start' }}
      onClick={() => {
        void Notification.requestPermission().then(setPermission);
      }}
    >
      {t('conversations.enableNotifications')}
    </Button>
  );
}
