/**
 * BENCH_TIMELINE=1 (or BENCH_OPEN_TIMELINE=1 for the open loop): when the slow messages of a run were
 * sent, by 100 ms window with the wall clock, to line up with the server's logs and find what stalls.
 */
export const timelineOn = process.env.BENCH_TIMELINE === '1' || process.env.BENCH_OPEN_TIMELINE === '1';

export function printSlowWindows(
  samples: readonly { sentAt: number; latency: number }[],
  slowMs = 50,
  windowMs = 100,
): void {
  const windows = new Map<number, number[]>();
  for (const { sentAt, latency } of samples) {
    if (latency < slowMs) continue;
    const w = Math.floor(sentAt / windowMs);
    windows.set(w, [...(windows.get(w) ?? []), latency]);
  }
  for (const [w, list] of [...windows].sort((a, b) => a[0] - b[0])) {
    const wall = new Date(performance.timeOrigin + w * windowMs).toISOString().slice(11, 23);
    console.error(`    ${wall}: ${list.length} slow, max ${Math.max(...list).toFixed(0)} ms`);
  }
}
