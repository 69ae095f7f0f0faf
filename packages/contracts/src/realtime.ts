import { z } from 'zod';
import { typingSignal, widgetMessage, widgetSendBody } from './conversations.ts';

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
  /**
   * The answer to a visitor's `send`: the stored message (also when that client id was stored before:
   * a resend is stored once), or why it was refused, as the HTTP route would say it.
   */
  z.object({
    type: z.literal('ack'),
    clientId: z.string(),
    message: widgetMessage.optional(),
    error: z
      .object({
        status: z.number().describe('the HTTP status the same refusal has on POST /api/widget/messages'),
        code: z.string(),
        message: z.string(),
        field: z.string().optional(),
      })
      .optional(),
  }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;

export const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('typing'), conversationId: z.uuid(), typing: z.boolean() }),
  /**
   * A visitor's message over their socket, as the body of POST /api/widget/messages; answered by an
   * `ack` with the same clientId. Visitors only (operators send over HTTP).
   */
  widgetSendBody.safeExtend({ type: z.literal('send') }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

export { heartbeatSeconds } from './realtime-protocol.ts';
