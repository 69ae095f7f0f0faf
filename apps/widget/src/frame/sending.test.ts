import type { WidgetMessage } from '@parley/contracts';
import type { VNode } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { messages } from '../i18n.ts';
import { ApiError } from './api.ts';
import { initialState } from './chat-state.ts';
import type { ChatController } from './controller.ts';
import { MessageItem } from './message-item.tsx';
import type { ChatMessage } from './messages.ts';
import { Sender } from './sending.ts';
import { Store } from './store.ts';

const t = messages.es;
type Send = (body: { clientId: string; text: string }) => Promise<WidgetMessage>;

/** A chat with only what the sender uses; `send` stands for the server (socket or HTTP). */
function fakeChat(send: Send) {
  const store = new Store(initialState(true));
  const chat = {
    t,
    token: 'visitor-token',
    store,
    get state() {
      return store.state;
    },
    typing: { stop() {} },
    queue: { afterSend() {} },
    refreshSession: async () => {},
    sendMessage: vi.fn(send),
  };
  return chat as typeof chat & ChatController;
}

let n = 0;
const stored = (body: { clientId: string; text: string }): WidgetMessage => {
  n += 1;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    seq: n,
    clientId: body.clientId,
    authorKind: 'contact',
    authorName: null,
    text: body.text,
    attachments: [],
    createdAt: new Date().toISOString(),
    readAt: null,
  };
};

const offline = () => Promise.reject(new ApiError(0, 'network_error', ''));

type Element = VNode<{ children?: unknown; onClick?: () => void }>;

/** The text in rendered nodes, in order. */
function textOf(node: unknown): string {
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (!node || typeof node !== 'object') return '';
  return textOf((node as Element).props.children);
}

/** The buttons in rendered nodes, by their text. */
function buttonsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(buttonsOf);
  if (!node || typeof node !== 'object') return [];
  const element = node as Element;
  return element.type === 'button' ? [textOf(element)] : buttonsOf(element.props.children);
}

/** What the visitor sees of one message: its text, and its buttons by name. */
function seen(message: ChatMessage) {
  const timeFormat = new Intl.DateTimeFormat('es', { hour: 'numeric', minute: '2-digit' });
  const item = MessageItem({ message, t, timeFormat, showAuthor: false, onRetry() {}, onDiscard() {} });
  return { text: textOf(item), buttons: buttonsOf(item) };
}

const own = (chat: ReturnType<typeof fakeChat>, text: string): ChatMessage => {
  const found = chat.state.messages.find((m) => m.text === text);
  if (!found) throw new Error(`no message "${text}"`);
  return found;
};

describe('sending while the connection is down', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows a message the widget will send again by itself as waiting, with no Retry, until it is sent', async () => {
    let up = false;
    const chat = fakeChat((body) => (up ? Promise.resolve(stored(body)) : offline()));
    const sender = new Sender(chat, `outbox-${++n}`);
    sender.send('¿Hay alguien?', []);
    await vi.advanceTimersByTimeAsync(0);
    expect(chat.sendMessage).toHaveBeenCalledTimes(1);
    const waiting = seen(own(chat, '¿Hay alguien?'));
    expect(waiting.text).toContain('Esperando conexión…');
    expect(waiting.text).not.toContain('No enviado');
    expect(waiting.buttons).toEqual([]);

    // It does try again by itself; still down, it still says so (not "Sending…" in between).
    await vi.advanceTimersByTimeAsync(2000);
    expect(chat.sendMessage).toHaveBeenCalledTimes(2);
    expect(seen(own(chat, '¿Hay alguien?')).text).toContain('Esperando conexión…');

    // A second message written meanwhile waits behind the first, and says so too.
    sender.send('Sigo aquí', []);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen(own(chat, 'Sigo aquí')).text).toContain('Esperando conexión…');

    // Back: the next try (the browser's "online" event or the socket would start it sooner) sends both.
    up = true;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(chat.state.messages.map((m) => [m.text, m.state])).toEqual([
      ['¿Hay alguien?', 'sent'],
      ['Sigo aquí', 'sent'],
    ]);
  });

  it('shows a message the server refused for good as not sent, why, and sends it again on Retry', async () => {
    let refuse = true;
    const chat = fakeChat((body) =>
      refuse
        ? Promise.reject(
            new ApiError(
              400,
              'validation_failed',
              'attachmentIds: unknown or already used attachment',
              'attachmentIds',
            ),
          )
        : Promise.resolve(stored(body)),
    );
    const sender = new Sender(chat, `outbox-${++n}`);
    sender.send('Mira la foto', []);
    await vi.advanceTimersByTimeAsync(0);
    const failed = seen(own(chat, 'Mira la foto'));
    expect(failed.text).toContain('No enviado');
    expect(failed.text).toContain(t.errorFilesGone);
    expect(failed.buttons).toEqual(['Reintentar', 'Eliminar']);
    // Given up: not sent again by itself.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(chat.sendMessage).toHaveBeenCalledTimes(1);

    refuse = false;
    sender.retry(own(chat, 'Mira la foto').clientId!);
    await vi.advanceTimersByTimeAsync(0);
    expect(chat.sendMessage).toHaveBeenCalledTimes(2);
    const sent = own(chat, 'Mira la foto');
    expect(sent.state).toBe('sent');
    expect(sent.error).toBeUndefined();
    expect(seen(sent).buttons).toEqual([]);
  });
});
