import { useEffect, useRef, useState } from 'preact/hooks';
import type { Messages } from '../i18n.ts';
import { embedded, onHostMessage, postToHost } from './host.ts';

interface LocalMessage {
  id: number;
  text: string;
}

export interface AppProps {
  t: Messages;
  /** Workspace key from the embed tag; the title and the connection will come from it later. */
  workspace: string;
}

const closeHost = (): void => postToHost({ source: 'parley', type: 'close' });

export function App({ t, workspace }: AppProps) {
  const [draft, setDraft] = useState('');
  const [sent, setSent] = useState<LocalMessage[]>([]);
  const composer = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLDivElement>(null);

  // The loader says "open": take focus only if the user moved focus into the panel.
  useEffect(
    () =>
      onHostMessage((message) => {
        if (message.type === 'open' && document.hasFocus()) composer.current?.focus();
      }),
    [],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') closeHost();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // Keep the newest message in view.
  useEffect(() => {
    const el = log.current;
    if (el && sent.length > 0) el.scrollTop = el.scrollHeight;
  }, [sent]);

  // Local echo only: real messaging arrives with the realtime connection.
  const send = (): void => {
    const text = draft.trim();
    if (!text) return;
    setSent((list) => [...list, { id: list.length + 1, text }]);
    setDraft('');
    composer.current?.focus();
  };

  return (
    <div class="panel" data-workspace={workspace}>
      <header class="header">
        <div class="heading">
          <h1 class="title">{t.title}</h1>
          <p class="subtitle">{t.subtitle}</p>
        </div>
        {embedded && (
          <button type="button" class="icon-button" aria-label={t.close} title={t.close} onClick={closeHost}>
            <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z" />
            </svg>
          </button>
        )}
      </header>

      <div class="log" ref={log} role="log" aria-label={t.conversation}>
        <p class="message message--operator">{t.greeting}</p>
        {sent.map((message) => (
          <p key={message.id} class="message message--visitor">
            <span class="visually-hidden">{t.you}: </span>
            {message.text}
          </p>
        ))}
      </div>

      <form
        class="composer"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <label class="visually-hidden" for="composer-input">
          {t.messageLabel}
        </label>
        <textarea
          id="composer-input"
          ref={composer}
          class="composer-input"
          rows={1}
          placeholder={t.placeholder}
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" class="send-button">
          {t.send}
        </button>
      </form>
    </div>
  );
}
