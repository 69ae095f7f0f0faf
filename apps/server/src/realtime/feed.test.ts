import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../events/bus.ts';
import { type FeedSource, WorkspaceFeed } from './feed.ts';

const ev = (seq: number): StoredEvent => ({ workspaceId: 'w', seq, name: 'test', payload: { seq }, at: '' });

function sourceWith(committed: StoredEvent[], head: number): FeedSource & { ranges: [number, number][] } {
  const ranges: [number, number][] = [];
  return {
    ranges,
    head: async () => head,
    range: async (_w, after, upTo) => {
      ranges.push([after, upTo]);
      return committed.filter((e) => e.seq > after && e.seq <= upTo);
    },
  };
}

describe('WorkspaceFeed', () => {
  it('delivers in sequence once, whatever order and repetition the bus brings', async () => {
    const committed = [1, 2, 3, 4, 5].map(ev);
    const feed = new WorkspaceFeed('w', sourceWith(committed, 0), () => {});
    const seen: number[] = [];
    feed.listen((e) => seen.push(e.seq));
    await feed.ready;
    for (const seq of [2, 1, 1, 3, 5, 4, 2]) feed.receive(ev(seq));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('fetches a gap from the outbox instead of waiting for the bus', async () => {
    const committed = [11, 12, 13].map(ev);
    const source = sourceWith(committed, 10);
    const feed = new WorkspaceFeed('w', source, () => {});
    const seen: number[] = [];
    feed.listen((e) => seen.push(e.seq));
    await feed.ready;
    feed.receive(ev(13));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([11, 12, 13]);
    expect(source.ranges).toEqual([[10, 12]]);
  });

  it('starts at the current head and ignores what came before it', async () => {
    const feed = new WorkspaceFeed('w', sourceWith([], 7), () => {});
    const seen: number[] = [];
    feed.listen((e) => seen.push(e.seq));
    feed.receive(ev(8)); // arrives while the head is still being read: kept, not lost
    await feed.ready;
    feed.receive(ev(6));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([8]);
  });

  it('catches up with the outbox when the bus lost an event entirely', async () => {
    const committed = [1, 2].map(ev);
    let head = 0;
    const source = { ...sourceWith(committed, 0), head: async () => head };
    const feed = new WorkspaceFeed('w', source, () => {});
    const seen: number[] = [];
    feed.listen((e) => seen.push(e.seq));
    await feed.ready;
    head = 2;
    await feed.catchUp(await source.head());
    expect(seen).toEqual([1, 2]);
  });
});
