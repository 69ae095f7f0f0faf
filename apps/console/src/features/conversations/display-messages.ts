import type { Message } from '@parley/contracts';
import { compareMessages } from './cache.ts';
import type { MessagesData } from './conversations-api.ts';
import type { PendingMessage } from './pending-messages.ts';

/** A message as shown: stored on the server, or still on its way. */
export interface DisplayMessage extends Omit<Message, 'id' | 'seq'> {
  key: string;
  id: string | null;
  /** Null while on its way: shown after the stored ones. */
  seq: number | null;
  pending: PendingMessage | null;
}

export interface MessageGroup {
  key: string;
  side: 'in' | 'out' | 'center';
  authorKind: Message['authorKind'];
  authorId: string | null;
  authorName: string | null;
  private: boolean;
  messages: DisplayMessage[];
}

const groupWindowMs = 5 * 60_000;

/** The key follows the client id, so a message keeps its element from "sending" to "sent". */
const keyOf = (m: Pick<Message, 'id' | 'clientId'>) => (m.clientId ? `c:${m.clientId}` : `m:${m.id}`);

export function flattenMessages(data: MessagesData | undefined): Message[] {
  if (!data) return [];
  const seen = new Set<string>();
  const out: Message[] = [];
  for (let i = data.pages.length - 1; i >= 0; i--) {
    for (const m of data.pages[i]?.messages ?? []) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      out.push(m);
    }
  }
  // Pages are fetched at different times and live messages join the newest one: one order for all.
  return out.sort(compareMessages);
}

export function displayMessages(stored: Message[], pending: PendingMessage[], me: string): DisplayMessage[] {
  const storedClientIds = new Set(stored.map((m) => m.clientId).filter(Boolean));
  const shown: DisplayMessage[] = stored.map((m) => ({ ...m, key: keyOf(m), pending: null }));
  for (const p of pending) {
    if (storedClientIds.has(p.clientId)) continue;
    shown.push({
      key: `c:${p.clientId}`,
      id: null,
      seq: null,
      conversationId: p.conversationId,
      clientId: p.clientId,
      authorKind: 'operator',
      authorId: me,
      authorName: null,
      text: p.text,
      private: p.private,
      whisper: p.whisper ?? false,
      attachments: p.attachments,
      createdAt: p.createdAt,
      readAt: null,
      pending: p,
    });
  }
  return shown;
}

/** Consecutive messages of one author (and one kind: note or reply) within five minutes. */
export function groupMessages(messages: DisplayMessage[]): MessageGroup[] {
  const groups: MessageGroup[] = [];
  let lastAt = 0;
  for (const m of messages) {
    const at = Date.parse(m.createdAt);
    const last = groups[groups.length - 1];
    if (
      last &&
      last.authorKind === m.authorKind &&
      last.authorId === m.authorId &&
      last.private === m.private &&
      m.authorKind !== 'system' &&
      at - lastAt < groupWindowMs
    ) {
      last.messages.push(m);
    } else {
      groups.push({
        key: m.key,
        side: m.authorKind === 'contact' ? 'in' : m.authorKind === 'system' ? 'center' : 'out',
        authorKind: m.authorKind,
        authorId: m.authorId,
        authorName: m.authorName,
        private: m.private,
        messages: [m],
      });
    }
    lastAt = at;
  }
  return groups;
}
