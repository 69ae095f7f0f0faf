import { z } from 'zod';
import { text } from './text.ts';

export const id = z.uuid();
export const email = z.email().max(254);
/** Not trimmed: spaces are part of a password. */
export const password = text({ max: 200, trim: false }).min(8, 'must be at least 8 characters');
export const displayName = text({ min: 1, max: 120 });
export const locales = ['en', 'es', 'fr'] as const;
export const locale = z.enum(locales);
export type Locale = z.infer<typeof locale>;
/** The language of an export's headers and of the values a reader sees (statuses, roles, channels…). */
export const exportLanguage = locale
  .default('en')
  .describe('language of the headers and values: en, es or fr');
export const timestamp = z.string().describe('ISO 8601 date-time');
