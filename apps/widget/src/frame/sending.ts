import type { Attachment, WidgetMessage } from '@parley/contracts';
import { ApiError } from './api.ts';
import type { ChatController } from './controller.ts';
import { friendlyError } from './errors.ts';
import { pinClosedNotice } from './events.ts';
import { type ChatMessage, fromServer, mergeMessages } from './messages.ts';
import { Outbox, type OutboxEntry, outboxMessage } from './outbox.ts';
import { randomId } from './storage.ts';

const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;

/**
 * The visitor's messages on their way: shown at once as "sending", kept in the persisted outbox
 * until the server confirms them, retried with the same clientId after network failures. While the
 * server cannot be reached they show as "waiting for connection", since the widget sends them
 * itself once it can; only a message the server refused shows as not sent, with Retry.
 */
export class Sender {
  readonly #chat: ChatController;
  readonly #outbox: Outbox;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryDelay = FIRST_RETRY_MS;
  /** The last try could not reach the server (and none has since): what waits shows as waiting. */
  #unreachable = false;

  constructor(chat: ChatController, storageKey: string) {
    this.#chat = chat;
    this.#outbox = new Outbox(storageKey, {
      deliver: (e) => chat.sendMessage(sendBody(e)),
      // A try while the server is unreachable stays "waiting" (not a flicker to "sending" every few seconds).
      onAttempt: (e) => this.#merge([this.#shown(e)]),
      onSent: (_e, message) => this.#onSent(message),
      onFailed: (e, error, transient) => this.#onFailed(e, error, transient),
      describeError: (error) => friendlyError(error, chat.t, { during: 'message' }),
    });
    // Messages left unsent by an earlier page load show again (and are sent once the session is up).
    chat.store.update((s) => ({
      messages: mergeMessages(s.messages, this.#outbox.entries.map(outboxMessage)),
    }));
  }

  send(text: string, attachments: Attachment[]): void {
    const entry: OutboxEntry = {
      clientId: randomId(),
      text,
      attachments,
      createdAt: new Date().toISOString(),
    };
    this.#chat.typing.stop();
    this.#chat.store.update((s) => ({
      closedAfter: pinClosedNotice(s),
      messages: mergeMessages(s.messages, [this.#shown(entry)]),
    }));
    this.#outbox.add(entry);
  }

  retry(clientId: string): void {
    this.#outbox.retry(clientId);
  }

  /** Gives up on a message the server refused. */
  discard(clientId: string): void {
    this.#outbox.drop([clientId]);
    this.#chat.store.update((s) => ({
      messages: s.messages.filter((m) => m.id !== null || m.clientId !== clientId),
    }));
  }

  /** The server already has these (seen in history or on the stream). */
  drop(clientIds: ReadonlyArray<string | null>): void {
    this.#outbox.drop(clientIds);
  }

  /** Sends what waits (on reconnect, when back online, on the retry timer). */
  pump(): void {
    if (this.#chat.token) void this.#outbox.pump();
  }

  /** An outbox entry as the visitor sees it. */
  #shown(entry: OutboxEntry): ChatMessage {
    const message = outboxMessage(entry);
    return message.state === 'sending' && this.#unreachable ? { ...message, state: 'waiting' } : message;
  }

  /** Shows every entry still to send as it stands now (all wait behind the one that could not go). */
  #showPending(): void {
    this.#merge(this.#outbox.entries.map((e) => this.#shown(e)));
  }

  #merge(incoming: ChatMessage[]): void {
    this.#chat.store.update((s) => ({ messages: mergeMessages(s.messages, incoming) }));
  }

  #onSent(message: WidgetMessage): void {
    clearTimeout(this.#retryTimer);
    this.#retryDelay = FIRST_RETRY_MS;
    this.#merge([fromServer(message)]);
    if (this.#unreachable) {
      this.#unreachable = false;
      this.#showPending();
    }
    this.#chat.queue.afterSend();
    // The first message creates the conversation; its id normally arrives with message.created.
    setTimeout(() => {
      if (!this.#chat.state.conversation) this.#chat.refreshSession().catch(() => {});
    }, 2000);
  }

  #onFailed(entry: OutboxEntry, error: unknown, transient: boolean): void {
    // A refusal is explained under the message itself, and sent again only by the visitor's Retry.
    if (!transient) {
      this.#merge([this.#shown(entry)]);
      return;
    }
    // No answer, or the server is down: waiting for the connection. A busy server (429) or an expired
    // session (401, renewed by the controller) is still sending, a moment later.
    this.#unreachable = !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
    this.#showPending();
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.pump(), this.#retryDelay);
    this.#retryDelay = Math.min(MAX_RETRY_MS, this.#retryDelay * 2);
  }
}

function sendBody(entry: OutboxEntry): { clientId: string; text: string; attachmentIds: string[] } {
  return { clientId: entry.clientId, text: entry.text, attachmentIds: entry.attachments.map((a) => a.id) };
}
