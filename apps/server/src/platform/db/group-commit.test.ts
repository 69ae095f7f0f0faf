import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.ts';

/** A batch run that the test finishes by hand, to look at what is in flight meanwhile. */
function manualRuns() {
  const started: { batch: string[]; finish: () => void }[] = [];
  const run = (batch: string[]) =>
    new Promise<void>((resolve) => {
      started.push({ batch, finish: resolve });
    });
  return { started, run };
}

describe('group commit', () => {
  it('writes the first item at once and the ones queued meanwhile together', async () => {
    const { started, run } = manualRuns();
    const commits = groupCommit<string>({ maxBatch: 10, run });
    commits.push('a');
    commits.push('b');
    commits.push('c');
    expect(started.map((s) => s.batch)).toEqual([['a']]);
    started[0]!.finish();
    await new Promise((r) => setImmediate(r));
    expect(started.map((s) => s.batch)).toEqual([['a'], ['b', 'c']]);
    started[1]!.finish();
    await commits.flushed();
  });

  it('keeps up to `concurrency` batches in flight, never two with the same key', async () => {
    const { started, run } = manualRuns();
    const commits = groupCommit<string>({ maxBatch: 2, concurrency: 2, key: (item) => item[0]!, run });
    commits.push('x1');
    commits.push('y1');
    // Another batch may start beside the first: it holds none of its keys.
    expect(started.map((s) => s.batch)).toEqual([['x1'], ['y1']]);
    commits.push('x2');
    commits.push('z1');
    expect(started).toHaveLength(2);
    // Two in flight already; then the next batch holds x, which is still in flight: it waits for it.
    started[1]!.finish();
    await new Promise((r) => setImmediate(r));
    expect(started).toHaveLength(2);
    started[0]!.finish();
    await new Promise((r) => setImmediate(r));
    expect(started.map((s) => s.batch)).toEqual([['x1'], ['y1'], ['x2', 'z1']]);
    started[2]!.finish();
    await commits.flushed();
  });
});
