import { z } from 'zod';
import { typingSignal } from './conversations.ts';

export { closeCodes } from './realtime-protocol.ts';

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

export { heartbeatSeconds } from './realtime-protocol.ts';
