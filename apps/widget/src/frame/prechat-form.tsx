import { useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import type { ChatController } from './controller.ts';
import { friendlyError } from './errors.ts';
import { Field, fieldError } from './form-field.tsx';

/** Asked before the first message when the workspace wants to know who is writing. */
export function PrechatForm({ chat, onDone }: { chat: ChatController; onDone(): void }) {
  const { t } = chat;
  const requireEmail = chat.state.settings?.prechat.requireEmail ?? false;
  const [name, setName] = useState(chat.state.contact.name ?? '');
  const [email, setEmail] = useState(chat.state.contact.email ?? '');
  const [errors, setErrors] = useState<{ name?: string | null; email?: string | null; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const edit = (field: 'name' | 'email', set: (value: string) => void) => (value: string) => {
    set(value);
    setErrors((e) => ({ ...e, [field]: null, form: undefined }));
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const checked = {
      name: fieldError(name, t, { required: true }),
      email: fieldError(email, t, { required: requireEmail, email: true }),
    };
    setErrors(checked);
    if (checked.name || checked.email || busy) return;
    setBusy(true);
    const body = { name: name.trim(), email: email.trim() || undefined };
    try {
      await chat.call('POST', 'prechat', body);
      chat.store.update((s) => ({
        contact: { ...s.contact, name: body.name, email: body.email ?? s.contact.email },
      }));
      onDone();
    } catch (error) {
      const message = friendlyError(error, t);
      const field = error instanceof ApiError ? error.field : undefined;
      setErrors({
        form: message,
        name: field === 'name' ? message : null,
        email: field === 'email' ? message : null,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" onSubmit={submit} noValidate aria-labelledby="prechat-intro">
      <p class="form-intro" id="prechat-intro">
        {t.prechatIntro}
      </p>
      <Field
        id="prechat-name"
        label={t.name}
        value={name}
        onInput={edit('name', setName)}
        required
        autoComplete="name"
        error={errors.name}
        t={t}
      />
      <Field
        id="prechat-email"
        label={t.email}
        type="email"
        value={email}
        onInput={edit('email', setEmail)}
        required={requireEmail}
        autoComplete="email"
        error={errors.email}
        t={t}
      />
      {errors.form && (
        <p class="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <button type="submit" class="primary-button" disabled={busy}>
        {t.startChat}
      </button>
    </form>
  );
}
