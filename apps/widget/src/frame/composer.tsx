import type { Attachment } from '@parley/contracts';
import { useRef, useState } from 'preact/hooks';
import { format } from '../i18n.ts';
import type { ChatController } from './controller.ts';
import { EmojiPicker } from './emoji-picker.tsx';
import { friendlyError } from './errors.ts';
import { cleanMessageText } from './messages.ts';
import { checkFile, uploadFile } from './uploads.ts';

const MAX_ATTACHMENTS = 10;

interface Upload {
  key: string;
  name: string;
  file?: Attachment;
}

/** The message box: text (Enter sends, Shift+Enter breaks the line), emoji, attachments, Send. */
export function Composer({
  chat,
  inputRef,
}: {
  chat: ChatController;
  inputRef: { current: HTMLTextAreaElement | null };
}) {
  const { t } = chat;
  const limits = chat.state.settings?.attachments;
  const [draft, setDraft] = useState('');
  const [uploads, setUploads] = useState<Upload[]>([]);
  const counter = useRef(0);
  const uploading = uploads.some((u) => !u.file);
  const alert = (message: string | null): void => chat.store.update({ alert: message });

  const send = (): void => {
    const text = cleanMessageText(draft).trim();
    const files = uploads.flatMap((u) => (u.file ? [u.file] : []));
    if ((!text && files.length === 0) || uploading) return;
    chat.sender?.send(text, files);
    setDraft('');
    setUploads([]);
    alert(null);
    inputRef.current?.focus();
  };

  const insert = (emoji: string): void => {
    const input = inputRef.current;
    const start = input?.selectionStart ?? draft.length;
    const end = input?.selectionEnd ?? draft.length;
    setDraft(draft.slice(0, start) + emoji + draft.slice(end));
    requestAnimationFrame(() => {
      input?.focus();
      input?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };

  const attach = async (file: File): Promise<void> => {
    if (!limits) return;
    const problem =
      uploads.length >= MAX_ATTACHMENTS
        ? format(t.tooManyFiles, { count: MAX_ATTACHMENTS })
        : checkFile(file, limits, t);
    if (problem) return alert(problem);
    alert(null);
    counter.current += 1;
    const key = String(counter.current);
    setUploads((list) => [...list, { key, name: file.name }]);
    try {
      const uploaded = await uploadFile(chat, file);
      setUploads((list) => list.map((u) => (u.key === key ? { ...u, file: uploaded } : u)));
    } catch (error) {
      setUploads((list) => list.filter((u) => u.key !== key));
      alert(friendlyError(error, t, { during: 'upload', maxBytes: limits.maxBytes }));
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      {uploads.length > 0 && (
        <ul class="uploads">
          {uploads.map((u) => (
            <li key={u.key} class={u.file ? 'chip' : 'chip chip--busy'}>
              <span class="chip-name">{u.file ? u.name : format(t.uploading, { name: u.name })}</span>
              {u.file && (
                <button
                  type="button"
                  class="chip-remove"
                  aria-label={format(t.remove, { name: u.name })}
                  onClick={() => setUploads((list) => list.filter((x) => x.key !== u.key))}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div class="composer-row">
        <label class="visually-hidden" for="composer-input">
          {t.messageLabel}
        </label>
        <textarea
          id="composer-input"
          ref={inputRef}
          class="composer-input"
          dir="auto"
          rows={1}
          maxLength={10_000}
          placeholder={t.placeholder}
          value={draft}
          onInput={(event) => {
            setDraft(event.currentTarget.value);
            if (event.currentTarget.value.trim()) chat.typing.input();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <EmojiPicker t={t} onPick={insert} />
        {limits && (
          <span class="tool-button attach" title={t.attach}>
            <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z" />
            </svg>
            {/* The input itself is the (transparent) button, so it is one control for people and for tests. */}
            <input
              type="file"
              class="attach-input"
              aria-label={t.attach}
              accept={limits.contentTypes.join(',')}
              onChange={(event) => {
                const input = event.currentTarget;
                const file = input.files?.[0];
                input.value = '';
                if (file) void attach(file);
              }}
            />
          </span>
        )}
        <button type="submit" class="send-button" aria-label={t.send} title={t.send} disabled={uploading}>
          <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
          </svg>
        </button>
      </div>
    </form>
  );
}
