import type { WebSocket } from 'ws';
import type { StoredEvent } from '../events/bus.ts';
import type { Principal, VisitorPrincipal } from '../modules/workspaces/policy.ts';
import type { WorkspaceFeed } from './feed.ts';

/** One socket on this node, operator or visitor, as the gateway keeps it. */
export interface Client {
  ws: WebSocket;
  principal: Principal;
  /** Shown with typing indicators. */
  name: string | null;
  cursor: number;
  backlog: StoredEvent[] | null;
  /** When the client last answered a ping (`deadAfterMs`). */
  lastPong: number;
  /** Messages sent in the current minute, for the rate limit of `send`. */
  sent: { windowStart: number; count: number };
}

type Conversationish = { visitorId: string | null; contact: { id: string } };

/**
 * A workspace's visitor sockets on this node, indexed by what decides whether a visitor may see a
 * conversation (its visitor id, its contact): an event reaches only the sockets of its conversation's
 * customer, found by two map lookups, instead of every visitor socket filtering the workspace's feed.
 * One listener on the feed for all of them.
 */
export class VisitorAudience {
  readonly all = new Set<Client>();
  private readonly byVisitor = new Map<string, Set<Client>>();
  private readonly byContact = new Map<string, Set<Client>>();
  private unlisten: (() => void) | null = null;

  constructor(
    private readonly feed: WorkspaceFeed,
    private readonly deliver: (client: Client, event: StoredEvent) => void,
  ) {}

  add(client: Client): () => void {
    const p = client.principal as VisitorPrincipal;
    this.all.add(client);
    put(this.byVisitor, p.visitorId, client);
    if (p.contactId) put(this.byContact, p.contactId, client);
    this.unlisten ??= this.feed.listen((event) => this.dispatch(event));
    return () => {
      const q = client.principal as VisitorPrincipal;
      this.all.delete(client);
      take(this.byVisitor, q.visitorId, client);
      if (q.contactId) take(this.byContact, q.contactId, client);
      if (q.contactId !== p.contactId && p.contactId) take(this.byContact, p.contactId, client);
      if (this.all.size === 0) {
        this.unlisten?.();
        this.unlisten = null;
      }
    };
  }

  /** A visitor whose contact became known (their first message, seen in a replay): indexed by it too. */
  follow(client: Client): void {
    const contactId = (client.principal as VisitorPrincipal).contactId;
    if (contactId && this.all.has(client)) put(this.byContact, contactId, client);
  }

  /** The visitor sockets that may see a conversation. */
  of(conversation: Conversationish): Client[] {
    const found = new Set<Client>(
      conversation.visitorId ? (this.byVisitor.get(conversation.visitorId) ?? []) : [],
    );
    for (const client of this.byContact.get(conversation.contact.id) ?? []) found.add(client);
    return [...found];
  }

  private dispatch(event: StoredEvent): void {
    const conversation = (event.payload as { conversation?: Conversationish }).conversation;
    const targets = conversation
      ? this.of(conversation)
      : event.name === 'widget.availability'
        ? this.all
        : [];
    for (const client of targets) {
      const before = (client.principal as VisitorPrincipal).contactId;
      this.deliver(client, event);
      // A visitor's first message creates their contact: index them by it from now on.
      if ((client.principal as VisitorPrincipal).contactId !== before) this.follow(client);
    }
  }
}

function put<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function take<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
