import type { Messages } from '../i18n.ts';

export interface FieldProps {
  id: string;
  label: string;
  value: string;
  onInput(value: string): void;
  type?: 'text' | 'email';
  multiline?: boolean;
  required?: boolean;
  autoComplete?: string;
  error?: string | null;
  t: Messages;
}

/** A labelled input with its own error text (aria-invalid + aria-describedby). */
export function Field({
  id,
  label,
  value,
  onInput,
  type = 'text',
  multiline,
  required,
  autoComplete,
  error,
  t,
}: FieldProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [required ? '' : hintId, error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    value,
    required,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    class: 'field-input',
  };
  return (
    <div class="field">
      <label class="field-label" for={id}>
        {label}
      </label>
      {!required && (
        <span class="field-hint" id={hintId}>
          {t.optional}
        </span>
      )}
      {multiline ? (
        <textarea {...common} rows={4} maxLength={10_000} onInput={(e) => onInput(e.currentTarget.value)} />
      ) : type === 'email' ? (
        <input
          {...common}
          type="email"
          autoComplete={autoComplete}
          maxLength={254}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      ) : (
        <input
          {...common}
          type="text"
          autoComplete={autoComplete}
          maxLength={120}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      )}
      {error && (
        <span class="field-error" id={errorId}>
          {error}
        </span>
      )}
    </div>
  );
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Client-side checks before a form is sent; the server checks again. */
export function fieldError(
  value: string,
  t: Messages,
  options: { required?: boolean; email?: boolean },
): string | null {
  const trimmed = value.trim();
  if (!trimmed) return options.required ? t.errorRequired : null;
  if (options.email && !EMAIL.test(trimmed)) return t.errorInvalidEmail;
  return null;
}
