import type { WidgetMessage } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import {
  type ChatMessage,
  cleanMessageText,
  displayStatus,
  fromServer,
  markRead,
  mergeMessages,
  newestUnread,
  unreadCount,
} from './messages.ts';
import { outboxMessage } from './outbox.ts';

let n = 0;
function server(fields: Partial<WidgetMessage> = {}): WidgetMessage {
  n += 1;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    seq: n,
    clientId: null,
    authorKind: 'operator',
    authorName: 'Anna',
    text: `m${n}`,
    attachments: [],
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, 0, n)).toISOString(),
    readAt: null,
    ...fields,
  };
}

const local = (clientId: string, createdAt = '2025-01-01T13:00:00.000Z'): ChatMessage =>
  outboxMessage({ clientId, text: 'hi', attachments: [], createdAt });

describe('mergeMessages', () => {
  it('replaces the local copy with the server echo of the same clientId (never twice)', () => {
    const pending = local('client-1');
    const echo = server({ clientId: 'client-1', authorKind: 'contact', authorName: null });
    const once = mergeMessages([pending], [fromServer(echo)]);
    const twice = mergeMessages(once, [fromServer(echo)]);
    expect(twice).toHaveLength(1);
    expect(twice[0]).toMatchObject({ id: echo.id, key: pending.key, state: 'sent' });
  });

  it('never lets a local copy override a confirmed message', () => {
    const echo = fromServer(server({ clientId: 'client-2', authorKind: 'contact' }));
    const merged = mergeMessages([echo], [local('client-2')]);
    expect(merged).toEqual([echo]);
  });

  it('orders confirmed messages by time and keeps unconfirmed ones last', () => {
    const a = fromServer(server());
    const b = fromServer(server());
    const pending = local('client-3', '2000-01-01T00:00:00.000Z');
    const merged = mergeMessages([pending], [b, a]);
    expect(merged.map((m) => m.key)).toEqual([a.key, b.key, pending.key]);
  });

  it('orders confirmed messages of the same instant by their sequence, not their id', () => {
    const at = '2025-01-01T12:00:00.000Z';
    const later = fromServer(server({ id: '00000000-0000-4000-8000-000000000001', seq: 8, createdAt: at }));
    const earlier = fromServer(server({ id: '00000000-0000-4000-8000-000000000002', seq: 7, createdAt: at }));
    expect(mergeMessages([later], [earlier]).map((m) => m.seq)).toEqual([7, 8]);
  });

  it('keeps the later readAt', () => {
    const read = fromServer(
      server({ authorKind: 'contact', clientId: 'c-read', readAt: '2025-01-01T12:05:00.000Z' }),
    );
    const merged = mergeMessages([read], [{ ...read, readAt: null }]);
    expect(merged[0]?.readAt).toBe('2025-01-01T12:05:00.000Z');
  });
});

describe('read state', () => {
  it('marks own messages read up to a time', () => {
    const early = fromServer(server({ authorKind: 'contact', clientId: 'c-early' }));
    const late = fromServer(server({ authorKind: 'contact', clientId: 'c-late' }));
    const marked = markRead([early, late], true, early.createdAt);
    expect(marked.map(displayStatus)).toEqual(['read', 'sent']);
  });

  it('counts unread operator messages and finds the newest', () => {
    const own = fromServer(server({ authorKind: 'contact', clientId: 'c-own' }));
    const op1 = fromServer(server());
    const op2 = fromServer(server({ authorKind: 'bot' }));
    expect(unreadCount([own, op1, op2])).toBe(2);
    expect(newestUnread([own, op1, op2])?.id).toBe(op2.id);
    expect(unreadCount(markRead([own, op1, op2], false, op2.createdAt))).toBe(0);
  });
});

describe('cleanMessageText', () => {
  it('drops the control characters the server refuses, keeping tabs and line breaks', () => {
    expect(cleanMessageText('a\u0007b\u0000c\u001b[0md\te\r\nf\u0085')).toBe('abc[0md\te\r\nf');
  });

  it('turns a pasted vertical tab or form feed into a line break and drops a lone surrogate', () => {
    expect(cleanMessageText('line one\u000bline two\fpage two \ud83d😀')).toBe(
      'line one\nline two\npage two 😀',
    );
  });
});
