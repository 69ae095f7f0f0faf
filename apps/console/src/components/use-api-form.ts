import type { ErrorCode } from '@parley/contracts';
import { type ChangeEvent, type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client.ts';

/** Client-side checks name a translation key, so their text follows a language switch. */
export type ValidationKey =
  | 'errors.required'
  | 'errors.email'
  | 'errors.passwordLength'
  | 'errors.passwordsDiffer'
  | 'errors.weakPassword'
  | 'errors.network'
  | 'errors.unexpected'
  | `errors.api.${ErrorCode}`
  | 'account.wrongCurrentPassword';

/** A message is either ours (translated) or the server's (shown as sent). */
export type FormMessage = { key: ValidationKey } | { text: string };

type Values = Record<string, string>;
type Errors<V extends Values> = Partial<Record<keyof V, FormMessage>>;

export const required = (value: string): FormMessage | undefined =>
  value.trim() ? undefined : { key: 'errors.required' };

export const validEmail = (value: string): FormMessage | undefined =>
  required(value) ?? (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) ? undefined : { key: 'errors.email' });

export const validPassword = (value: string): FormMessage | undefined =>
  value.length >= 8 ? undefined : { key: 'errors.passwordLength' };

/**
 * Codes whose server message adds a detail worth showing as sent (which value is invalid, what it
 * conflicts with); every other code says all there is to say, so its text is ours, translated.
 */
const detailedCodes: readonly string[] = ['validation_failed', 'conflict'];

export function messageOf(error: unknown): FormMessage {
  if (isApiError(error, 'network_error')) return { key: 'errors.network' };
  if (!isApiError(error)) return { key: 'errors.unexpected' };
  if (detailedCodes.includes(error.code) && error.message) return { text: error.message };
  return { key: `errors.api.${error.code as ErrorCode}` };
}

export interface ApiFormOptions<V extends Values> {
  initialValues: V;
  validate?: (values: V) => Errors<V>;
  onSubmit: (values: V) => Promise<void>;
  /** A translation key for the server's 400 on a field, in place of its English message. */
  fieldErrors?: Partial<Record<keyof V & string, ValidationKey>>;
}

/**
 * Values, client checks and server errors of one form. A 400 naming a field lands on that field;
 * anything else is shown above the submit button.
 */
export function useApiForm<V extends Values>({
  initialValues,
  validate,
  onSubmit,
  fieldErrors,
}: ApiFormOptions<V>) {
  const { t } = useTranslation();
  const [values, setValues] = useState<V>(initialValues);
  const [errors, setErrors] = useState<Errors<V>>({});
  const [formError, setFormError] = useState<FormMessage | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const translate = (message: FormMessage | null | undefined): string | undefined => {
    if (!message) return undefined;
    return 'key' in message ? t(message.key) : message.text;
  };

  const setValue = <K extends keyof V & string>(name: K, value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors((current) => ({ ...current, [name]: undefined }));
  };

  const field = <K extends keyof V & string>(name: K) => ({
    name,
    value: values[name],
    error: translate(errors[name]),
    onChange: (event: ChangeEvent<HTMLInputElement>) => setValue(name, event.currentTarget.value),
  });

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    setFormError(null);
    const found: Errors<V> = validate?.(values) ?? {};
    const invalid = Object.keys(found).filter((key) => found[key as keyof V]);
    if (invalid.length > 0) {
      setErrors(found);
      event.currentTarget.querySelector<HTMLInputElement>(`[name="${invalid[0]}"]`)?.focus();
      return;
    }
    setSubmitting(true);
    try {
      await onSubmit(values);
    } catch (error) {
      if (isApiError(error) && error.status === 400 && error.field && error.field in values) {
        // A refused password is explained in the user's language; other server messages as sent.
        const key =
          error.code === 'weak_password'
            ? 'errors.weakPassword'
            : fieldErrors?.[error.field as keyof V & string];
        const message: FormMessage = key ? { key } : { text: error.message };
        setErrors({ [error.field]: message } as Errors<V>);
      } else {
        setFormError(messageOf(error));
      }
    } finally {
      setSubmitting(false);
    }
  };

  const reset = () => {
    setValues(initialValues);
    setErrors({});
    setFormError(null);
  };

  return { values, field, setValue, handleSubmit, submitting, formError: translate(formError), reset };
}

/** What to show for a failed request outside `useApiForm`: ours translated, the server's as sent. */
export function useErrorText(): (error: unknown) => string | undefined {
  const { t } = useTranslation();
  return (error) => {
    if (!error) return undefined;
    const message = messageOf(error);
    return 'key' in message ? t(message.key) : message.text;
  };
}
