import { labels } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import { en } from './locales/en.ts';
import { es } from './locales/es.ts';
import { fr } from './locales/fr.ts';

describe('the console wording', () => {
  it.each([
    ['en', en],
    ['es', es],
    ['fr', fr],
  ] as const)('names a snoozed conversation unlike any operator status in %s', (lang, texts) => {
    // French said "En pause" for both a snoozed conversation and an operator on break.
    const statuses = Object.values(labels[lang].statuses).map((s) => s.toLowerCase());
    for (const snoozed of [texts.conversations.status.snoozed, texts.conversations.state.snoozed])
      expect(statuses).not.toContain(snoozed.toLowerCase());
  });
});
