/**
 * Group commit: items are written batch by batch. While a batch is being written, new items queue up
 * and the next batch takes them all (up to `maxBatch`), so under load the cost of a transaction is
 * shared, and alone an item is written at once (or at the end of its turn, with `gather`).
 *
 * With `concurrency` above 1, that many batches may be in flight at once — one reads and locks while
 * another commits — but never two holding items of the same `key` (the message writer's conversation):
 * a batch started beside one in flight takes the queued items whose key is not in flight, and the
 * items of a key in flight wait for it, so items of one key are written in the order they came.
 * `run` settles each item of its batch itself and never throws. The message writer and the read
 * receipts use it.
 *
 * With `gather`, an item pushed when a batch could start waits for the rest of this turn of the
 * event loop (`setImmediate`: the other sockets' data read in the same turn) instead of starting a
 * batch of one at once. Its users set it for the embedded database (`inProcess`), whose statements
 * run in this process without yielding to I/O: a batch started at the first socket's message was
 * written to the end before the next socket's data was even read, so every batch held one message
 * (PGlite took about 230 messages a second whatever the load). Not on PostgreSQL: there a batch
 * started at once is worked on by the database while this process reads the rest of the turn, and
 * waiting for the turn's end lost that overlap under load (5,000 msg/s p99 124–172 ms against
 * 71–132 without).
 */
export function groupCommit<T>(opts: {
  maxBatch: number;
  concurrency?: number;
  key?: (item: T) => string;
  gather?: boolean;
  run(batch: T[]): Promise<void>;
}) {
  const concurrency = opts.concurrency ?? 1;
  let queue: T[] = [];
  const running = new Set<Promise<void>>();
  /** Keys of the items in flight, with how many. */
  const busy = new Map<string, number>();
  /**
   * The last look at the queue found only keys in flight: until a batch ends, an item of a key in
   * flight changes nothing (no look at the whole queue on every push).
   */
  let stuck = false;
  /** A drain is scheduled for the end of this turn (`gather`). */
  let gathering = false;
  const gathered = () => {
    gathering = false;
    drain();
  };

  /** The next batch: the first items whose key is not in flight (all of them when nothing is). */
  const take = (): T[] => {
    if (!opts.key) {
      const batch = queue.slice(0, opts.maxBatch);
      queue = queue.slice(opts.maxBatch);
      return batch;
    }
    const batch: T[] = [];
    const rest: T[] = [];
    // A key held back once stays held back: its later items must not pass its earlier ones.
    const held = new Set<string>();
    for (const item of queue) {
      const k = opts.key(item);
      if (batch.length < opts.maxBatch && !busy.has(k) && !held.has(k)) batch.push(item);
      else {
        held.add(k);
        rest.push(item);
      }
    }
    queue = rest;
    return batch;
  };

  const drain = () => {
    while (running.size < concurrency && queue.length > 0) {
      const batch = take();
      if (batch.length === 0) {
        stuck = true;
        return;
      }
      const keys = opts.key ? batch.map(opts.key) : [];
      for (const k of keys) busy.set(k, (busy.get(k) ?? 0) + 1);
      const run: Promise<void> = opts.run(batch).finally(() => {
        running.delete(run);
        for (const k of keys) {
          const n = busy.get(k)! - 1;
          if (n === 0) busy.delete(k);
          else busy.set(k, n);
        }
        stuck = false;
        drain();
      });
      running.add(run);
    }
  };

  return {
    push(item: T): void {
      queue.push(item);
      if (stuck && busy.has(opts.key!(item))) return;
      if (!opts.gather) drain();
      else if (!gathering) {
        gathering = true;
        setImmediate(gathered);
      }
    },
    /** Resolves when everything queued so far is written (shutdown). */
    async flushed(): Promise<void> {
      while (running.size > 0 || queue.length > 0) {
        // Items gathered for the end of the turn: that drain starts them.
        await (running.size > 0 ? Promise.all(running) : new Promise((resolve) => setImmediate(resolve)));
      }
    },
  };
}
