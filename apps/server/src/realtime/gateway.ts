import type { Socket } from 'node:net';
import { closeCodes, heartbeatSeconds, type ServerMessage, type WidgetMessage } from '@parley/contracts';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { type EventBus, eventText, memoOf, type SignalEnvelope, type StoredEvent } from '../events/bus.ts';
import { canViewConversation } from '../modules/conversations/policy.ts';
import { operatorPrincipal, type Principal, type VisitorPrincipal } from '../modules/workspaces/policy.ts';
import type { Db } from '../platform/db/client.ts';
import { isDatabaseUnavailable } from '../platform/db/errors.ts';
import { AppError } from '../platform/errors.ts';
import { present } from './audience.ts';
import { type Client, VisitorAudience } from './clients.ts';
import { type FeedSource, WorkspaceFeed } from './feed.ts';
import { clientFrames, KnownConversations, nameOf, type SendFrame, senderOf } from './frames.ts';
import { markActive, startHeartbeat } from './liveness.ts';
import { outboxReads, PAGE } from './replay.ts';

export interface GatewayOptions {
  db: Db;
  bus: EventBus;
  logger: FastifyBaseLogger;
  /** An operator opened a socket; runs before their presence is refreshed. */
  onOperatorJoined?: (workspaceId: string, userId: string) => Promise<void>;
  /** An operator's last socket on this node closed. */
  onOperatorLeft?: (workspaceId: string, userId: string) => void;
  /** A session with sockets here ended (expiry, or log out elsewhere): its user's presence ends now. */
  onSessionEnded?: (userId: string, sessionId: string) => Promise<void>;
  /** Works out who opens the socket, or null to refuse it. */
  authenticate(request: FastifyRequest): Promise<Principal | null>;
  heartbeatMs?: number;
  /**
   * A socket silent (no pong) for this long is dropped as dead: two heartbeats and at least 10 s, so
   * a busy machine that answers a ping late does not lose its consoles.
   */
  deadAfterMs?: number;
  /** Bytes queued on one socket before it is dropped as a slow consumer. */
  maxBufferedBytes?: number;
  /** How often each feed checks the outbox for events the bus never brought. */
  syncMs?: number;
  /** Most events replayed to one resuming client; further behind, it is told to reload. */
  maxReplay?: number;
  /** Applied to events read back from the outbox (e.g. to sign file links again). */
  refresh?: (event: StoredEvent) => StoredEvent;
  /**
   * A visitor's message sent over their socket (`send`), handed to the same command as the HTTP
   * route; the answer goes back as an `ack`. Without it, `send` is refused.
   */
  receive?: (visitor: VisitorPrincipal, message: SendFrame) => Promise<WidgetMessage>;
  /** Messages one visitor socket may send per minute (as the HTTP route's limit). */
  sendRateLimit?: number;
}

/**
 * Checked before the upgrade, so a bad value is a 400 naming it: `after` is the sequence number of the
 * last event the client received. The other parameters (who opens the socket) are the authenticator's.
 */
const realtimeQuery = z.looseObject({
  after: z
    .string()
    .regex(/^\d{1,15}$/, 'must be the sequence number of the last event received (a whole number)')
    .optional(),
});

/** WebSocket close code 1013: a temporary condition on the server (the database is restarting). */
const TRY_AGAIN_LATER = 1013;

/** What the gateway holds, for tests and diagnostics: all of it returns to zero when sockets close. */
export interface GatewayStats {
  clients: number;
  feeds: number;
  /** Listeners on all feeds: one per socket attached or attaching. */
  listeners: number;
  /** Outbox rows read to replay missed events to resuming clients, since start. */
  replayedRows: number;
}

export interface Gateway {
  register(app: FastifyInstance): void;
  readonly connections: number;
  stats(): GatewayStats;
  /** The outbox reads of the feeds; tests replace a method to make a read fail. */
  readonly source: FeedSource;
  close(): void;
}

export function createGateway(opts: GatewayOptions): Gateway {
  const heartbeatMs = opts.heartbeatMs ?? heartbeatSeconds * 1000;
  const deadAfterMs = opts.deadAfterMs ?? Math.max(2 * heartbeatMs, 10_000);
  const maxBuffered = opts.maxBufferedBytes ?? 1 << 20;
  const maxReplay = opts.maxReplay ?? 10_000;
  const feeds = new Map<string, WorkspaceFeed>();
  const audiences = new WeakMap<WorkspaceFeed, VisitorAudience>();
  const clients = new Set<Client>();
  /** Operator sockets (signals go to them and to the conversation's customer only). */
  const operators = new Set<Client>();
  const audienceOf = (feed: WorkspaceFeed) => {
    let audience = audiences.get(feed);
    if (!audience) {
      audience = new VisitorAudience(feed, (client, event) => deliver(client, event));
      audiences.set(feed, audience);
    }
    return audience;
  };
  let replayedRows = 0;

  const { source, heads, visitorRange, pruned } = outboxReads(opts.db, opts.refresh);

  /** Conversations as the latest events on this node left them (typing checks against them). */
  const known = new KnownConversations();
  const unsubscribe = opts.bus.subscribe((event) => {
    known.remember(event);
    feeds.get(event.workspaceId)?.receive(event);
  });

  /**
   * The frames a socket is sent in one round of the event loop (the committed batches of events whose
   * answers arrived in it, fanned out) leave in one write: the socket is corked at the first of them
   * and uncorked after the round's I/O (`setImmediate`), instead of one system call per frame. A slow
   * consumer is told by what it had buffered before the round, checked at that first frame (the
   * round's own frames wait in the cork).
   */
  const corked = new Set<Client>();
  const uncork = () => {
    for (const client of corked) socketOf(client)?.uncork();
    corked.clear();
  };
  const send = (client: Client, message: ServerMessage | Buffer) => {
    if (client.ws.readyState !== client.ws.OPEN) return;
    if (!corked.has(client)) {
      if (client.ws.bufferedAmount > maxBuffered) {
        drop(client, closeCodes.slowConsumer, 'slow consumer: reconnect and resume');
        return;
      }
      const socket = socketOf(client);
      if (socket) {
        if (corked.size === 0) setImmediate(uncork);
        socket.cork();
        corked.add(client);
      }
    }
    if (Buffer.isBuffer(message)) client.ws.send(message, { binary: false });
    else client.ws.send(JSON.stringify(message));
  };

  // An event every member of an audience sees alike is serialised and encoded once, not once per
  // socket: the payload's text is the one written to the outbox (events/bus.ts `eventText`), and the
  // frame's bytes go to every socket as they are (a string would be measured and encoded per socket).
  const sendEvent = (client: Client, event: StoredEvent) => {
    const memo = memoOf(event);
    memo.frame ??= Buffer.from(`{"type":"event","event":${eventText(event)}}`);
    send(client, memo.frame);
  };

  const drop = (client: Client, code: number, reason: string) => {
    clients.delete(client);
    client.ws.close(code, reason);
    setTimeout(() => client.ws.terminate(), 5000).unref();
  };

  const deliver = (client: Client, event: StoredEvent) => {
    if (client.backlog) {
      client.backlog.push(event);
      return;
    }
    if (event.seq <= client.cursor) return;
    client.cursor = event.seq;
    const visible = present(client.principal, event);
    if (visible) sendEvent(client, visible);
    followMembership(client, event);
  };

  /** A member whose role changes or who is removed sees the change on the sockets already open. */
  const followMembership = (client: Client, event: StoredEvent) => {
    const p = client.principal;
    if (p.kind === 'visitor') {
      // A visitor's first message creates their contact: from then on, the contact's conversations are theirs.
      const created =
        event.name === 'conversation.created' &&
        (event.payload as { conversation: { visitorId: string | null; contact: { id: string } } })
          .conversation;
      if (created && created.visitorId === p.visitorId)
        client.principal = { ...p, contactId: created.contact.id };
      return;
    }
    if (event.name === 'member.removed' && (event.payload as { userId: string }).userId === p.userId) {
      drop(client, closeCodes.notFound, 'no longer a member of this workspace');
    }
    // OPS-4: an impersonation lasts while its impersonator may impersonate: it ends, or its
    // impersonator is removed or changed, and its sockets close now (a reconnect is asked again).
    if (p.impersonatorId) {
      const { sessionId, userId, member } = event.payload as {
        sessionId?: string;
        userId?: string;
        member?: { userId: string };
      };
      if (
        (event.name === 'impersonation.ended' && sessionId === p.sessionId) ||
        (event.name === 'member.removed' && userId === p.impersonatorId) ||
        (event.name === 'member.updated' && member?.userId === p.impersonatorId)
      ) {
        drop(client, closeCodes.goingAway, 'impersonation ended or its rights changed');
        return;
      }
    }
    // Someone was disconnected (log out anywhere): sockets of an ended session close now, not at the
    // next heartbeat.
    if (
      event.name === 'operator.status_changed' &&
      (event.payload as { userId: string; status: string }).userId === p.userId &&
      (event.payload as { status: string }).status === 'disconnected'
    ) {
      void heartbeat.closeEndedSessions().catch((err) => opts.logger.warn({ err }, 'session check'));
    }
    // The teams decide which conversations and canned answers an operator sees: kept as they change.
    if (event.name === 'team.updated' || event.name === 'team.deleted') {
      const { team, teamId } = event.payload as {
        team?: { id: string; memberIds: string[] };
        teamId?: string;
      };
      const id = team?.id ?? teamId!;
      const member = team?.memberIds.includes(p.userId) ?? false;
      if (member !== p.teamIds.has(id)) {
        const teamIds = new Set(p.teamIds);
        if (member) teamIds.add(id);
        else teamIds.delete(id);
        client.principal = { ...p, teamIds };
      }
    }
    if (event.name === 'member.updated') {
      const { member } = event.payload as {
        member: { userId: string; role: typeof p.role; permissions: string[] };
      };
      if (member.userId === p.userId && p.impersonatorId) {
        // An impersonation's rights are an intersection worked out when the socket opens: reconnect.
        drop(client, closeCodes.goingAway, 'rights changed');
      } else if (member.userId === p.userId) {
        client.principal = operatorPrincipal({ ...p, role: member.role, grants: member.permissions });
      }
    }
  };

  const onClientMessage = clientFrames({
    db: opts.db,
    bus: opts.bus,
    logger: opts.logger,
    receive: opts.receive,
    sendRateLimit: opts.sendRateLimit,
    send,
    known,
  });

  const onSignal = (envelope: SignalEnvelope) => {
    // Operators of the workspace, and the conversation's customer: never a loop over every visitor.
    const feed = feeds.get(envelope.workspaceId);
    const visitorsOf = feed ? (audiences.get(feed)?.of(envelope.conversation) ?? []) : [];
    for (const client of [...operators, ...visitorsOf]) {
      const p = client.principal;
      if (!clients.has(client)) continue;
      if (p.workspaceId !== envelope.workspaceId || senderOf(p) === envelope.from || client.backlog) continue;
      if (!canViewConversation(p, envelope.conversation)) continue;
      // Customers hear operators; operators hear customers and each other.
      if (p.kind === 'visitor' && envelope.signal.who !== 'operator') continue;
      send(client, { type: 'signal', signal: envelope.signal });
    }
  };
  const stopSignals = opts.bus.onSignal(onSignal);

  const feedFor = (workspaceId: string): WorkspaceFeed => {
    let feed = feeds.get(workspaceId);
    if (!feed) {
      const created = new WorkspaceFeed(workspaceId, source, (err) =>
        opts.logger.error({ err }, 'realtime feed'),
      );
      feeds.set(workspaceId, created);
      // A feed whose head could not be read is not kept: the workspace's next socket tries again.
      created.ready.catch(() => {
        if (feeds.get(workspaceId) === created) feeds.delete(workspaceId);
      });
      feed = created;
    }
    return feed;
  };

  /**
   * `onClose` runs its cleanup when the socket closes, or at once if it already has: the listener on
   * the feed is registered before the first await, so a socket closing at any point leaves nothing.
   */
  const attach = async (
    ws: WebSocket,
    principal: Principal,
    after: number,
    onClose: (cleanup: () => void) => void,
  ) => {
    const feed = feedFor(principal.workspaceId);
    const client: Client = {
      ws,
      principal,
      name: null,
      cursor: after,
      backlog: [],
      lastPong: Date.now(),
      sent: { windowStart: 0, count: 0 },
    };
    let gone = false;
    const unlisten =
      principal.kind === 'visitor'
        ? audienceOf(feed).add(client)
        : feed.listen((event) => deliver(client, event));
    if (principal.kind === 'operator') operators.add(client);
    onClose(() => {
      gone = true;
      clients.delete(client);
      operators.delete(client);
      unlisten();
      const p = client.principal;
      // An impersonation (OPS-4) is no presence of the impersonated operator.
      if (
        p.kind === 'operator' &&
        !p.impersonatorId &&
        // Among the operator sockets only: a node losing 20,000 sockets at once must not look through
        // all of them for each operator.
        ![...operators].some(
          (c) =>
            clients.has(c) &&
            c.principal.kind === 'operator' &&
            !c.principal.impersonatorId &&
            c.principal.userId === p.userId &&
            c.principal.workspaceId === p.workspaceId,
        )
      ) {
        opts.onOperatorLeft?.(p.workspaceId, p.userId);
      }
      if (feed.size === 0 && feeds.get(feed.workspaceId) === feed) feeds.delete(feed.workspaceId);
    });
    if (gone) return;
    ws.on('pong', () => {
      client.lastPong = Date.now();
    });
    ws.on('message', (data) => {
      void onClientMessage(client, String(data)).catch((err) =>
        opts.logger.warn({ err }, 'realtime message'),
      );
    });
    await feed.ready;
    client.name = await nameOf(opts.db, principal);
    if (gone) return;
    // Heartbeats, signals and session checks from here on.
    clients.add(client);
    if (principal.kind === 'operator' && !principal.impersonatorId) {
      const { workspaceId, userId } = principal;
      void (async () => {
        await opts.onOperatorJoined?.(workspaceId, userId);
        await markActive(opts.db, opts.logger, workspaceId, [principal.sessionId]);
      })().catch((err) => opts.logger.warn({ err }, 'presence'));
    }
    // Replay what the client missed from the outbox up to the feed's head; anything newer arrives
    // through the feed meanwhile and waits in the backlog, so nothing is skipped or sent twice.
    const head = feed.head;
    const resync = (message: string) => {
      // The client must reload its state over HTTP, then follow from now.
      send(client, { type: 'error', code: 'resync_required', message });
      client.cursor = head;
    };
    if (after <= 0 || after > head) client.cursor = head;
    else if (after < head && (await pruned(principal.workspaceId, after))) {
      resync('events since your last one are no longer kept');
    } else if (principal.kind === 'operator' && head - after > maxReplay) {
      resync('too many events since your last one: reload');
    }
    let replayed = 0;
    while (client.cursor < head && clients.has(client)) {
      const p = client.principal;
      const page =
        p.kind === 'visitor'
          ? await visitorRange(p, client.cursor, head)
          : await source.range(principal.workspaceId, client.cursor, head);
      replayedRows += page.length;
      replayed += page.length;
      if (page.length === 0) break;
      for (const event of page) {
        client.cursor = event.seq;
        const visible = present(client.principal, event);
        if (visible) sendEvent(client, visible);
        followMembership(client, event);
      }
      if (page.length < PAGE) break;
      // Live events wait in the backlog meanwhile: both are bounded, a client this far behind reloads.
      const waiting = client.backlog ?? [];
      if (replayed >= maxReplay || waiting.length > maxReplay) {
        resync('too many events since your last one: reload');
        client.cursor = Math.max(head, waiting.at(-1)?.seq ?? head);
        client.backlog = [];
        break;
      }
    }
    if (client.principal.kind === 'visitor') audienceOf(feed).follow(client);
    // Everything up to the head is known: a visitor's pages may stop early at its last event.
    if (clients.has(client) && client.cursor < head) client.cursor = head;
    const backlog = client.backlog ?? [];
    client.backlog = null;
    for (const event of backlog) deliver(client, event);
    send(client, { type: 'ready', head: client.cursor });
  };

  const heartbeat = startHeartbeat({
    clients,
    heartbeatMs,
    deadAfterMs,
    db: opts.db,
    logger: opts.logger,
    send,
    drop,
    onSessionEnded: opts.onSessionEnded,
  });

  // Every feed of this node checks the outbox for what the bus never brought: all their heads in one
  // statement (a node serving many workspaces would otherwise send one per workspace), one check at
  // a time (a slow database does not pile them up).
  let syncing = false;
  const syncTimer = setInterval(() => {
    if (syncing || feeds.size === 0) return;
    syncing = true;
    const checked = [...feeds.values()];
    void heads(checked.map((feed) => feed.workspaceId))
      .then((found) =>
        Promise.all(
          checked.map((feed) => {
            const head = found.get(feed.workspaceId);
            return head === undefined ? undefined : feed.catchUp(head);
          }),
        ),
      )
      .catch((err) => opts.logger.error({ err }, 'realtime sync'))
      .finally(() => {
        syncing = false;
      });
  }, opts.syncMs ?? 2000);
  syncTimer.unref();

  return {
    register(app) {
      app.get(
        '/api/realtime',
        { websocket: true, schema: { querystring: realtimeQuery } },
        (socket, request) => {
          const after = Number((request.query as { after?: string }).after ?? 0);
          // Listened to before anything async, so a socket that closes during authentication or attach
          // still runs its cleanup.
          let closed = false;
          const cleanups: (() => void)[] = [];
          socket.once('close', () => {
            closed = true;
            for (const cleanup of cleanups.splice(0)) cleanup();
          });
          const onClose = (cleanup: () => void) => (closed ? cleanup() : cleanups.push(cleanup));
          opts
            .authenticate(request)
            .then(async (principal) => {
              if (!principal) {
                socket.close(closeCodes.unauthorized, 'log in again');
                return;
              }
              if (closed) return;
              await attach(socket, principal, after, onClose);
            })
            .catch((err) => {
              if (err instanceof AppError && err.status < 500) {
                socket.close(err.status === 404 ? closeCodes.notFound : closeCodes.unauthorized, err.message);
                return;
              }
              if (isDatabaseUnavailable(err)) {
                // A database restart: the client reconnects with backoff and resumes.
                opts.logger.warn({ err }, 'realtime attach: database unavailable');
                socket.close(TRY_AGAIN_LATER, 'try again later');
                return;
              }
              opts.logger.error({ err }, 'realtime attach');
              socket.close(1011, 'internal error');
            });
        },
      );
    },
    get connections() {
      return clients.size;
    },
    stats() {
      let listeners = 0;
      for (const feed of feeds.values()) listeners += feed.size;
      return { clients: clients.size, feeds: feeds.size, listeners, replayedRows };
    },
    source,
    close() {
      heartbeat.stop();
      clearInterval(syncTimer);
      unsubscribe();
      stopSignals();
      for (const client of clients) client.ws.close(closeCodes.goingAway, 'server shutting down');
      clients.clear();
      operators.clear();
    },
  };
}

/** The TCP socket under a WebSocket (`ws` keeps it as `_socket`), to cork a turn's frames together. */
function socketOf(client: { ws: WebSocket }): Socket | undefined {
  const socket = (client.ws as unknown as { _socket?: Socket })._socket;
  return socket && typeof socket.cork === 'function' ? socket : undefined;
}
