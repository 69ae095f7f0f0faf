/**
 * Group commit: items are written batch by batch. While a batch is being written, new items queue up
 * and the next batch takes them all (up to `maxBatch`), so under load the cost of a transaction is
 * shared, and alone an item is written at once.
 *
 * With `concurrency` above 1, that many batches may be in flight at once — one reads and locks while
 * another commits — but never two holding items of the same `key` (the message writer's conversation):
 * such a batch waits for the one in flight, so items of one key are written in the order they came.
 * `run` settles each item of its batch itself and never throws. The message writer and the read
 * receipts use it.
 */
export function groupCommit<T>(opts: {
  maxBatch: number;
  concurrency?: number;
  key?: (item: T) => string;
  run(batch: T[]): Promise<void>;
}) {
  const concurrency = opts.concurrency ?? 1;
  let queue: T[] = [];
  const running = new Set<Promise<void>>();
  /** Keys of the items in flight, with how many. */
  const busy = new Map<string, number>();

  const drain = () => {
    while (running.size < concurrency && queue.length > 0) {
      const batch = queue.slice(0, opts.maxBatch);
      const keys = opts.key ? batch.map(opts.key) : [];
      if (running.size > 0 && keys.some((k) => busy.has(k))) return;
      queue = queue.slice(opts.maxBatch);
      for (const k of keys) busy.set(k, (busy.get(k) ?? 0) + 1);
      const run: Promise<void> = opts.run(batch).finally(() => {
        running.delete(run);
        for (const k of keys) {
          const n = busy.get(k)! - 1;
          if (n === 0) busy.delete(k);
          else busy.set(k, n);
        }
        drain();
      });
      running.add(run);
    }
  };

  return {
    push(item: T): void {
      queue.push(item);
      drain();
    },
    /** Resolves when everything queued so far is written (shutdown). */
    async flushed(): Promise<void> {
      while (running.size > 0 || queue.length > 0) await Promise.all(running);
    },
  };
}
