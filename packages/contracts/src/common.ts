import { z } from 'zod';

export const id = z.uuid();
export const email = z.email().max(254);
export const password = z.string().min(8, 'must be at least 8 characters').max(200);
export const displayName = z.string().trim().min(1).max(120);
export const locales = ['en', 'es', 'fr'] as const;
export const locale = z.enum(locales);
export type Locale = z.infer<typeof locale>;
export const timestamp = z.string().describe('ISO 8601 date-time');
