import { notifications } from '@mantine/notifications';
import { type ApiError, isApiError } from '../api/client.ts';
import { messageOf, useMessageText } from './use-api-form.ts';

/** Our own text, in the reader's language, for a refusal an action expects. */
export type KnownRefusal = (error: ApiError) => string | undefined;

/** Toasts for actions that have no form to show their outcome in. */
export function useNotify() {
  const text = useMessageText();
  const error = (error: unknown) => notifications.show({ color: 'red', message: text(messageOf(error)) });
  return {
    success: (message: string) => notifications.show({ color: 'teal', message, autoClose: 3000 }),
    error,
    /** `error`, but with our text for the refusals `known` names. */
    errorWith: (known: KnownRefusal) => (failure: unknown) => {
      const ours = isApiError(failure) ? known(failure) : undefined;
      if (ours) notifications.show({ color: 'red', message: ours });
      else error(failure);
    },
  };
}
