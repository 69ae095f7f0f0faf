import { closeCodes, type ServerMessage } from '@parley/contracts';
import { and, gt, inArray, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../platform/db/client.ts';
import { sessions } from '../platform/db/schema.ts';
import type { Client } from './clients.ts';

/**
 * Refreshes presence through the sockets' sessions: a session that ended (log out on another node)
 * refreshes nothing, and its row lock orders this against the log out that deletes it.
 */
export async function markActive(
  db: Db,
  logger: FastifyBaseLogger,
  workspaceId: string,
  sessionIds: string[],
): Promise<void> {
  const ids = sql.join(
    [...new Set(sessionIds)].map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  // The rows are locked in key order, as everyone else who locks several of them does (the router
  // locks a team's memberships by user id): an UPDATE alone locks them in whatever order it finds
  // them, which deadlocked with a routing pass and lost it a transfer racing it.
  await db
    .execute(sql`WITH seen AS MATERIALIZED (
        SELECT id FROM sessions WHERE id IN (${ids}) AND expires_at > now() ORDER BY id FOR NO KEY UPDATE),
      live AS (
        UPDATE sessions s SET last_seen_at = now() FROM seen WHERE s.id = seen.id RETURNING s.user_id),
      present AS MATERIALIZED (
        SELECT user_id FROM memberships WHERE workspace_id = ${workspaceId} AND user_id IN (SELECT user_id FROM live)
        ORDER BY user_id FOR NO KEY UPDATE)
      UPDATE memberships m SET last_active_at = now() FROM present
      WHERE m.workspace_id = ${workspaceId} AND m.user_id = present.user_id`)
    .catch((err) => logger.warn({ err }, 'presence'));
}

/**
 * The gateway's heartbeat: every `heartbeatMs`, a socket silent (no pong) for `deadAfterMs` is dropped
 * as dead, the others are pinged and sent a heartbeat, the operators' presence is refreshed through
 * their sessions, and the sockets of sessions that ended are closed (`closeEndedSessions`, also called
 * by the gateway when someone is disconnected).
 *
 * The sockets are gone through in slices spread over the period (one every 100 ms or more), not all in
 * one turn of the event loop: with 20,000 sockets on a node, one turn writing to every socket held
 * the loop for about a second every period, and every message in flight waited for it.
 */
export function startHeartbeat(opts: {
  clients: Set<Client>;
  heartbeatMs: number;
  deadAfterMs: number;
  db: Db;
  logger: FastifyBaseLogger;
  send(client: Client, message: ServerMessage): void;
  drop(client: Client, code: number, reason: string): void;
  /** A session with sockets here ended (expiry, or log out elsewhere): its user's presence ends now. */
  onSessionEnded?: (userId: string, sessionId: string) => Promise<void>;
}): { closeEndedSessions(): Promise<void>; stop(): void } {
  const { clients } = opts;

  /** A session that ended anywhere (log out on any node, password reset, expiry) loses its sockets here too. */
  const closeEndedSessions = async () => {
    const bySession = new Map<string, Client[]>();
    for (const client of clients) {
      const p = client.principal;
      if (p.kind === 'operator') bySession.set(p.sessionId, [...(bySession.get(p.sessionId) ?? []), client]);
    }
    if (bySession.size === 0) return;
    const alive = await opts.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(inArray(sessions.id, [...bySession.keys()]), gt(sessions.expiresAt, new Date())));
    const kept = new Set(alive.map((row) => row.id));
    for (const [sessionId, sockets] of bySession) {
      if (kept.has(sessionId)) continue;
      const { userId, impersonatorId } = sockets[0]!.principal as { userId: string; impersonatorId?: string };
      // An impersonation that ended: the browser goes back to its own session (reconnect), and the
      // impersonated operator's presence is not theirs to end.
      const code = impersonatorId ? closeCodes.goingAway : closeCodes.unauthorized;
      for (const client of sockets) opts.drop(client, code, 'session ended');
      if (impersonatorId) continue;
      await opts.onSessionEnded?.(userId, sessionId).catch((err) => opts.logger.warn({ err }, 'presence'));
    }
  };

  /**
   * When this node last came back from a stall: its own event loop held (a long synchronous stretch,
   * the embedded database under load), so the pongs that came meanwhile wait unread behind this timer.
   * A socket is not judged silent until a heartbeat after that: in a test under load, sockets that
   * had answered were dropped as dead, and their operators stopped receiving conversations.
   */
  let resumedAt = 0;

  /** One socket's turn: dropped if silent too long, else pinged and sent a heartbeat in one write. */
  const beat = (client: Client, now: number) => {
    if (now - client.lastPong > opts.deadAfterMs && now - resumedAt >= opts.heartbeatMs) {
      clients.delete(client);
      client.ws.terminate();
      return;
    }
    // `send` corks the socket until the end of the turn: the ping goes out in the same write.
    opts.send(client, { type: 'heartbeat' });
    client.ws.ping();
  };

  /** At the start of a period: presence through the operators' sessions, and ended sessions. */
  const period = () => {
    const active = new Map<string, string[]>();
    for (const client of clients) {
      const p = client.principal;
      if (p.kind === 'operator' && !p.impersonatorId)
        active.set(p.workspaceId, [...(active.get(p.workspaceId) ?? []), p.sessionId]);
    }
    for (const [workspaceId, sessionIds] of active)
      void markActive(opts.db, opts.logger, workspaceId, sessionIds);
    void closeEndedSessions().catch((err) => opts.logger.warn({ err }, 'session check'));
  };

  const slices = Math.max(1, Math.min(50, Math.floor(opts.heartbeatMs / 100)));
  const tickMs = opts.heartbeatMs / slices;
  let round: Client[] = [];
  let slice = 0;
  let lastTick = Date.now();
  const timer = setInterval(() => {
    if (slice === 0) round = [...clients];
    const now = Date.now();
    if (now - lastTick > tickMs + 1000) resumedAt = now;
    lastTick = now;
    const from = Math.floor((round.length * slice) / slices);
    const to = Math.floor((round.length * (slice + 1)) / slices);
    for (let i = from; i < to; i++) {
      const client = round[i]!;
      // Closed or dropped since the period began: nothing to do.
      if (clients.has(client)) beat(client, now);
    }
    if (slice === 0) period();
    slice = (slice + 1) % slices;
    if (slice === 0) round = [];
  }, tickMs);
  timer.unref();

  return { closeEndedSessions, stop: () => clearInterval(timer) };
}
