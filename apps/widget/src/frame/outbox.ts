import type { Attachment, WidgetMessage } from '@parley/contracts';
import { ApiError } from './api.ts';
import type { ChatMessage } from './messages.ts';
import { readJson, writeJson } from './storage.ts';

/** A message the visitor wrote that the server has not confirmed yet; persisted across page loads. */
export interface OutboxEntry {
  clientId: string;
  text: string;
  attachments: Attachment[];
  createdAt: string;
  /** Set when the server refused it (4xx): not retried by itself, only by hand. */
  error?: string;
}

export interface OutboxHooks {
  deliver(entry: OutboxEntry): Promise<WidgetMessage>;
  onAttempt(entry: OutboxEntry): void;
  onSent(entry: OutboxEntry, message: WidgetMessage): void;
  /** `transient`: a network or server failure; the entry is retried later with the same clientId. */
  onFailed(entry: OutboxEntry, error: unknown, transient: boolean): void;
  describeError(error: unknown): string;
}

export function outboxMessage(entry: OutboxEntry): ChatMessage {
  return {
    key: `c:${entry.clientId}`,
    id: null,
    clientId: entry.clientId,
    authorKind: 'contact',
    authorName: null,
    text: entry.text,
    attachments: entry.attachments,
    createdAt: entry.createdAt,
    readAt: null,
    state: entry.error ? 'failed' : 'sending',
    error: entry.error,
  };
}

/**
 * Sends the visitor's messages one at a time, in the order written, so the server stores them in
 * that order. A transient failure stops the round; `pump()` (on reconnect, when back online, on a
 * timer) resumes it with the same clientIds, which the server stores once.
 */
export class Outbox {
  #entries: OutboxEntry[];
  #running = false;
  readonly #key: string;
  readonly #hooks: OutboxHooks;

  constructor(storageKey: string, hooks: OutboxHooks) {
    this.#key = storageKey;
    this.#hooks = hooks;
    const stored = readJson<OutboxEntry[]>(storageKey);
    this.#entries = Array.isArray(stored) ? stored.filter((e) => typeof e?.clientId === 'string') : [];
  }

  get entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  /** Entries waiting for an automatic retry. */
  get waiting(): number {
    return this.#entries.filter((e) => !e.error).length;
  }

  add(entry: OutboxEntry): void {
    this.#entries.push(entry);
    this.#save();
    void this.pump();
  }

  /** The visitor asked to try again: clears a refusal and sends. */
  retry(clientId: string): void {
    const entry = this.#entries.find((e) => e.clientId === clientId);
    if (!entry) return;
    delete entry.error;
    this.#save();
    void this.pump();
  }

  /** The server already has these (seen in history or in an event): stop sending them. */
  drop(clientIds: ReadonlyArray<string | null>): void {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => !clientIds.includes(e.clientId));
    if (this.#entries.length !== before) this.#save();
  }

  async pump(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let entry = this.#next(); entry; entry = this.#next()) {
        this.#hooks.onAttempt(entry);
        try {
          const message = await this.#hooks.deliver(entry);
          this.drop([entry.clientId]);
          this.#hooks.onSent(entry, message);
        } catch (error) {
          const transient = !(error instanceof ApiError) || error.transient;
          if (!transient) {
            entry.error = this.#hooks.describeError(error);
            this.#save();
          }
          this.#hooks.onFailed(entry, error, transient);
          if (transient) return;
        }
      }
    } finally {
      this.#running = false;
    }
  }

  #next(): OutboxEntry | undefined {
    return this.#entries.find((e) => !e.error);
  }

  #save(): void {
    writeJson(this.#key, this.#entries.length > 0 ? this.#entries : null);
  }
}
