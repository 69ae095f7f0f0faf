import { notifications } from '@mantine/notifications';
import { messageOf, useMessageText } from './use-api-form.ts';

/** Toasts for actions that have no form to show their outcome in. */
export function useNotify() {
  const text = useMessageText();
  return {
    success: (message: string) => notifications.show({ color: 'teal', message, autoClose: 3000 }),
    error: (error: unknown) => notifications.show({ color: 'red', message: text(messageOf(error)) }),
  };
}
