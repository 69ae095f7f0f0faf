import type { Attachment, AuthorKind, WidgetMessage } from '@parley/contracts';

/**
 * `waiting`: the server could not be reached (network or server down) and the widget sends it again by
 * itself; `failed`: the server refused it, and only the visitor's Retry sends it again. `read` is not a
 * state of its own: a sent message is read once `readAt` is set.
 */
export type SendState = 'sending' | 'waiting' | 'sent' | 'failed';

/** A message on screen: from the server, or the visitor's own one not confirmed yet (`id` null). */
export interface ChatMessage {
  /** Stable across confirmation, so the element is not re-created when the server echoes it. */
  key: string;
  id: string | null;
  /** The server's order of messages (see the contract); absent while the visitor's own one is unconfirmed. */
  seq?: number;
  clientId: string | null;
  authorKind: AuthorKind;
  authorName: string | null;
  text: string;
  attachments: Attachment[];
  createdAt: string;
  readAt: string | null;
  state: SendState;
  /** Why a failed message was refused (not set while waiting: those are retried by themselves). */
  error?: string;
}

export type DisplayStatus = 'sending' | 'waiting' | 'sent' | 'read' | 'failed';

export const isOwn = (message: Pick<ChatMessage, 'authorKind'>): boolean => message.authorKind === 'contact';

export function displayStatus(message: ChatMessage): DisplayStatus {
  if (message.state !== 'sent') return message.state;
  return message.readAt ? 'read' : 'sent';
}

export function fromServer(message: WidgetMessage): ChatMessage {
  return {
    key: message.clientId ? `c:${message.clientId}` : `i:${message.id}`,
    id: message.id,
    seq: message.seq,
    clientId: message.clientId,
    authorKind: message.authorKind,
    authorName: message.authorName,
    text: message.text,
    attachments: message.attachments ?? [],
    createdAt: message.createdAt,
    readAt: message.readAt,
    state: 'sent',
  };
}

const time = (iso: string): number => {
  const value = Date.parse(iso);
  return Number.isNaN(value) ? 0 : value;
};

const later = (a: string | null, b: string | null): string | null => {
  if (!a) return b;
  if (!b) return a;
  return time(a) >= time(b) ? a : b;
};

/** Confirmed messages in server order (sequence, then time for older ones), then the visitor's unconfirmed ones in the order they were written. */
function compare(a: ChatMessage, b: ChatMessage): number {
  if ((a.id === null) !== (b.id === null)) return a.id === null ? 1 : -1;
  const bySeq = (a.seq ?? 0) - (b.seq ?? 0);
  if (bySeq !== 0 && a.id !== null) return bySeq;
  const byTime = time(a.createdAt) - time(b.createdAt);
  if (byTime !== 0 || a.id === null || b.id === null) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function findIndex(list: readonly ChatMessage[], incoming: ChatMessage): number {
  return list.findIndex(
    (m) =>
      (incoming.id !== null && m.id === incoming.id) ||
      (incoming.clientId !== null &&
        m.clientId === incoming.clientId &&
        m.authorKind === incoming.authorKind),
  );
}

/**
 * Merges messages by id and by clientId: the echo of the visitor's own message (same clientId)
 * replaces the local copy instead of showing twice. A local copy never overrides a confirmed one.
 */
export function mergeMessages(list: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  const next = [...list];
  for (const message of incoming) {
    const index = findIndex(next, message);
    const existing = next[index];
    if (!existing) {
      next.push(message);
    } else if (message.id !== null || existing.id === null) {
      next[index] = {
        ...existing,
        ...message,
        key: existing.key,
        readAt: later(existing.readAt, message.readAt),
      };
    }
  }
  return next.sort(compare);
}

/** Sets `readAt` on the messages of one side written up to `upTo` (an ISO time). */
export function markRead(list: readonly ChatMessage[], own: boolean, upTo: string): ChatMessage[] {
  const limit = time(upTo);
  let changed = false;
  const next = list.map((m) => {
    if (m.id === null || m.readAt || isOwn(m) !== own || time(m.createdAt) > limit) return m;
    changed = true;
    return { ...m, readAt: upTo };
  });
  return changed ? next : (list as ChatMessage[]);
}

/** Operator and bot messages the visitor has not seen yet. */
export const isUnread = (m: ChatMessage): boolean =>
  m.id !== null && m.readAt === null && (m.authorKind === 'operator' || m.authorKind === 'bot');

export const unreadCount = (list: readonly ChatMessage[]): number => list.filter(isUnread).length;

/** The newest message from the other side, for `POST /read { upTo }`. */
export function newestUnread(list: readonly ChatMessage[]): ChatMessage | undefined {
  return list.findLast(isUnread);
}

/** The oldest confirmed message: the cursor for loading older history. */
export const oldestId = (list: readonly ChatMessage[]): string | undefined =>
  list.find((m) => m.id)?.id ?? undefined;

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * What the visitor typed or pasted, as the server accepts it: control characters other than tabs
 * and line breaks (which the server refuses, in English) are dropped, a vertical tab or form feed
 * (Word's line break, a page break) becomes a line break, and a lone surrogate goes.
 */
export function cleanMessageText(text: string): string {
  return text
    .replace(/[\v\f]/g, '\n')
    .replace(/(?![\t\n\r])\p{Cc}/gu, '')
    .replace(loneSurrogate, '');
}
