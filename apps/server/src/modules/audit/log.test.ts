import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';
import { auditLog, connectionHistory } from '../../platform/db/schema.ts';
import { describeClient } from '../../platform/user-agent.ts';
import { operatorPrincipal } from '../workspaces/policy.ts';
import { pageConnections, recordConnection } from './connection-history.ts';
import { recordAudit } from './log.ts';
import { pageAudit } from './queries.ts';

describe('the audit log', () => {
  let server: TestServer;
  let owner: Owner;
  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
  });
  afterAll(() => server?.close());

  it('records the actor, the impersonator and the client, and refuses to be edited', async () => {
    const db = server.parley.ctx.db;
    const actor = operatorPrincipal({
      userId: owner.userId,
      name: 'Owner',
      sessionId: 'test',
      workspaceId: owner.workspaceId,
      role: 'owner',
      grants: [],
      client: describeClient('203.0.113.9', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36'),
      impersonatorId: owner.userId,
    });
    await recordAudit(db, actor, {
      action: 'team.updated',
      target: { type: 'team', id: 't1' },
      before: { name: 'A' },
      after: { name: 'B' },
    });
    const [row] = await db.select().from(auditLog).where(eq(auditLog.workspaceId, owner.workspaceId));
    expect(row).toMatchObject({
      actorId: owner.userId,
      impersonatorId: owner.userId,
      action: 'team.updated',
      targetType: 'team',
      targetId: 't1',
      before: { name: 'A' },
      after: { name: 'B' },
      ip: '203.0.113.9',
      browser: 'Chrome 120',
    });
    const error = await db.execute(sql`UPDATE audit_log SET action = 'x'`).catch((e: Error) => e);
    expect(String((error as Error & { cause?: Error }).cause?.message)).toMatch(/append-only/);
  });

  it('pages the audit log and the connection history newest first, each row once, instants shared by several rows included', async () => {
    const db = server.parley.ctx.db;
    const { workspaceId, userId } = owner;
    // Seven rows on three instants (a bulk action writes several in one millisecond), one outside.
    const instants = ['2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.001Z', '2026-03-02T08:30:00.000Z'];
    const at = (i: number) => new Date(instants[i % 3]!);
    await db.insert(auditLog).values(
      Array.from({ length: 7 }, (_, i) => ({
        workspaceId,
        actorId: userId,
        action: i % 2 ? 'tag.created' : 'team.updated',
        at: at(i),
      })),
    );
    for (let i = 0; i < 7; i++) {
      await recordConnection(db, {
        userId,
        workspaceId,
        kind: i % 2 ? 'login' : 'status_change',
        detail: i % 2 ? null : 'connected',
        client: describeClient(undefined, undefined),
        at: at(i),
      });
    }
    const range = { from: '2026-01-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' };
    const expected = async (table: typeof auditLog | typeof connectionHistory, where?: string) => {
      const { rows } = await db.execute<{ id: string }>(sql`SELECT id FROM ${table}
        WHERE workspace_id = ${workspaceId} AND created_at >= ${range.from}::timestamptz
          AND created_at < ${range.to}::timestamptz ${where ? sql.raw(`AND ${where}`) : sql``}
        ORDER BY created_at DESC, id DESC`);
      return rows.map((r) => r.id);
    };
    const pages = async (
      next: (cursor?: string) => Promise<{ items: { id: string }[]; nextCursor: string | null }>,
    ) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await next(cursor);
        expect(page.items.length).toBeLessThanOrEqual(2);
        ids.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    };
    const audit = await pages((cursor) => pageAudit(db, { workspaceId, ...range, cursor, limit: 2 }));
    expect(audit).toHaveLength(7);
    expect(audit).toEqual(await expected(auditLog));
    const teams = await pages((cursor) =>
      pageAudit(db, { workspaceId, ...range, action: 'team.', actorId: userId, cursor, limit: 2 }),
    );
    expect(teams).toEqual(await expected(auditLog, "action = 'team.updated'"));
    expect(teams).toHaveLength(4);
    const history = await pages((cursor) =>
      pageConnections(db, { workspaceId, userId, ...range, cursor, limit: 2 }),
    );
    expect(history).toHaveLength(7);
    expect(history).toEqual(await expected(connectionHistory));
    const logins = await pages((cursor) =>
      pageConnections(db, { workspaceId, userId, ...range, kind: 'login', cursor, limit: 2 }),
    );
    expect(logins).toEqual(await expected(connectionHistory, "kind = 'login'"));
    expect(logins).toHaveLength(3);
  });
});
