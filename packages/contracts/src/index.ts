export * from './auth.ts';
export * from './common.ts';
export * from './conversations.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './permissions.ts';
export * from './realtime.ts';
export * from './routing.ts';
