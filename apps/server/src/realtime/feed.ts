import type { StoredEvent } from '../events/bus.ts';

export interface FeedSource {
  /** The workspace's current head sequence in the outbox. */
  head(workspaceId: string): Promise<number>;
  /** Committed events with after < seq <= upTo, in order. */
  range(workspaceId: string, after: number, upTo: number): Promise<StoredEvent[]>;
}

/**
 * One workspace's event stream on this node. The bus may deliver late, twice or out of order (two
 * nodes publish to Redis independently); the feed hands events to its listeners strictly in sequence,
 * exactly once, and fetches any gap from the outbox.
 */
export class WorkspaceFeed {
  head = 0;
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, StoredEvent>();
  private filling = false;
  private isReady = false;
  private readonly listeners = new Set<(event: StoredEvent) => void>();

  constructor(
    readonly workspaceId: string,
    private readonly source: FeedSource,
    private readonly onError: (err: unknown) => void,
  ) {
    // Listen first, then read the head: an event committed meanwhile is either at or below the head
    // (a resuming client reads it from the outbox) or arrives on the bus and waits in `pending`.
    this.ready = source.head(workspaceId).then((head) => {
      this.head = head;
      this.isReady = true;
      this.drain();
    });
  }

  get size(): number {
    return this.listeners.size;
  }

  listen(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  receive(event: StoredEvent): void {
    if (event.seq <= this.head) return;
    this.pending.set(event.seq, event);
    this.drain();
  }

  /**
   * Catches up with the outbox up to `head` when the bus has been silent about something (a publisher
   * died): the gateway reads every feed's head in one statement and hands each its own.
   */
  async catchUp(head: number): Promise<void> {
    if (this.isReady && head > this.head && !this.filling) await this.fill(head);
  }

  private drain(): void {
    if (!this.isReady) return;
    for (let next = this.pending.get(this.head + 1); next; next = this.pending.get(this.head + 1)) {
      this.pending.delete(next.seq);
      this.head = next.seq;
      for (const listener of this.listeners) listener(next);
    }
    for (const seq of this.pending.keys()) if (seq <= this.head) this.pending.delete(seq);
    if (this.pending.size > 0 && !this.filling) {
      void this.fill(Math.min(...this.pending.keys()) - 1);
    }
  }

  private async fill(upTo: number): Promise<void> {
    this.filling = true;
    try {
      const missing = await this.source.range(this.workspaceId, this.head, upTo);
      for (const event of missing) if (event.seq > this.head) this.pending.set(event.seq, event);
    } catch (err) {
      this.onError(err);
      setTimeout(() => this.drain(), 1000).unref();
      return;
    } finally {
      this.filling = false;
    }
    this.drain();
  }
}
