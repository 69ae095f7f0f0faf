import { describe, expect, it } from 'vitest';
import { contrastRatio, textOn } from './tag-colour.ts';

describe('the text colour of a tag badge', () => {
  it('is readable (4.5:1) on the default tag colour and on every colour an admin may pick', () => {
    expect(contrastRatio('#3b82f6', textOn('#3b82f6'))).toBeGreaterThanOrEqual(4.5);
    const steps = ['00', '33', '66', '99', 'cc', 'ff', '3b', '82', 'f6', '7f', '80'];
    const poor: string[] = [];
    for (const r of steps)
      for (const g of steps)
        for (const b of steps) {
          const colour = `#${r}${g}${b}`;
          if (contrastRatio(colour, textOn(colour)) < 4.5) poor.push(colour);
        }
    expect(poor).toEqual([]);
  });

  it('is white on dark colours and black on light ones', () => {
    expect(textOn('#1f2937')).toBe('#ffffff');
    expect(textOn('#fde68a')).toBe('#000000');
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21);
  });
});
