import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';
import { auditLog } from '../../platform/db/schema.ts';
import { describeClient } from '../../platform/user-agent.ts';
import { operatorPrincipal } from '../workspaces/policy.ts';
import { recordAudit } from './log.ts';

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
});
