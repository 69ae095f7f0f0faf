import type { ErrorCode } from '@parley/contracts';
import type { ParseKeys, TFunction } from 'i18next';
import { type ChangeEvent, type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, isApiError } from '../api/client.ts';
import type { Translation } from '../i18n/locales/en.ts';

/** Messages name a translation key, so their text follows a language switch. */
export type ValidationKey = ParseKeys;

/**
 * Ours, by key. A server refusal we have no specific text for keeps the field it named (our text
 * names it) and, for the codes whose detail matters, the server's own words (`sent`, in English).
 * `values` fill the key's placeholders (the misspelt variable). `text` is for a message already in
 * the reader's language.
 */
export type FormMessage =
  | { key: ValidationKey; field?: string; sent?: string; values?: Record<string, string> }
  | { text: string };

/** Our text for a refusal a form expects (a taken address, an expired link), in place of the generic one. */
export type KnownErrors = (error: ApiError) => ValidationKey | undefined;

type Values = Record<string, string>;
type Errors<V extends Values> = Partial<Record<keyof V, FormMessage>>;

export const required = (value: string): FormMessage | undefined =>
  value.trim() ? undefined : { key: 'errors.required' };

export const validEmail = (value: string): FormMessage | undefined =>
  required(value) ?? (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) ? undefined : { key: 'errors.email' });

export const validPassword = (value: string): FormMessage | undefined =>
  value.length >= 8 ? undefined : { key: 'errors.passwordLength' };

/**
 * Codes whose server message adds a detail (which value is invalid, what it conflicts with): kept
 * for readers of English, while the others read our translation, which names the field.
 */
const detailedCodes: readonly string[] = ['validation_failed', 'conflict'];

/** The generic text of a code, as it reads when the server named the field. */
const namingKeys: Partial<Record<string, ValidationKey>> = {
  'errors.api.validation_failed': 'errors.fieldInvalid',
  'errors.api.conflict': 'errors.fieldConflict',
};

type FieldName = keyof Translation['errors']['fields'];

export function messageOf(error: unknown, known?: KnownErrors): FormMessage {
  if (isApiError(error, 'network_error')) return { key: 'errors.network' };
  if (!isApiError(error)) return { key: 'errors.unexpected' };
  const key = known?.(error);
  if (key) return { key };
  if (!detailedCodes.includes(error.code)) return { key: `errors.api.${error.code as ErrorCode}` };
  return {
    key: `errors.api.${error.code as ErrorCode}`,
    ...(error.field ? { field: error.field } : {}),
    ...(error.message ? { sent: error.message } : {}),
  };
}

/** A 400 or 409 that names one of `fields`: its message belongs under that field. */
export function refusedField<F extends string>(error: unknown, fields: readonly F[]): F | undefined {
  if (!isApiError(error) || (error.status !== 400 && error.status !== 409)) return undefined;
  return fields.find((name) => name === error.field);
}

/** The message under a refused field, which needs not name it: ours when known, else the code's. */
export function fieldMessageOf(error: unknown, known?: KnownErrors): FormMessage {
  if (!isApiError(error)) return messageOf(error, known);
  const key = known?.(error) ?? (error.code === 'weak_password' ? 'errors.weakPassword' : undefined);
  if (key) return { key };
  return {
    key: error.code === 'conflict' ? 'errors.valueConflict' : 'errors.valueInvalid',
    ...(error.message ? { sent: error.message } : {}),
  };
}

/** The text of a message, by `t` of the reader's `language`. */
export function textOf(message: FormMessage, t: TFunction, language: string | undefined): string {
  if ('text' in message) return message.text;
  // The server writes in English: to a reader of English its detail says more than our text.
  if (message.sent && language === 'en') return message.sent;
  const naming = message.field ? namingKeys[message.key] : undefined;
  // Placeholders are typed per key; a message's values are checked where it is made.
  if (message.values) return String(t(message.key as never, message.values as never));
  if (!naming || !message.field) return t(message.key);
  // `definition.questions.0.label` is part of the survey's questions: the top-level field is named.
  const top = message.field.split('.')[0] as FieldName;
  return t(naming, { field: t(`errors.fields.${top}`, { defaultValue: message.field }) });
}

/** The text of a message in the current language. */
export function useMessageText(): (message: FormMessage | null | undefined) => string | undefined {
  const { t, i18n } = useTranslation();
  return (message) => (message ? textOf(message, t, i18n.resolvedLanguage) : undefined);
}

export interface ApiFormOptions<V extends Values> {
  initialValues: V;
  validate?: (values: V) => Errors<V>;
  onSubmit: (values: V) => Promise<void>;
  /** Our text for the refusals this form expects, in place of the generic text of their code. */
  knownErrors?: KnownErrors;
}

/**
 * Values, client checks and server errors of one form. A 400 or 409 naming a field lands on that
 * field; anything else is shown above the submit button.
 */
export function useApiForm<V extends Values>({
  initialValues,
  validate,
  onSubmit,
  knownErrors,
}: ApiFormOptions<V>) {
  const text = useMessageText();
  const [values, setValues] = useState<V>(initialValues);
  const [errors, setErrors] = useState<Errors<V>>({});
  const [formError, setFormError] = useState<FormMessage | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const setValue = <K extends keyof V & string>(name: K, value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors((current) => ({ ...current, [name]: undefined }));
  };

  const field = <K extends keyof V & string>(name: K) => ({
    name,
    value: values[name],
    error: text(errors[name]),
    onChange: (event: ChangeEvent<HTMLInputElement>) => setValue(name, event.currentTarget.value),
  });

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const form = event.currentTarget;
    const focus = (name: string) => form.querySelector<HTMLInputElement>(`[name="${name}"]`)?.focus();
    setFormError(null);
    const found: Errors<V> = validate?.(values) ?? {};
    const invalid = Object.keys(found).filter((key) => found[key as keyof V]);
    if (invalid.length > 0) {
      setErrors(found);
      focus(invalid[0]!);
      return;
    }
    setSubmitting(true);
    try {
      await onSubmit(values);
    } catch (error) {
      const refused = refusedField(error, Object.keys(values));
      if (refused) {
        setErrors({ [refused]: fieldMessageOf(error, knownErrors) } as Errors<V>);
        focus(refused);
      } else {
        setFormError(messageOf(error, knownErrors));
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

  return { values, field, setValue, handleSubmit, submitting, formError: text(formError), reset };
}

/** What to show for a failed request outside `useApiForm`, in the user's language. */
export function useErrorText(): (error: unknown) => string | undefined {
  const text = useMessageText();
  return (error) => (error ? text(messageOf(error)) : undefined);
}
