/**
 * Group commit: items are written batch by batch. While one batch is being written, new items queue
 * up and the next batch takes them all (up to `maxBatch`), so under load the cost of a transaction is
 * shared, and alone an item is written at once. `run` settles each item of its batch itself and
 * never throws. The message writer and the read receipts use it.
 */
export function groupCommit<T>(opts: { maxBatch: number; run(batch: T[]): Promise<void> }) {
  let queue: T[] = [];
  let running: Promise<void> | null = null;

  const drain = () => {
    if (running || queue.length === 0) return;
    const batch = queue.slice(0, opts.maxBatch);
    queue = queue.slice(opts.maxBatch);
    running = opts.run(batch).finally(() => {
      running = null;
      drain();
    });
  };

  return {
    push(item: T): void {
      queue.push(item);
      drain();
    },
    /** Resolves when everything queued so far is written (shutdown). */
    async flushed(): Promise<void> {
      while (running || queue.length > 0) await (running ?? Promise.resolve());
    },
  };
}
