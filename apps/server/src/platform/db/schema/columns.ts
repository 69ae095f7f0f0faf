import { timestamp } from 'drizzle-orm/pg-core';

// Millisecond precision, as JavaScript dates have: a timestamp read back compares equal to the stored one.
export const tstz = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
export const createdAt = () => tstz('created_at').notNull().defaultNow();
