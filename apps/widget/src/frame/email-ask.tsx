import { useState } from 'preact/hooks';
import { format } from '../i18n.ts';
import type { ChatController } from './controller.ts';
import { friendlyError } from './errors.ts';
import { fieldError } from './form-field.tsx';

/**
 * Nobody can answer now and the visitor wrote anyway: the chat waits for an operator, and the reply
 * can also go by e-mail. One field, stored on the contact.
 */
export function EmailAsk({ chat }: { chat: ChatController }) {
  const { t } = chat;
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  if (saved) {
    return (
      <p class="email-ask email-ask--done" role="status">
        {format(t.emailAskThanks, { email: saved })}
      </p>
    );
  }

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const problem = fieldError(email, t, { required: true, email: true });
    setError(problem);
    if (problem || busy) return;
    setBusy(true);
    const value = email.trim();
    try {
      await chat.call('POST', 'email', { email: value });
      // Kept here, not in the store's contact: the thanks stays in view until the next session.
      setSaved(value);
    } catch (failure) {
      setError(friendlyError(failure, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="email-ask" onSubmit={submit} noValidate aria-labelledby="email-ask-intro">
      <p class="email-ask-intro" id="email-ask-intro">
        {t.emailAskIntro}
      </p>
      <div class="email-ask-row">
        <label class="visually-hidden" for="email-ask-input">
          {t.email}
        </label>
        <input
          id="email-ask-input"
          class="field-input"
          type="email"
          autoComplete="email"
          maxLength={254}
          placeholder={t.emailPlaceholder}
          value={email}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'email-ask-error' : undefined}
          onInput={(e) => {
            setEmail(e.currentTarget.value);
            setError(null);
          }}
        />
        <button type="submit" class="primary-button" disabled={busy}>
          {t.emailAskSave}
        </button>
      </div>
      {error && (
        <p class="field-error" id="email-ask-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
