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

/** Lets a finished batch's continuation (the next batch's start) run. */
const nextTurn = () => new Promise((r) => setImmediate(r));

describe('group commit', () => {
  it('writes the first item at once and the ones queued meanwhile together', async () => {
    const { started, run } = manualRuns();
    const commits = groupCommit<string>({ maxBatch: 10, run });
    commits.push('a');
    commits.push('b');
    commits.push('c');
    expect(started.map((s) => s.batch)).toEqual([['a']]);
    started[0]!.finish();
    await nextTurn();
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
    // One slot frees while x1 is in flight: the next batch takes z1 and leaves x2 to wait for x1.
    started[1]!.finish();
    await nextTurn();
    expect(started.map((s) => s.batch)).toEqual([['x1'], ['y1'], ['z1']]);
    started[0]!.finish();
    await nextTurn();
    expect(started.map((s) => s.batch)).toEqual([['x1'], ['y1'], ['z1'], ['x2']]);
    started[3]!.finish();
    started[2]!.finish();
    await commits.flushed();
  });

  it('beside a batch in flight, takes the other keys and keeps each key in order', async () => {
    const { started, run } = manualRuns();
    const commits = groupCommit<string>({ maxBatch: 3, concurrency: 2, key: (item) => item[0]!, run });
    commits.push('a1');
    commits.push('b1');
    expect(started.map((s) => s.batch)).toEqual([['a1'], ['b1']]);
    for (const item of ['a2', 'c1', 'a3', 'c2', 'd1', 'd2', 'c3', 'b2']) commits.push(item);
    // b1 ends while a1 is in flight: up to 3 items of keys not in flight, in order. d2 does not fit,
    // so the d held back after it stays behind it too; a waits for a1.
    started[1]!.finish();
    await nextTurn();
    expect(started[2]!.batch).toEqual(['c1', 'c2', 'd1']);
    started[0]!.finish();
    await nextTurn();
    // a1 is done, c and d are still in flight: a's items in order, and b2.
    expect(started[3]!.batch).toEqual(['a2', 'a3', 'b2']);
    started[2]!.finish();
    started[3]!.finish();
    await nextTurn();
    expect(started.slice(4).map((s) => s.batch)).toEqual([['d2', 'c3']]);
    started[4]!.finish();
    await commits.flushed();
  });
  it('with `gather`, waits for the rest of the turn before a batch, even when a batch runs without yielding', async () => {
    // A run that writes its batch to the end within the turn (the embedded database): without
    // gathering, each push would be written alone before the next one is even pushed.
    const batches: string[][] = [];
    const run = async (batch: string[]) => {
      batches.push(batch);
    };
    const plain = groupCommit<string>({ maxBatch: 10, concurrency: 2, key: (item) => item, run });
    for (const item of ['a', 'b', 'c']) plain.push(item);
    await plain.flushed();
    expect(batches).toEqual([['a'], ['b'], ['c']]);
    batches.length = 0;
    const gathering = groupCommit<string>({
      maxBatch: 10,
      concurrency: 2,
      key: (item) => item,
      run,
      gather: true,
    });
    for (const item of ['a', 'b', 'c']) gathering.push(item);
    expect(batches).toEqual([]);
    await gathering.flushed();
    expect(batches).toEqual([['a', 'b', 'c']]);
    // Pushed from separate turns, each alone (nothing else came in its turn).
    batches.length = 0;
    gathering.push('d');
    await nextTurn();
    gathering.push('e');
    await gathering.flushed();
    expect(batches).toEqual([['d'], ['e']]);
  });
});
