import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { publishLater } from '../../events/publish.ts';
import { allColumns, compiled, executePrepared, rowOf } from '../../platform/db/prepared.ts';
import { conversations, workspaces } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { type AppError, notFound } from '../../platform/errors.ts';
import { customerCountry } from '../contacts/country.ts';
import { presentConversation } from '../conversations/presenter.ts';
import { availability } from '../widget/queries.ts';
import { storedClientIds } from './writer-batch.ts';

/** A visitor's message whose conversation is not known yet: the first, or the first since a restart. */
export interface VisitorWrite {
  workspaceId: string;
  visitorId: string;
  clientId: string;
  /** When the message was written: a conversation it starts starts then. */
  at: Date;
}

export type VisitorTarget =
  /** The visitor's open conversation, or the one started for them here. */
  | { kind: 'conversation'; conversationId: string }
  /** A snoozed conversation to wake: the full path does that (it may re-route it). */
  | { kind: 'full' }
  /** Its client id is stored already: a resend, which must not start a conversation. */
  | { kind: 'duplicate' }
  | { kind: 'refused'; error: AppError };

/** New customers' contacts, and their visitors pointed at them: one statement, built once. */
const createContacts = compiled(sql`
  WITH made AS (
    INSERT INTO contacts (id, workspace_id, country)
    SELECT * FROM unnest(${sql.placeholder('ids')}::uuid[], ${sql.placeholder('workspaces')}::uuid[],
      ${sql.placeholder('countries')}::text[])
    RETURNING id
  )
  UPDATE visitors v SET contact_id = l.contact
  FROM unnest(${sql.placeholder('visitors')}::uuid[], ${sql.placeholder('ids')}::uuid[]) AS l(id, contact)
  WHERE v.id = l.id`);

/**
 * New conversations, numbered from each workspace's own sequence (no lock on the workspace row), in
 * the order given; built once (platform/db/prepared.ts).
 */
const startConversations = compiled<Record<string, unknown>>(sql`
  INSERT INTO conversations (workspace_id, number, channel, contact_id, visitor_id, team_id, offline,
    created_at, cycle_started_at, last_activity_at)
  SELECT v.workspace_id, next_conversation_number(v.workspace_id), 'web', v.contact_id, v.visitor_id,
    v.team_id, v.offline, v.at, v.at, v.at
  FROM unnest(${sql.placeholder('workspaces')}::uuid[], ${sql.placeholder('contacts')}::uuid[],
    ${sql.placeholder('visitors')}::uuid[], ${sql.placeholder('teams')}::uuid[],
    ${sql.placeholder('offline')}::boolean[], ${sql.placeholder('at')}::timestamptz[])
    AS v(workspace_id, contact_id, visitor_id, team_id, offline, at)
  RETURNING ${allColumns(conversations)}`);

/**
 * Finds, for a batch of visitors' messages, the conversation each goes to, inside the writer's
 * transaction and in a few statements whatever the batch size: the visitors are locked (in id order),
 * then read with their contact and their latest conversation not closed; a visitor without one gets a
 * conversation started now — and a contact, the first time they write — announced by
 * `conversation.created` at the end of the transaction, before its first message (`publishLater`).
 * It is what `sendVisitorMessage` does for one message, for many at once: the same rows, the same
 * event, the same offline flag and team.
 */
export async function visitorConversations(
  tx: Tx,
  writes: readonly VisitorWrite[],
): Promise<VisitorTarget[]> {
  const ids = [...new Set(writes.map((w) => w.visitorId))].sort();
  // Locked first, read after: the read's snapshot then sees what another transaction that held a
  // visitor (a message of theirs on another node, or on the full path) committed meanwhile — one
  // statement would read their conversations as they were before it waited.
  await executePrepared(
    tx.db,
    sql`SELECT 1 FROM visitors WHERE id = ANY(${sql.param(ids)}::uuid[]) ORDER BY id FOR UPDATE`,
  );
  const { rows: found } = await executePrepared<{
    id: string;
    workspace_id: string;
    locale: string | null;
    contact_id: string | null;
    contact_name: string | null;
    contact_email: string | null;
    conversation_id: string | null;
    status: string | null;
    stored: string[] | null;
  }>(
    tx.db,
    sql`
    SELECT v.id, v.workspace_id, v.locale, v.contact_id, ct.name AS contact_name, ct.email AS contact_email,
      c.id AS conversation_id, c.status, ${storedClientIds(
        sql.param(writes.map((w) => w.workspaceId)),
        sql.param(writes.map((w) => w.clientId)),
      )} AS stored
    FROM visitors v
    LEFT JOIN contacts ct ON ct.id = v.contact_id
    LEFT JOIN LATERAL (
      SELECT id, status FROM conversations
      WHERE workspace_id = v.workspace_id AND contact_id = v.contact_id AND channel = 'web' AND status <> 'closed'
      ORDER BY created_at DESC LIMIT 1
    ) c ON true
    WHERE v.id = ANY(${sql.param(ids)}::uuid[])`,
  );
  const visitors = new Map(found.map((v) => [v.id, v]));
  // Which client ids are stored already (the same on every row; no row, no visitor to write for).
  const stored = new Set(found[0]?.stored ?? []);
  const duplicate = (write: VisitorWrite) => stored.has(`${write.workspaceId}:${write.clientId}`);

  // Who needs a conversation started: the earliest of their messages here says when.
  const starting = new Map<string, { visitor: (typeof found)[number]; at: Date }>();
  for (const write of writes) {
    const visitor = visitors.get(write.visitorId);
    if (!visitor || visitor.workspace_id !== write.workspaceId || visitor.conversation_id) continue;
    if (duplicate(write)) continue;
    const known = starting.get(visitor.id);
    if (!known || write.at < known.at) starting.set(visitor.id, { visitor, at: write.at });
  }
  const started = new Map<string, string>();
  if (starting.size > 0) {
    // Each workspace's default team and whether anyone can answer now (a conversation started while
    // nobody can is flagged to recover, MON-5).
    const workspaceIds = [...new Set([...starting.values()].map((s) => s.visitor.workspace_id))];
    const rows = await tx.db.select().from(workspaces).where(inArray(workspaces.id, workspaceIds));
    const settings = new Map<string, { teamId: string | null; offline: boolean }>();
    for (const workspace of rows) {
      const { online } = await availability(tx.db, workspace);
      settings.set(workspace.id, { teamId: workspace.defaultTeamId, offline: !online });
    }
    const newContacts = [...starting.values()]
      .filter((s) => !s.visitor.contact_id)
      .map((s) => ({
        id: randomUUID(),
        workspaceId: s.visitor.workspace_id,
        visitorId: s.visitor.id,
        // Until a phone number says otherwise, the country of the visitor's language (ADM-3).
        country: customerCountry(null, s.visitor.locale),
      }));
    if (newContacts.length > 0) {
      await createContacts(tx.db, {
        ids: newContacts.map((c) => c.id),
        workspaces: newContacts.map((c) => c.workspaceId),
        countries: newContacts.map((c) => c.country),
        visitors: newContacts.map((c) => c.visitorId),
      });
      for (const contact of newContacts) {
        const visitor = visitors.get(contact.visitorId)!;
        visitor.contact_id = contact.id;
      }
    }
    const startingRows = [...starting.values()];
    const inserted = (
      await startConversations(tx.db, {
        workspaces: startingRows.map((s) => s.visitor.workspace_id),
        contacts: startingRows.map((s) => s.visitor.contact_id!),
        visitors: startingRows.map((s) => s.visitor.id),
        // New conversations go to the workspace's default team, whose rule routes them (ROUTE-3).
        teams: startingRows.map((s) => settings.get(s.visitor.workspace_id)?.teamId ?? null),
        offline: startingRows.map((s) => settings.get(s.visitor.workspace_id)?.offline ?? false),
        // Stamped from the first message, so every clock of SPEC §3 reads one time source.
        at: startingRows.map((s) => s.at.toISOString()),
      })
    ).rows.map((raw) => rowOf(conversations, raw));
    for (const row of inserted) {
      const visitor = visitors.get(row.visitorId!)!;
      started.set(visitor.id, row.id);
      publishLater(tx, {
        workspaceId: row.workspaceId,
        name: 'conversation.created',
        payload: {
          conversation: presentConversation(row, {
            id: row.contactId,
            name: visitor.contact_name,
            email: visitor.contact_email,
          }),
        },
        conversationId: row.id,
      });
    }
  }

  return writes.map((write): VisitorTarget => {
    const visitor = visitors.get(write.visitorId);
    if (!visitor || visitor.workspace_id !== write.workspaceId)
      return { kind: 'refused', error: notFound('visitor') };
    if (duplicate(write)) return { kind: 'duplicate' };
    if (visitor.status === 'snoozed') return { kind: 'full' };
    const conversationId = visitor.conversation_id ?? started.get(visitor.id);
    return conversationId
      ? { kind: 'conversation', conversationId }
      : { kind: 'refused', error: notFound('visitor') };
  });
}
