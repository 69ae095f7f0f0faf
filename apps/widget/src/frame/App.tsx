import { useEffect, useRef, useState } from 'preact/hooks';
import { format } from '../i18n.ts';
import { Composer } from './composer.tsx';
import type { ChatController } from './controller.ts';
import { EmailAsk } from './email-ask.tsx';
import { loadOlder } from './history.ts';
import { embedded, postToHost } from './host.ts';
import { MessageList } from './message-list.tsx';
import { isOwn } from './messages.ts';
import { AwayNotice, OutOfHoursNotice, QueueStatus } from './notices.tsx';
import { OfflineForm } from './offline-form.tsx';
import { PrechatForm } from './prechat-form.tsx';
import { subtitleText } from './queue.ts';
import { RatingPrompt } from './rating-prompt.tsx';
import { useStore } from './store.ts';
import { SurveyPanel } from './survey-panel.tsx';

export interface AppProps {
  chat: ChatController;
  lang: string;
}

const closeHost = (): void => postToHost({ source: 'parley', type: 'close' });

const ICON_CLOSE =
  'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z';

export function App({ chat, lang }: AppProps) {
  const s = useStore(chat.store);
  const { t } = chat;
  const composer = useRef<HTMLTextAreaElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const header = useRef<HTMLElement>(null);
  // Panels that slide over the chat (the survey) start below the header, so its close button stays.
  useEffect(() => {
    const el = header.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() =>
      panel.current?.style.setProperty('--header-height', `${el.offsetHeight}px`),
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Opened from the launcher: focus follows into the panel (only if the user moved focus here).
  useEffect(() => {
    if (!s.open || !document.hasFocus()) return;
    (composer.current ?? panel.current?.querySelector<HTMLElement>('.form input'))?.focus();
  }, [s.open]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape' && !event.defaultPrevented) closeHost();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // An open survey covers the chat below the header: what it covers is out of reach until it goes
  // (keyboard focus and screen readers would otherwise wander under it).
  const [surveyHidden, setSurveyHidden] = useState<string | null>(null);
  const survey = s.phase === 'ready' ? s.surveys[0] : undefined;
  const covered = survey !== undefined && surveyHidden !== survey.id;
  const focusComposer = (): void => {
    setTimeout(() => composer.current?.focus());
  };

  const settings = s.settings;
  // Out of hours the team is closed: the server then also says offline.
  const closedHours = settings?.outOfHours === true;
  const online = (settings?.online ?? true) && !closedHours;
  // Nobody can answer: the chat stays (the message waits for the next operator), unless the
  // workspace prefers the offline form.
  const away = Boolean(settings) && !online;
  const noChat = !s.conversation || s.conversation.status === 'closed';
  const offline = away && settings?.offlineForm === true && (noChat || s.offlineSent);
  const prechat = settings?.prechat.enabled && !s.contact.name && !s.contact.identified;
  const reconnecting = s.phase === 'ready' && s.wasLive && s.connection !== 'live';
  const askEmail = away && !offline && !noChat && !s.contact.email && s.messages.some(isOwn);

  // Away and nothing written yet: the offline form is the whole panel.
  const offlineOnly = offline && s.messages.length === 0;
  let footer = null;
  if (s.phase === 'ready' && settings && !offlineOnly) {
    // The rating prompt comes first in every variant, so it keeps what the visitor chose when the
    // team's availability flips (the offline form replacing the composer) while they rate.
    const rating = <RatingPrompt chat={chat} />;
    if (offline)
      footer = (
        <>
          {rating}
          <OfflineForm chat={chat} closedHours={closedHours} />
        </>
      );
    else if (prechat)
      footer = (
        <>
          {rating}
          <PrechatForm chat={chat} onDone={focusComposer} />
        </>
      );
    else
      footer = (
        <>
          {rating}
          {askEmail && <EmailAsk chat={chat} />}
          <Composer chat={chat} inputRef={composer} />
        </>
      );
  }

  return (
    <div class="panel" ref={panel}>
      <header class="header" ref={header}>
        <div class="heading">
          <h1 class="title">{settings?.name || t.title}</h1>
          <p class="subtitle">
            <span class={online ? 'presence presence--on' : 'presence'} aria-hidden="true" />
            {subtitleText(t, { online, closedHours, place: s.queue })}
          </p>
        </div>
        {embedded && (
          <button type="button" class="icon-button" aria-label={t.close} title={t.close} onClick={closeHost}>
            <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d={ICON_CLOSE} />
            </svg>
          </button>
        )}
      </header>

      <div class="panel-body" inert={covered}>
        {closedHours && <OutOfHoursNotice t={t} message={settings?.outOfHoursMessage} />}
        {away && !closedHours && !offline && <AwayNotice t={t} />}
        {/* A message left in the offline form is answered by e-mail: no place in a queue to wait in.
            While nobody can answer, the place stays but no wait is promised: the estimate counts on
            operators who are not there. */}
        {!offline && (
          <QueueStatus t={t} place={away && s.queue ? { ...s.queue, estimatedWaitSeconds: null } : s.queue} />
        )}

        <div class="banner" role="status">
          {s.phase === 'loading' && t.connecting}
          {reconnecting && t.reconnecting}
        </div>

        {offlineOnly ? (
          <OfflineForm chat={chat} main closedHours={closedHours} />
        ) : s.phase === 'failed' ? (
          <div class="failed">
            <p role="alert">{s.fatal ?? t.loadFailed}</p>
            <button
              type="button"
              class="primary-button"
              onClick={() => {
                chat.store.update({ phase: 'loading' });
                void chat.start();
              }}
            >
              {t.tryAgain}
            </button>
          </div>
        ) : (
          <MessageList
            t={t}
            lang={lang}
            messages={s.messages}
            hasMore={s.hasMore}
            loadingOlder={s.loadingOlder}
            closedAfter={s.closedAfter}
            open={s.open}
            onLoadOlder={() => void loadOlder(chat)}
            onRetry={(clientId) => chat.sender?.retry(clientId)}
            onDiscard={(clientId) => chat.sender?.discard(clientId)}
          />
        )}

        <div class="typing" aria-live="polite">
          {s.typing && (
            <>
              <span class="dots" aria-hidden="true">
                <span />
                <span />
                <span />
              </span>
              {format(t.typing, { name: s.typing })}
            </>
          )}
        </div>

        {s.alert && (
          <div class="alert" role="alert">
            <span>{s.alert}</span>
            <button
              type="button"
              class="alert-close"
              aria-label={t.dismiss}
              onClick={() => chat.store.update({ alert: null })}
            >
              ×
            </button>
          </div>
        )}

        {footer}
      </div>
      {s.phase === 'ready' && (
        <SurveyPanel
          chat={chat}
          lang={lang}
          hidden={surveyHidden}
          setHidden={setSurveyHidden}
          onClosed={focusComposer}
        />
      )}
    </div>
  );
}
