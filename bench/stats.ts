/** The value at fraction `p` (0.5, 0.95, 0.99) of an ascending list; 0 for an empty one. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export interface Timed {
  name: string;
  /** Milliseconds of each run, ascending. */
  ms: number[];
}

/**
 * Times queries as a page already open would run them: once to warm the cache, then `runs` times;
 * every result is kept in `timed`, in the order timed.
 */
export function queryTimer(runs: number) {
  const timed: Timed[] = [];
  async function time(name: string, fn: () => Promise<unknown>, n = runs): Promise<Timed> {
    const ms: number[] = [];
    await fn();
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await fn();
      ms.push(performance.now() - start);
    }
    const entry = { name, ms: ms.sort((a, b) => a - b) };
    timed.push(entry);
    return entry;
  }
  return { timed, time };
}
