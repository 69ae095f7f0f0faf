/** The database schema, one file per area; drizzle-kit and the code import it from here. */
export * from './schema/accounts.ts';
export * from './schema/compose.ts';
export * from './schema/conversations.ts';
export * from './schema/inbox.ts';
export * from './schema/metrics.ts';
export * from './schema/platform.ts';
export * from './schema/routing.ts';
export * from './schema/tags.ts';
