import { pageInfo } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import { clip } from './host-commands.ts';

describe('page texts from the host page', () => {
  it('become well-formed text the server accepts, cut without splitting a character', () => {
    expect(clip('Shop\u0000 \u0007home\ud800', 100)).toBe('Shop   home');
    expect(clip('ab😀', 3)).toBe('ab');
    const page = { url: clip(`https://a.test/${'😀'.repeat(1500)}`, 2000), title: clip('A\u0000\tB', 500) };
    expect(pageInfo.safeParse(page).success).toBe(true);
  });
});
