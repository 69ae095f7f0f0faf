import { z } from 'zod';
import { typingSignal } from './conversations.ts';

/** Close codes of the realtime gateway. 4xxx are Parley's own. */
export const closeCodes = {
  /** The server is going away; reconnect (to this or another node) and resume. */
  goingAway: 1001,
  /** The client could not keep up; reconnect and resume from the last sequence seen. */
  slowConsumer: 4008,
  /** Missing or invalid session / visitor token: do not retry until the user logs in again. */
  unauthorized: 4401,
  /** Unknown workspace or no membership. */
  notFound: 4404,
} as const;

export const serverMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('event'),
    event: z.object({ seq: z.number(), name: z.string(), payload: z.unknown(), at: z.string() }),
  }),
  z.object({
    type: z.literal('ready'),
    head: z.number().describe('the sequence the stream is caught up to'),
  }),
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  /** Ephemeral signals (typing): not numbered, not replayed. */
  z.object({ type: z.literal('signal'), signal: typingSignal }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;

export const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('typing'), conversationId: z.uuid(), typing: z.boolean() }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

/** Seconds between heartbeats; a client that hears nothing for two of them reconnects. */
export const heartbeatSeconds = 15;
