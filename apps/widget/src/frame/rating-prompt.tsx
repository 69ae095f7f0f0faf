import { useState } from 'preact/hooks';
import { format } from '../i18n.ts';
import { ApiError } from './api.ts';
import type { ChatController } from './controller.ts';
import { friendlyError } from './errors.ts';
import { cleanMessageText } from './messages.ts';
import { useStore } from './store.ts';

/** CSAT: once the conversation is closed, a 1–5 rating and (if the workspace wants it) a comment. */
export function RatingPrompt({ chat }: { chat: ChatController }) {
  const s = useStore(chat.store);
  const { t } = chat;
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** The prompt's last word for a conversation: thanks, or why it takes no (more) rating. */
  const [done, setDone] = useState<{ id: string; text: string } | null>(null);
  const [skipped, setSkipped] = useState<string | null>(null);
  const id = s.csat?.conversationId ?? null;

  if (done && done.id === s.conversation?.id && s.conversation.status === 'closed')
    return (
      <p class="notice rating-done" role="status">
        {done.text}
      </p>
    );
  if (
    !id ||
    !s.csat?.enabled ||
    s.conversation?.id !== id ||
    s.conversation.status !== 'closed' ||
    skipped === id
  )
    return null;

  const finish = (text: string): void => {
    setDone({ id, text });
    chat.store.update((st) => (st.csat ? { csat: { ...st.csat, conversationId: null } } : {}));
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (rating === null || busy) return;
    setBusy(true);
    setError(null);
    try {
      const text = cleanMessageText(comment).trim();
      await chat.call('POST', 'rating', { conversationId: id, rating, ...(text ? { comment: text } : {}) });
      finish(t.ratingThanks);
    } catch (failure) {
      const message = friendlyError(failure, t, { during: 'rating' });
      // Rated meanwhile (in another tab) or no longer asked for: the form has nothing left to send.
      if (failure instanceof ApiError && failure.code === 'conflict') finish(message);
      else setError(message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form rating" onSubmit={submit} noValidate>
      <fieldset class="choices choices--scale">
        <legend class="field-label">{t.ratingAsk}</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} class="choice choice--star">
            <input
              type="radio"
              name="csat"
              checked={rating === n}
              aria-label={format(t.surveyRating, { n })}
              onChange={() => setRating(n)}
            />
            <span aria-hidden="true">{rating !== null && n <= rating ? '★' : '☆'}</span>
          </label>
        ))}
      </fieldset>
      {s.csat.comment && rating !== null && (
        <div class="field">
          <label class="field-label" for="csat-comment">
            {t.ratingComment}
          </label>
          <span class="field-hint">{t.optional}</span>
          <textarea
            id="csat-comment"
            class="field-input"
            rows={2}
            maxLength={2000}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
        </div>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="survey-actions">
        <button type="button" class="link-button" onClick={() => setSkipped(id)}>
          {t.ratingSkip}
        </button>
        <button type="submit" class="primary-button" disabled={busy || rating === null}>
          {t.ratingSend}
        </button>
      </div>
    </form>
  );
}
