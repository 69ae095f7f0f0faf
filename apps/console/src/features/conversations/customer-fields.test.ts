import { describe, expect, it } from 'vitest';
import { languageText } from './customer-fields.ts';

describe('languageText', () => {
  it("names the browser's language in the reader's language, with its code", () => {
    expect(languageText('en-GB', 'en')).toBe('British English (en-GB)');
    expect(languageText('fr', 'es')).toBe('francés (fr)');
    expect(languageText('es-ES', 'fr')).toMatch(/^espagnol .*\(es-ES\)$/);
  });

  it('keeps a code it cannot name, and shows nothing for none', () => {
    expect(languageText('not a language', 'en')).toBe('not a language');
    expect(languageText(null, 'en')).toBeNull();
    expect(languageText('', 'en')).toBeNull();
  });
});
