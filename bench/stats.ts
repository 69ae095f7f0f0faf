/** The value at fraction `p` (0.5, 0.95, 0.99) of an ascending list; 0 for an empty one. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
