import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';
import { contacts, conversations, workspaces } from '../../platform/db/schema.ts';

describe('conversation list paging', () => {
  let server: TestServer;
  let owner: Owner;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
  });
  afterAll(() => server?.close());

  it('returns every conversation exactly once when many share the same last activity', async () => {
    const db = server.parley.ctx.db;
    const same = new Date('2026-03-01T10:00:00.000Z');
    const made = await db
      .insert(contacts)
      .values(Array.from({ length: 40 }, (_, i) => ({ workspaceId: owner.workspaceId, name: `Tie ${i}` })))
      .returning({ id: contacts.id });
    const rows = await db
      .insert(conversations)
      .values(
        made.map((c, i) => ({
          workspaceId: owner.workspaceId,
          number: 1000 + i,
          channel: 'web' as const,
          contactId: c.id,
          // Three of them are newer or older, so the ties sit between pages of other rows too.
          lastActivityAt: i < 2 ? new Date(same.getTime() + 1000) : i === 2 ? new Date(0) : same,
        })),
      )
      .returning({ id: conversations.id });

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await owner.client.get(`${w()}/conversations?view=all&limit=7${query}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(seen).toHaveLength(rows.length);
    expect(new Set(seen).size).toBe(rows.length);
    expect(new Set(seen)).toEqual(new Set(rows.map((r) => r.id)));
  });

  it('finds customers by name, e-mail, phone or external id, any case, wildcards taken literally, in its workspace only', async () => {
    const db = server.parley.ctx.db;
    const [other] = await db
      .insert(workspaces)
      .values({ name: 'Elsewhere', widgetKey: 'wk_list_search_elsewhere', widgetSecret: 'secret' })
      .returning();
    const people = [
      { workspaceId: owner.workspaceId, name: 'Zoë Quintana', email: 'zq@mail.test' },
      { workspaceId: owner.workspaceId, name: 'Pat', email: 'pat_100%@corp.test', phone: '+34 911 222 333' },
      { workspaceId: owner.workspaceId, name: 'Pet', email: 'petx100z@corp.test', externalId: 'CRM-77Q' },
      { workspaceId: other!.id, name: 'Zoë Quintana', email: 'zq@other.test', phone: '+34911222333' },
    ];
    const made = await db
      .insert(contacts)
      .values(people)
      .returning({ id: contacts.id, workspaceId: contacts.workspaceId });
    const rows = await db
      .insert(conversations)
      .values(
        made.map((c, i) => ({
          workspaceId: c.workspaceId,
          number: 5000 + i,
          channel: 'web' as const,
          contactId: c.id,
        })),
      )
      .returning({ id: conversations.id });
    const found = async (q: string) => {
      const res = await owner.client.get(
        `${w()}/conversations?view=all&status=open&q=${encodeURIComponent(q)}`,
      );
      expect(res.status, q).toBe(200);
      return res.body.items.map((c: { id: string }) => c.id).sort();
    };
    expect(await found('quintana')).toEqual([rows[0]!.id]);
    expect(await found('ZQ@MAIL')).toEqual([rows[0]!.id]);
    expect(await found('911222')).toEqual([rows[1]!.id]);
    // A phone number however it is written, and names with or without their accents.
    for (const phone of ['+34911222333', '911 222 333', '(911) 222-333', '+34 911 222 333'])
      expect(await found(phone), phone).toEqual([rows[1]!.id]);
    expect(await found('zoe quintana')).toEqual([rows[0]!.id]);
    expect(await found('ZOË')).toEqual([rows[0]!.id]);
    expect(await found('crm-77')).toEqual([rows[2]!.id]);
    // `_` and `%` are the customer's characters, not wildcards: "pat_100%" is not "petx100z".
    expect(await found('_100%')).toEqual([rows[1]!.id]);
    expect(await found('p_t')).toEqual([]);
    expect(await found('corp.test')).toEqual([rows[1]!.id, rows[2]!.id].sort());
    expect(await found('closed customer')).toEqual([]);
  });

  it('refuses a cursor it did not make with a 400 naming it', async () => {
    for (const bad of [
      'yesterday',
      '2026-13-45T00:00:00.000Z_00000000-0000-4000-8000-000000000000',
      '0000-01-01T00:00:00.000Z_00000000-0000-4000-8000-000000000000',
      '2026-03-01T10:00:00.000Z_------------------------------------',
    ]) {
      const res = await owner.client.get(`${w()}/conversations?view=all&cursor=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.field, bad).toBe('cursor');
    }
  });
});
