import type { Attachment } from '@parley/contracts';
import type { Messages } from '../i18n.ts';
import { renderMarkdown, renderMessage, safeHref } from './markdown.tsx';
import { type ChatMessage, type DisplayStatus, displayStatus, isOwn } from './messages.ts';

const statusText = (status: DisplayStatus, t: Messages): string =>
  ({
    sending: t.statusSending,
    waiting: t.statusWaiting,
    sent: t.statusSent,
    read: t.statusRead,
    failed: t.statusFailed,
  })[status];

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Images as thumbnails (opening the full file), anything else (PDF) as a download link. */
export function AttachmentView({ file, t }: { file: Attachment; t: Messages }) {
  const href = safeHref(new URL(file.url, window.location.href).href);
  if (!href) return <span class="file">{file.name}</span>;
  if (file.contentType.startsWith('image/')) {
    return (
      <a class="thumb" href={href} target="_blank" rel="noopener noreferrer nofollow">
        <img src={href} alt={`${t.attachment}: ${file.name}`} loading="lazy" />
      </a>
    );
  }
  return (
    <a class="file" href={href} target="_blank" rel="noopener noreferrer nofollow" download={file.name}>
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm7 1.5V9h5.5L13 3.5z" />
      </svg>
      <span>
        {file.name} <small>({sizeText(file.size)})</small>
      </span>
    </a>
  );
}

export interface MessageItemProps {
  message: ChatMessage;
  t: Messages;
  timeFormat: Intl.DateTimeFormat;
  /** Shows the author's name (first of a run of messages from the same author). */
  showAuthor: boolean;
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
}

function timeOf(message: ChatMessage, timeFormat: Intl.DateTimeFormat): string {
  const date = new Date(message.createdAt);
  return Number.isNaN(date.getTime()) ? '' : timeFormat.format(date);
}

/** A note from Parley itself ("Your operator is looking for information…"): centred, small, no bubble. */
export function SystemNote({
  message,
  timeFormat,
}: {
  message: ChatMessage;
  timeFormat: Intl.DateTimeFormat;
}) {
  const time = timeOf(message, timeFormat);
  return (
    <p class="message message--system" data-message-id={message.id ?? undefined}>
      <span class="system-text" dir="auto">
        {renderMarkdown(message.text)}
      </span>
      {time && (
        <time dateTime={message.createdAt}>
          <span aria-hidden="true"> · </span>
          {time}
        </time>
      )}
    </p>
  );
}

export function MessageItem({ message, t, timeFormat, showAuthor, onRetry, onDiscard }: MessageItemProps) {
  if (message.authorKind === 'system') return <SystemNote message={message} timeFormat={timeFormat} />;
  const own = isOwn(message);
  const { clientId } = message;
  const status = own ? displayStatus(message) : null;
  const author = own ? t.you : message.authorName || t.agent;
  const time = timeOf(message, timeFormat);
  return (
    <div
      class={`message message--${own ? 'visitor' : 'operator'}`}
      data-message-id={message.id ?? undefined}
      data-client-id={message.clientId ?? undefined}
      data-status={status ?? undefined}
    >
      {showAuthor && !own ? (
        <div class="author">{author}</div>
      ) : (
        <span class="visually-hidden">{author}: </span>
      )}
      {message.text && (
        <div class="bubble" dir="auto">
          {renderMessage(message.text)}
        </div>
      )}
      {message.attachments.length > 0 && (
        <div class="attachments">
          {message.attachments.map((file) => (
            <AttachmentView key={file.id} file={file} t={t} />
          ))}
        </div>
      )}
      <div class="meta">
        {time && <time dateTime={message.createdAt}>{time}</time>}
        {status && (
          <span class={`status status--${status}`}>
            {time && <span aria-hidden="true"> · </span>}
            {statusText(status, t)}
          </span>
        )}
        {/* Only a refused message is retried by hand: a waiting one is sent again by itself. */}
        {status === 'failed' && clientId && (
          <button type="button" class="link-button" onClick={() => onRetry(clientId)}>
            {t.retry}
          </button>
        )}
        {message.error && clientId && (
          <button type="button" class="link-button" onClick={() => onDiscard(clientId)}>
            {t.discard}
          </button>
        )}
      </div>
      {message.error && <div class="message-error">{message.error}</div>}
    </div>
  );
}
