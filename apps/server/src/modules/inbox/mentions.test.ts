import { describe, expect, it } from 'vitest';
import { findMentions } from './mentions.ts';

const members = [
  { userId: 'anna', name: 'Anna Keller' },
  { userId: 'ann', name: 'Ann Lee' },
  { userId: 'oscar', name: 'Oscar Diaz' },
  { userId: 'oscar2', name: 'Oscar Wilde' },
  { userId: 'sam', name: 'Sam' },
];

describe('findMentions', () => {
  it('finds full names, unique first names, and ignores ambiguous or partial ones', () => {
    expect(findMentions('@Anna Keller can you look?', members)).toEqual(['anna']);
    expect(findMentions('ping @anna, and @ann lee.', members).sort()).toEqual(['ann', 'anna']);
    expect(findMentions('@Oscar help', members)).toEqual([]);
    expect(findMentions('@Oscar Wilde help', members)).toEqual(['oscar2']);
    expect(findMentions('@Samuel no', members)).toEqual([]);
    expect(findMentions('@sam', members)).toEqual(['sam']);
    expect(findMentions('mail sam@example.com', members)).toEqual([]);
    expect(findMentions('no mentions here', members)).toEqual([]);
  });
});

describe('findMentions next to text', () => {
  it('needs the @ to start a word', () => {
    expect(findMentions('write to sam@sam.com', members)).toEqual([]);
    expect(findMentions('(@sam)', members)).toEqual(['sam']);
  });
});
