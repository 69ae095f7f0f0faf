import type {
  DomainEvent,
  TypingSignal,
  WidgetAvailability,
  WidgetMessage,
  WidgetPending,
  WidgetSession,
} from '@parley/contracts';
import type { ApiErrorCode } from '@parley/contracts/api-error';
import {
  createRealtimeClient,
  type RealtimeClient,
  type RealtimeStatus,
} from '@parley/contracts/realtime-client';
import type { Messages } from '../i18n.ts';
import { ApiError, realtimeUrl, widgetApi } from './api.ts';
import { type ChatState, initialState } from './chat-state.ts';
import { friendlyError } from './errors.ts';
import { CLOSED_AT_END, reduceEvent } from './events.ts';
import { refreshLatest } from './history.ts';
import { isOwn, markRead, newestUnread, unreadCount } from './messages.ts';
import { QueueWatch } from './queue-watch.ts';
import { Sender } from './sending.ts';
import { keys, readItem, writeItem } from './storage.ts';
import { Store } from './store.ts';
import { reduceToolsEvent } from './tools.ts';
import { createTypingSender } from './typing.ts';

const TYPING_FALLBACK_MS = 6000;

export interface ControllerOptions {
  workspace: string;
  locale: string;
  t: Messages;
  open: boolean;
  /** Tells the loader how many operator messages the visitor has not seen. */
  onUnread(count: number): void;
}

/** The chat's logic, outside any component: session, realtime stream, sending, read state. */
export class ChatController {
  readonly store: Store<ChatState>;
  readonly t: Messages;
  token = '';
  sender: Sender | null = null;
  readonly queue = new QueueWatch(this);
  readonly #options: ControllerOptions;
  #visitorId = '';
  #client: RealtimeClient | null = null;
  #afterSession: Array<() => Promise<void>> = [];
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  #readSentFor: string | null = null;
  #unreadReported = -1;
  #failures = 0;
  #sessionAt = 0;
  readonly typing = createTypingSender((typing) => {
    const id = this.store.state.conversation?.id;
    if (id) this.#client?.send({ type: 'typing', conversationId: id, typing });
  });

  constructor(options: ControllerOptions) {
    this.#options = options;
    this.t = options.t;
    this.store = new Store(initialState(options.open));
    this.store.subscribe(() => this.#syncRead());
    document.addEventListener('visibilitychange', () => this.#syncRead());
    window.addEventListener('online', () => this.sender?.pump());
    // The browser knows the network is gone long before a silent socket times out (two missed
    // heartbeats): the visitor is told at once, and the socket is opened again as soon as it can be.
    window.addEventListener('offline', () => this.#client?.reconnect());
  }

  get state(): ChatState {
    return this.store.state;
  }

  /** An authenticated widget API call. */
  async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const token = this.token;
    try {
      return await widgetApi<T>(method, path, { token, body });
    } catch (error) {
      // The visitor token expired: a new session for the same visitor; the caller may retry.
      if (error instanceof ApiError && error.status === 401 && token && token === this.token) {
        this.token = '';
        void this.start();
      }
      throw error;
    }
  }

  /**
   * Sends a message over the socket when it is live (the token was checked when it opened; the server
   * answers with an ack), else over HTTP. A socket that drops before the answer hands the message to
   * HTTP with the same client id: the server stores it once.
   */
  async sendMessage(body: {
    clientId: string;
    text: string;
    attachmentIds: string[];
  }): Promise<WidgetMessage> {
    const ack = this.#client?.request({ type: 'send', ...body }) ?? null;
    if (ack) {
      const answer = await ack.catch(() => null);
      if (answer?.message) return answer.message;
      if (answer?.error) {
        const { status, code, message, field } = answer.error;
        throw new ApiError(status, code as ApiErrorCode, message, field);
      }
    }
    return this.call<WidgetMessage>('POST', 'messages', body);
  }

  /** Runs `task` once the session exists (host API calls made before it). */
  whenReady(task: () => Promise<void>): void {
    if (this.token) void task();
    else this.#afterSession.push(task);
  }

  async start(): Promise<void> {
    const storedId = readItem(keys.visitorId(this.#options.workspace));
    try {
      this.applySession(await this.#createSession(storedId));
    } catch (error) {
      this.#failures += 1;
      if (storedId && error instanceof ApiError && error.code === 'validation_failed') {
        // A stored id the server does not accept: start over as a new visitor.
        writeItem(keys.visitorId(this.#options.workspace), null);
        return this.start();
      }
      if (this.state.phase !== 'ready')
        this.store.update({ phase: 'failed', fatal: friendlyError(error, this.t) });
      if (error instanceof ApiError && error.transient) this.#later(() => void this.start());
    }
  }

  #later(task: () => void): void {
    setTimeout(task, Math.min(30_000, 1000 * 2 ** this.#failures));
  }

  #createSession(visitorId: string | null): Promise<WidgetSession> {
    const { workspace, locale } = this.#options;
    // The browser's own language tag (fr-CA, not just the panel's fr) and time zone tell operators
    // roughly where the visitor is.
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const body = {
      workspaceKey: workspace,
      visitorId: visitorId || undefined,
      locale: navigator.language || locale,
      timezone,
    };
    return widgetApi<WidgetSession>('POST', 'sessions', { body });
  }

  /** Takes a (new or refreshed) session: token, settings, contact, conversation; (re)connects. */
  applySession(session: WidgetSession): void {
    const tokenChanged = session.token !== this.token;
    const visitorChanged = session.visitorId !== this.#visitorId;
    this.#failures = 0;
    this.#sessionAt = Date.now();
    this.token = session.token;
    this.#visitorId = session.visitorId;
    writeItem(keys.visitorId(this.#options.workspace), session.visitorId);
    this.store.update((s) => ({
      phase: 'ready',
      fatal: null,
      settings: session.settings,
      contact: session.contact,
      conversation: session.conversation,
      closedAfter: session.conversation?.status === 'closed' ? CLOSED_AT_END : s.closedAfter,
    }));
    if (visitorChanged) this.sender = new Sender(this, keys.outbox(this.#options.workspace, this.#visitorId));
    if (tokenChanged) this.#connect();
    void refreshLatest(this).then(() => this.queue.resume());
    void this.refreshPending();
    this.sender?.pump();
    for (const task of this.#afterSession.splice(0)) void task();
  }

  /** Asks the server again (after identify): the contact or the current conversation may have changed. */
  async refreshSession(): Promise<void> {
    this.applySession(await this.#createSession(this.#visitorId));
  }

  #connect(): void {
    this.#client?.close();
    const seqKey = keys.lastSeq(this.#options.workspace, this.#visitorId);
    const token = this.token;
    const client: RealtimeClient = createRealtimeClient({
      url: (after) => realtimeUrl(token, after),
      after: Number(readItem(seqKey, 'session')) || 0,
      onEvent: (event) => {
        this.#onEvent(event);
        writeItem(seqKey, String(client.lastSeq), 'session');
      },
      onSignal: (signal) => this.#onSignal(signal),
      onStatus: (status) => this.#onStatus(status, client),
    });
    this.#client = client;
  }

  #onStatus(status: RealtimeStatus, client: RealtimeClient): void {
    if (client !== this.#client) return;
    this.store.update((s) => ({ connection: status, wasLive: s.wasLive || status === 'live' }));
    if (status === 'live') {
      // Catch up over HTTP too (a first connection has nothing to resume from), then send what waits.
      void refreshLatest(this);
      void this.#refreshAvailability();
      void this.refreshPending();
      this.sender?.pump();
    } else if (status === 'unauthorized') {
      // The visitor token expired or was revoked: a new session for the same visitor id.
      const soon = Date.now() - this.#sessionAt < 30_000;
      if (soon) this.#failures += 1;
      if (soon) this.#later(() => void this.start());
      else void this.start();
    }
  }

  /** Who can answer may have changed while the socket was away; changes then arrive as events. */
  async #refreshAvailability(): Promise<void> {
    try {
      const now = await this.call<WidgetAvailability>('GET', 'availability');
      this.store.update((s) => (s.settings ? { settings: { ...s.settings, ...now } } : {}));
    } catch {
      // Kept as it was: the next connection asks again.
    }
  }

  /** Surveys sent while the visitor was away, and whether to ask for a rating (read on every (re)connection). */
  async refreshPending(): Promise<void> {
    try {
      const pending = await this.call<WidgetPending>('GET', 'pending');
      this.store.update({ surveys: pending.surveys, csat: pending.csat });
    } catch {
      // Kept as it was: the next connection asks again.
    }
  }

  #onEvent(event: DomainEvent): void {
    const tools = reduceToolsEvent(this.state, event);
    if (tools) this.store.update(tools);
    const changes = reduceEvent(this.state, event);
    if (!changes) return;
    if (event.name === 'message.created') {
      const { message } = event.payload;
      if (isOwn(message)) this.sender?.drop([message.clientId]);
      else this.#setTyping(null);
    }
    this.store.update(changes);
    this.queue.onEvent(event);
  }

  #onSignal(signal: TypingSignal): void {
    if (signal.type !== 'typing' || signal.who !== 'operator') return;
    const current = this.state.conversation?.id;
    if (current && signal.conversationId !== current) return;
    this.#setTyping(signal.typing ? signal.name || this.t.agent : null);
  }

  #setTyping(name: string | null): void {
    clearTimeout(this.#typingTimer);
    if (name) this.#typingTimer = setTimeout(() => this.#setTyping(null), TYPING_FALLBACK_MS);
    if (this.state.typing !== name) this.store.update({ typing: name });
  }

  setOpen(open: boolean): void {
    if (open !== this.state.open) this.store.update({ open });
  }

  /** Panel open and visible: tell the server what the visitor has seen. Always keep the badge current. */
  #syncRead(): void {
    const s = this.state;
    const newest = newestUnread(s.messages);
    if (newest?.id && s.open && document.visibilityState === 'visible' && newest.id !== this.#readSentFor) {
      const upTo = newest.id;
      this.#readSentFor = upTo;
      this.call('POST', 'read', { upTo }).catch(() => {
        this.#readSentFor = null;
      });
      this.store.update({ messages: markRead(s.messages, false, newest.createdAt) });
      return;
    }
    const count = unreadCount(s.messages);
    if (count !== this.#unreadReported) {
      this.#unreadReported = count;
      this.#options.onUnread(count);
    }
  }
}
