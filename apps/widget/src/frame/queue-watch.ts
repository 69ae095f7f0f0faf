import type { DomainEvent } from '@parley/contracts';
import { ApiError } from './api.ts';
import type { ChatController } from './controller.ts';
import { operatorReplied, toPlace, type WidgetQueue } from './queue.ts';

export const QUEUE_POLL_MS = 10_000;

/**
 * ROUTE-2: the visitor's place in the team queue (`GET /api/widget/queue`), asked right after they
 * write and then every 10 s while they wait; stops once an operator takes the conversation (position
 * null) or writes, or the conversation closes.
 */
export class QueueWatch {
  readonly #chat: ChatController;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every request and by stop(): answers to older requests are ignored. */
  #generation = 0;

  constructor(chat: ChatController) {
    this.#chat = chat;
  }

  /** Session and latest messages loaded: watch an open conversation no operator answered yet. */
  resume(): void {
    const s = this.#chat.state;
    const open = s.conversation !== null && s.conversation.status !== 'closed';
    if (open && !operatorReplied(s.messages, s.closedAfter)) this.check();
    else this.stop();
  }

  /** The visitor's message was sent (so a conversation is open): ask at once unless an operator answered. */
  afterSend(): void {
    const s = this.#chat.state;
    if (!operatorReplied(s.messages, s.closedAfter)) this.check();
  }

  /** Asks now; asks again every 10 s while the conversation is queued. */
  check(): void {
    clearTimeout(this.#timer);
    const generation = ++this.#generation;
    this.#chat.call<WidgetQueue>('GET', 'queue').then(
      (queue) => {
        if (generation !== this.#generation) return;
        const place = toPlace(queue);
        this.#chat.store.update({ queue: place });
        if (place) this.#schedule();
      },
      (error: unknown) => {
        if (generation !== this.#generation) return;
        // Network trouble or a busy server: later. A refusal (e.g. a server without queues): give up.
        if (error instanceof ApiError && error.transient) this.#schedule();
        else this.stop();
      },
    );
  }

  /** Called after the event changed the state. */
  onEvent(event: DomainEvent): void {
    if (event.name === 'message.created') {
      if (event.payload.message.authorKind === 'operator') this.stop();
      return;
    }
    if (event.name !== 'conversation.updated') return;
    const current = this.#chat.state.conversation;
    if (!current || current.id !== event.payload.conversation.id) return;
    const { change } = event.payload;
    if (current.status === 'closed') this.stop();
    // Back in a queue (re-routed, transferred to a busy team), or taken: the line changes now, not in 10 s.
    else if (change === 'queued' || change === 'transferred') this.check();
    else if (change === 'assigned' && this.#chat.state.queue) this.check();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#generation += 1;
    if (this.#chat.state.queue) this.#chat.store.update({ queue: null });
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), QUEUE_POLL_MS);
  }

  #tick(): void {
    if (this.#chat.state.conversation?.status === 'closed') this.stop();
    // A background tab does not ask; the next tick after it is shown again does.
    else if (document.visibilityState === 'hidden') this.#schedule();
    else this.check();
  }
}
