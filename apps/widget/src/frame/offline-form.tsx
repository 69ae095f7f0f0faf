import { useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import type { ChatController } from './controller.ts';
import { friendlyError } from './errors.ts';
import { Field, fieldError } from './form-field.tsx';
import { cleanMessageText } from './messages.ts';
import { OUT_OF_HOURS_ID } from './notices.tsx';

export interface OfflineFormProps {
  chat: ChatController;
  /** The form is the panel's main content (nothing was written yet), not a footer under the log. */
  main?: boolean;
  /** Out of hours: the notice at the top already explains, and names the form. */
  closedHours?: boolean;
}

/** Shown instead of the composer when nobody can answer: the message is answered by e-mail. */
export function OfflineForm({ chat, main, closedHours }: OfflineFormProps) {
  const { t } = chat;
  const [name, setName] = useState(chat.state.contact.name ?? '');
  const [email, setEmail] = useState(chat.state.contact.email ?? '');
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(chat.state.offlineSent);
  const edit = (field: string, set: (value: string) => void) => (value: string) => {
    set(value);
    setErrors((e) => ({ ...e, [field]: null, form: null }));
  };

  if (sent) {
    return (
      <p class={main ? 'form form--main form-done' : 'form form-done'} role="status">
        {t.offlineThanks}
      </p>
    );
  }

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const checked = {
      name: fieldError(name, t, { required: true }),
      email: fieldError(email, t, { required: true, email: true }),
      message: fieldError(message, t, { required: true }),
    };
    setErrors(checked);
    if (checked.name || checked.email || checked.message || busy) return;
    setBusy(true);
    try {
      await chat.call('POST', 'offline', {
        name: name.trim(),
        email: email.trim(),
        message: cleanMessageText(message).trim(),
      });
      // In the store, not only here: the conversation the message makes re-renders the panel.
      chat.store.update((s) => ({
        offlineSent: true,
        contact: { ...s.contact, name: name.trim(), email: email.trim() },
      }));
      setSent(true);
    } catch (error) {
      const text = friendlyError(error, t);
      const field = error instanceof ApiError ? (error.field ?? '') : '';
      setErrors({ form: text, ...(field in checked ? { [field]: text } : {}) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class={main ? 'form form--main' : 'form'}
      onSubmit={submit}
      noValidate
      aria-labelledby={closedHours ? OUT_OF_HOURS_ID : 'offline-intro'}
    >
      {!closedHours && (
        <p class="form-intro" id="offline-intro">
          {t.offlineIntro}
        </p>
      )}
      <Field
        id="offline-name"
        label={t.name}
        value={name}
        onInput={edit('name', setName)}
        required
        autoComplete="name"
        error={errors.name}
        t={t}
      />
      <Field
        id="offline-email"
        label={t.email}
        type="email"
        value={email}
        onInput={edit('email', setEmail)}
        required
        autoComplete="email"
        error={errors.email}
        t={t}
      />
      <Field
        id="offline-message"
        label={t.messageLabel}
        value={message}
        onInput={edit('message', setMessage)}
        multiline
        required
        error={errors.message}
        t={t}
      />
      {errors.form && (
        <p class="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <button type="submit" class="primary-button" disabled={busy}>
        {t.sendMessage}
      </button>
    </form>
  );
}
