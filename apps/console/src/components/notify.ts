import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { messageOf } from './use-api-form.ts';

/** Toasts for actions that have no form to show their outcome in. */
export function useNotify() {
  const { t } = useTranslation();
  return {
    success: (message: string) => notifications.show({ color: 'teal', message, autoClose: 3000 }),
    error: (error: unknown) => {
      const message = messageOf(error);
      notifications.show({ color: 'red', message: 'key' in message ? t(message.key) : message.text });
    },
  };
}
