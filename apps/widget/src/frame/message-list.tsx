import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import type { Messages } from '../i18n.ts';
import { CLOSED_AT_END } from './events.ts';
import { MessageItem } from './message-item.tsx';
import { type ChatMessage, isOwn } from './messages.ts';

export interface MessageListProps {
  t: Messages;
  lang: string;
  messages: ChatMessage[];
  hasMore: boolean;
  loadingOlder: boolean;
  closedAfter: string | null;
  /** Changes when the panel opens: the newest message is scrolled into view again. */
  open: boolean;
  onLoadOlder(): void;
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
}

const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 60;

/** The conversation log: keeps the newest message in view, loads older pages at the top without jumping. */
export function MessageList(props: MessageListProps) {
  const { t, messages, closedAfter, hasMore, loadingOlder } = props;
  const log = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  // Measured during render, i.e. before the DOM changes: what the previous render showed.
  const before = useRef({ firstKey: '', lastKey: '', height: 0, top: 0 });
  const timeFormat = useMemo(
    () => new Intl.DateTimeFormat(props.lang, { hour: 'numeric', minute: '2-digit' }),
    [props.lang],
  );

  const el = log.current;
  if (el) before.current = { ...before.current, height: el.scrollHeight, top: el.scrollTop };

  useLayoutEffect(() => {
    const node = log.current;
    if (!node) return;
    const first = messages[0]?.key ?? '';
    const last = messages.at(-1);
    const prev = before.current;
    const prepended =
      prev.firstKey !== '' && first !== prev.firstKey && messages.some((m) => m.key === prev.firstKey);
    const newLast = (last?.key ?? '') !== prev.lastKey;
    if (prepended && !newLast) {
      node.scrollTop = prev.top + (node.scrollHeight - prev.height);
    } else if (atBottom.current || (newLast && last && isOwn(last))) {
      node.scrollTop = node.scrollHeight;
      atBottom.current = true;
    }
    before.current = { ...prev, firstKey: first, lastKey: last?.key ?? '' };
  });

  // Opening the panel: the log had no size while hidden.
  useLayoutEffect(() => {
    const node = log.current;
    if (props.open && node && atBottom.current) node.scrollTop = node.scrollHeight;
  }, [props.open]);

  const onScroll = (): void => {
    const node = log.current;
    if (!node) return;
    atBottom.current = node.scrollHeight - node.scrollTop - node.clientHeight < NEAR_BOTTOM_PX;
    if (node.scrollTop < NEAR_TOP_PX && hasMore && !loadingOlder) props.onLoadOlder();
  };

  const closedNotice = (
    <p class="notice" key="closed">
      {t.closedNotice}
    </p>
  );

  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <div class="log" ref={log} role="log" aria-label={t.conversation} tabIndex={0} onScroll={onScroll}>
      {hasMore && (
        <button type="button" class="load-older" onClick={props.onLoadOlder} disabled={loadingOlder}>
          {loadingOlder ? t.loadingOlder : t.loadOlder}
        </button>
      )}
      {!hasMore && (
        <p class="message message--operator greeting">
          <span class="bubble">{t.greeting}</span>
        </p>
      )}
      {messages.map((message, index) => {
        const previous = messages[index - 1];
        const showAuthor =
          !previous ||
          previous.authorKind !== message.authorKind ||
          previous.authorName !== message.authorName;
        return [
          <MessageItem
            key={message.key}
            message={message}
            t={t}
            timeFormat={timeFormat}
            showAuthor={showAuthor}
            onRetry={props.onRetry}
            onDiscard={props.onDiscard}
          />,
          closedAfter === message.key ? closedNotice : null,
        ];
      })}
      {closedAfter === CLOSED_AT_END && closedNotice}
    </div>
  );
}
