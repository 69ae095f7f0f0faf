import type { SurveyQuestion, WidgetSurvey } from '@parley/contracts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { format, type Messages } from '../i18n.ts';
import type { ChatController } from './controller.ts';
import { friendlyError } from './errors.ts';
import { cleanMessageText } from './messages.ts';
import { useStore } from './store.ts';
import { pick } from './tools.ts';

type Value = number | string | null;

/**
 * A survey the operator sent (OI-7): opens in a side panel over the chat; "Later" folds it into a
 * button, and one still unanswered opens again on the next visit.
 */
export function SurveyPanel({
  chat,
  lang,
  hidden,
  setHidden,
  onClosed,
}: {
  chat: ChatController;
  lang: string;
  /** The survey folded into its button by "Later" (kept by the panel, which makes the chat inert under an open one). */
  hidden: string | null;
  setHidden(id: string | null): void;
  /** The survey form went away (answered or put off): focus goes back to the chat. */
  onClosed(): void;
}) {
  const s = useStore(chat.store);
  const [thanks, setThanks] = useState(false);
  const survey = s.surveys[0];
  if (thanks)
    return (
      <p class="notice survey-thanks" role="status">
        {chat.t.surveyThanks}
      </p>
    );
  if (!survey) return null;
  if (hidden === survey.id)
    return (
      <button type="button" class="survey-reopen" onClick={() => setHidden(null)}>
        {chat.t.surveyOpen}
      </button>
    );
  return (
    <SurveyForm
      key={survey.id}
      chat={chat}
      lang={lang}
      survey={survey}
      onLater={() => {
        setHidden(survey.id);
        onClosed();
      }}
      onDone={() => {
        chat.store.update((st) => ({ surveys: st.surveys.filter((x) => x.id !== survey.id) }));
        setThanks(true);
        setTimeout(() => setThanks(false), 4000);
        onClosed();
      }}
    />
  );
}

function SurveyForm({
  chat,
  lang,
  survey,
  onLater,
  onDone,
}: {
  chat: ChatController;
  lang: string;
  survey: WidgetSurvey;
  onLater(): void;
  onDone(): void;
}) {
  const { t } = chat;
  const [values, setValues] = useState<Record<string, Value>>({});
  const [missing, setMissing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const { questions } = survey.definition;

  useEffect(() => heading.current?.focus(), []);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const empty = questions.find((q) => q.required && (values[q.id] ?? '') === '');
    setMissing(empty?.id ?? null);
    if (empty || busy) return;
    setBusy(true);
    setError(null);
    try {
      await chat.call('POST', `surveys/${survey.id}/answers`, {
        answers: questions.map((q) => {
          const value = values[q.id] ?? null;
          return { questionId: q.id, value: typeof value === 'string' ? cleanMessageText(value) : value };
        }),
      });
      onDone();
    } catch (failure) {
      setError(friendlyError(failure, t, { during: 'survey' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside class="survey" aria-labelledby="survey-title">
      <form class="form form--main survey-form" onSubmit={submit} noValidate>
        <h2 class="survey-title" id="survey-title" tabIndex={-1} ref={heading}>
          {pick(survey.definition.title, lang)}
        </h2>
        {questions.map((q) => (
          <Question
            key={q.id}
            q={q}
            lang={lang}
            t={t}
            value={values[q.id] ?? null}
            missing={missing === q.id}
            onChange={(v) => {
              setValues((cur) => ({ ...cur, [q.id]: v }));
              if (missing === q.id) setMissing(null);
            }}
          />
        ))}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="survey-actions">
          <button type="button" class="link-button" onClick={onLater}>
            {t.surveyLater}
          </button>
          <button type="submit" class="primary-button" disabled={busy}>
            {t.surveySubmit}
          </button>
        </div>
      </form>
    </aside>
  );
}

function Question({
  q,
  lang,
  t,
  value,
  missing,
  onChange,
}: {
  q: SurveyQuestion;
  lang: string;
  t: Messages;
  value: Value;
  missing: boolean;
  onChange(value: Value): void;
}) {
  const label = pick(q.label, lang);
  const errorId = `q-${q.id}-error`;
  const error = missing && (
    <p class="field-error" id={errorId} role="alert">
      {t.errorRequired}
    </p>
  );
  const legend = (
    <legend class="field-label">
      {label}
      {q.required && <span class="field-hint"> ({t.surveyRequired})</span>}
    </legend>
  );
  if (q.kind === 'text') {
    const id = `q-${q.id}`;
    return (
      <div class="field">
        <label class="field-label" for={id}>
          {label}
          {q.required && <span class="field-hint"> ({t.surveyRequired})</span>}
        </label>
        <textarea
          id={id}
          class="field-input"
          rows={3}
          maxLength={2000}
          value={(value as string | null) ?? ''}
          aria-invalid={missing || undefined}
          aria-describedby={missing ? errorId : undefined}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
        {error}
      </div>
    );
  }
  const choices =
    q.kind === 'rating'
      ? [1, 2, 3, 4, 5].map((n) => ({
          value: n as Value,
          text: String(n),
          label: format(t.surveyRating, { n }),
        }))
      : q.options.map((o) => ({ value: o.id as Value, text: pick(o.label, lang), label: undefined }));
  return (
    <fieldset
      class={q.kind === 'rating' ? 'choices choices--scale' : 'choices'}
      aria-invalid={missing || undefined}
      aria-describedby={missing ? errorId : undefined}
    >
      {legend}
      {choices.map((c) => (
        <label key={String(c.value)} class="choice">
          <input
            type="radio"
            name={`q-${q.id}`}
            checked={value === c.value}
            aria-label={c.label}
            onChange={() => onChange(c.value)}
          />
          <span>{c.text}</span>
        </label>
      ))}
      {error}
    </fieldset>
  );
}
