import type { Conversation, Message } from '@parley/contracts';
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../../api/query-keys.ts';
import { insertMessage, markRead, upsertConversation } from './cache.ts';
import type { ConversationListData, MessagesData } from './conversations-api.ts';
import { flattenMessages } from './display-messages.ts';
import { at, testConversation } from './test-conversation.ts';

const ws = '11111111-1111-4111-8111-111111111111';
const me = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
function conversation(id: string, minute: number, patch: Partial<Conversation> = {}): Conversation {
  return testConversation(id, {
    lastMessage: { text: 'x', authorKind: 'contact', createdAt: at(minute) },
    ...patch,
  });
}

function message(id: string, minute: number, patch: Partial<Message> = {}): Message {
  return {
    id,
    seq: minute,
    conversationId: 'c',
    clientId: null,
    authorKind: 'operator',
    authorId: me,
    authorName: 'Me',
    text: id,
    private: false,
    whisper: false,
    attachments: [],
    createdAt: at(minute),
    readAt: null,
    ...patch,
  };
}

const listKey = queryKeys.conversationList(ws, { view: 'unassigned', status: 'open', q: '' });
const ids = (client: QueryClient) =>
  client.getQueryData<ConversationListData>(listKey)?.pages.flatMap((p) => p.items.map((c) => c.id));

describe('conversation caches', () => {
  it('moves a conversation to its place by activity, and out when it stops matching', () => {
    const client = new QueryClient();
    client.setQueryData<ConversationListData>(listKey, {
      pages: [{ items: [conversation('a', 30), conversation('b', 10)], nextCursor: null }],
      pageParams: [null],
    });
    upsertConversation(client, ws, me, conversation('b', 40));
    expect(ids(client)).toEqual(['b', 'a']);
    upsertConversation(client, ws, me, conversation('c', 35));
    expect(ids(client)).toEqual(['b', 'c', 'a']);
    upsertConversation(client, ws, me, conversation('d', 5));
    expect(ids(client)).toEqual(['b', 'c', 'a', 'd']);
    upsertConversation(client, ws, me, conversation('b', 50, { assigneeId: me }));
    expect(ids(client)).toEqual(['c', 'a', 'd']);
  });

  it('adds a message once whether the response or the event comes first', () => {
    const client = new QueryClient();
    const key = queryKeys.messages(ws, 'c');
    client.setQueryData<MessagesData>(key, {
      pages: [{ messages: [message('m1', 1)], hasMore: false }],
      pageParams: [null],
    });
    const sent = message('m2', 2, { clientId: 'client-0001' });
    insertMessage(client, ws, sent);
    insertMessage(client, ws, { ...sent });
    const all = client.getQueryData<MessagesData>(key)?.pages.flatMap((p) => p.messages.map((m) => m.id));
    expect(all).toEqual(['m1', 'm2']);
  });

  it('orders messages of the same instant by their sequence, as the server and the live stream do', () => {
    const client = new QueryClient();
    const key = queryKeys.messages(ws, 'c');
    // Ids in the opposite order of the sequence, so neither time nor id can be what orders them.
    client.setQueryData<MessagesData>(key, {
      pages: [
        { messages: [message('z1', 5, { seq: 11 }), message('y2', 5, { seq: 12 })], hasMore: true },
        { messages: [message('x0', 5, { seq: 10 })], hasMore: false },
      ],
      pageParams: [null, 'z1'],
    });
    insertMessage(client, ws, message('w4', 5, { seq: 14 }));
    insertMessage(client, ws, message('v3', 5, { seq: 13 }));
    expect(flattenMessages(client.getQueryData<MessagesData>(key)).map((m) => m.id)).toEqual([
      'x0',
      'z1',
      'y2',
      'v3',
      'w4',
    ]);
  });

  it('marks operator messages read by the customer up to a time, never private notes', () => {
    const client = new QueryClient();
    const key = queryKeys.messages(ws, 'c');
    client.setQueryData<MessagesData>(key, {
      pages: [
        {
          messages: [message('m1', 1), message('note', 2, { private: true }), message('m3', 5)],
          hasMore: false,
        },
      ],
      pageParams: [null],
    });
    markRead(client, ws, 'c', 'contact', at(3), at(4));
    const read = client
      .getQueryData<MessagesData>(key)
      ?.pages[0]?.messages.map((m) => [m.id, m.readAt !== null]);
    expect(read).toEqual([
      ['m1', true],
      ['note', false],
      ['m3', false],
    ]);
  });

  it('fetches a list again when an event lands while a fetch that read the server before it is in flight', async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    // The server's answers: the first read was made before the assignment committed.
    const answers = [
      [conversation('a', 30)],
      [conversation('b', 40, { assigneeId: me }), conversation('a', 30)],
    ];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reads = 0;
    const mine = queryKeys.conversationList(ws, { view: 'mine', status: 'open', q: '' });
    // A list on screen (an observer): its first fetch starts at once.
    const observer = new QueryObserver<ConversationListData>(client, {
      queryKey: mine,
      queryFn: async () => {
        const items = answers[Math.min(reads++, answers.length - 1)]!;
        if (reads === 1) await gate;
        return { pages: [{ items, nextCursor: null }], pageParams: [null] };
      },
    });
    const stop = observer.subscribe(() => {});
    await expect.poll(() => reads).toBe(1);
    // The assignment's event arrives while the first answer is on its way: nothing loaded to patch.
    upsertConversation(client, ws, me, conversation('b', 40, { assigneeId: me }));
    release();
    await expect
      .poll(() =>
        client.getQueryData<ConversationListData>(mine)?.pages.flatMap((p) => p.items.map((c) => c.id)),
      )
      .toEqual(['b', 'a']);
    expect(reads).toBe(2);
    stop();
  });
});
