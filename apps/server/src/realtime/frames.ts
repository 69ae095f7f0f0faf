import {
  type ClientMessage,
  type Conversation,
  clientMessage,
  type ServerMessage,
  type WidgetMessage,
} from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { EventBus, StoredEvent } from '../events/bus.ts';
import { canViewConversation } from '../modules/conversations/policy.ts';
import { loadConversation } from '../modules/conversations/queries.ts';
import type { Principal, VisitorPrincipal } from '../modules/workspaces/policy.ts';
import type { Db } from '../platform/db/client.ts';
import { isDatabaseUnavailable } from '../platform/db/errors.ts';
import { contacts } from '../platform/db/schema.ts';
import { AppError } from '../platform/errors.ts';
import type { Client } from './clients.ts';

export type SendFrame = Extract<ClientMessage, { type: 'send' }>;

/**
 * The latest state of conversations seen in events on this node (every conversation event carries
 * it): typing indicators check who may hear them against it instead of reading the database.
 */
export class KnownConversations {
  private readonly seen = new Map<string, { seq: number; conversation: Conversation }>();

  remember(event: Pick<StoredEvent, 'workspaceId' | 'seq' | 'payload'>): void {
    const conversation = (event.payload as { conversation?: Conversation }).conversation;
    if (!conversation?.id) return;
    const key = `${event.workspaceId}:${conversation.id}`;
    const known = this.seen.get(key);
    if (known && known.seq > event.seq) return;
    if (!known && this.seen.size >= 50_000) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, { seq: event.seq, conversation });
  }

  get(workspaceId: string, conversationId: string): Conversation | undefined {
    return this.seen.get(`${workspaceId}:${conversationId}`)?.conversation;
  }
}

/** Who a signal comes from, so its sender does not hear it back. */
export const senderOf = (p: Principal): string =>
  p.kind === 'operator' ? `user:${p.userId}` : `visitor:${p.visitorId}`;

/** The name shown beside a typing indicator: an operator's first name, a customer's name if known. */
export async function nameOf(db: Db, p: Principal): Promise<string | null> {
  if (p.kind === 'operator') return p.name.split(' ')[0] ?? null;
  if (!p.contactId) return null;
  const [row] = await db.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, p.contactId));
  return row?.name ?? null;
}

/**
 * What a client writes on its socket: typing indicators (checked like any read of the conversation,
 * then fanned out without storing) and a visitor's messages (answered by an ack frame).
 */
export function clientFrames(opts: {
  db: Db;
  bus: EventBus;
  logger: FastifyBaseLogger;
  /** Stores a visitor's message sent over the socket (the same command as the HTTP route). */
  receive?: (visitor: VisitorPrincipal, message: SendFrame) => Promise<WidgetMessage>;
  /** Messages one visitor socket may send per minute. */
  sendRateLimit?: number;
  send: (client: Client, message: ServerMessage) => void;
  known: KnownConversations;
}): (client: Client, raw: string) => Promise<void> {
  const { send } = opts;

  /** A visitor's message over the socket: the token was checked when it opened; answered by an ack. */
  const onSend = async (client: Client, frame: SendFrame) => {
    const p = client.principal;
    const refuse = (status: number, code: string, message: string, field?: string) =>
      send(client, { type: 'ack', clientId: frame.clientId, error: { status, code, message, field } });
    if (p.kind !== 'visitor' || !opts.receive) {
      return refuse(400, 'validation_failed', 'operators send messages over HTTP');
    }
    const now = Date.now();
    if (now - client.sent.windowStart >= 60_000) client.sent = { windowStart: now, count: 0 };
    if (++client.sent.count > (opts.sendRateLimit ?? Number.POSITIVE_INFINITY)) {
      return refuse(429, 'rate_limited', 'too many messages: slow down');
    }
    try {
      const message = await opts.receive(p, frame);
      send(client, { type: 'ack', clientId: frame.clientId, message });
    } catch (err) {
      if (err instanceof AppError) return refuse(err.status, err.code, err.message, err.field);
      if (isDatabaseUnavailable(err)) return refuse(503, 'unavailable', 'try again in a moment');
      opts.logger.error({ err }, 'realtime send');
      refuse(500, 'internal', 'internal error');
    }
  };

  return async (client, raw) => {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return send(client, { type: 'error', code: 'validation_failed', message: 'messages must be JSON' });
    }
    const parsed = clientMessage.safeParse(json);
    if (!parsed.success) {
      const frame = json as { type?: unknown; clientId?: unknown };
      const issue = parsed.error.issues[0];
      if (frame?.type === 'send' && typeof frame.clientId === 'string') {
        // A refused message is answered like the HTTP route's 400, naming the field.
        const field = issue?.path.join('.') || undefined;
        return send(client, {
          type: 'ack',
          clientId: frame.clientId,
          error: {
            status: 400,
            code: 'validation_failed',
            message: `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`,
            field,
          },
        });
      }
      return send(client, {
        type: 'error',
        code: 'validation_failed',
        message: parsed.error.issues[0]?.message ?? 'invalid',
      });
    }
    if (parsed.data.type === 'send') return onSend(client, parsed.data);
    if (parsed.data.type !== 'typing') return;
    const p = client.principal;
    const conversation =
      opts.known.get(p.workspaceId, parsed.data.conversationId) ??
      (await loadConversation(opts.db, p.workspaceId, parsed.data.conversationId).catch(() => null));
    if (conversation) opts.known.remember({ workspaceId: p.workspaceId, seq: 0, payload: { conversation } });
    if (!conversation || !canViewConversation(p, conversation)) {
      return send(client, { type: 'error', code: 'not_found', message: 'conversation not found' });
    }
    opts.bus.signal({
      workspaceId: p.workspaceId,
      from: senderOf(p),
      conversation,
      signal: {
        type: 'typing',
        conversationId: conversation.id,
        who: p.kind === 'operator' ? 'operator' : 'contact',
        name: client.name,
        typing: parsed.data.typing,
      },
    });
  };
}
