import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { conversations, messages } from '../../platform/db/schema.ts';

describe('the demo workspace', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ demo: true, demoPassword: 'demo-password' });
  });
  afterAll(() => server?.close());

  it("records each conversation's last customer and operator message as its messages say", async () => {
    const db = server.parley.ctx.db;
    const rows = await db.select().from(conversations);
    expect(rows.length).toBeGreaterThan(0);
    for (const c of rows) {
      const said = await db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, c.id), eq(messages.private, false)));
      const last = (kind: 'contact' | 'operator') =>
        said
          .filter((m) => m.authorKind === kind)
          .map((m) => m.createdAt.getTime())
          .reduce<number | null>((a, b) => (a === null || b > a ? b : a), null);
      // The console shows "waiting" on a conversation whose customer wrote after the last answer.
      expect(c.lastOperatorMessageAt?.getTime() ?? null, `conversation #${c.number}`).toBe(last('operator'));
      expect(c.lastCustomerMessageAt?.getTime() ?? null, `conversation #${c.number}`).toBe(last('contact'));
    }
  });
});
