import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  type Client,
  type Owner,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../../test/harness.ts';

type Member = { client: Client; userId: string };

/**
 * Routes that are not administrative, each for a reason: the account's own business (recorded in the
 * connection history instead), the visitor's widget, or the daily work on conversations.
 */
const notAdministrative = [
  /^\/api\/setup$/,
  /^\/api\/auth\//,
  /^\/api\/invites\//,
  /^\/api\/widget\//,
  /^\/api\/workspaces\/\{workspaceId\}\/conversations\//,
  /^\/api\/workspaces\/\{workspaceId\}\/attachments$/,
  /^\/api\/workspaces\/\{workspaceId\}\/me\/status$/,
  // One's own inbox, and joining a colleague's conversation when asked for help: daily work.
  /^\/api\/workspaces\/\{workspaceId\}\/inbox(\/|$)/,
  /^\/api\/workspaces\/\{workspaceId\}\/help-requests\//,
];

/**
 * API-3: walks every administrative route of the OpenAPI document (every write outside the list
 * above, and every export) and checks that one successful call writes exactly one audit entry, by
 * the caller, in the workspace. A new administrative route without a case here fails the test.
 */
describe('audit completeness', () => {
  let server: TestServer;
  let owner: Owner;
  let admin: Member;
  let sam: Member;
  let olga: Member;
  let leaver: Member;
  let adminRoutes: string[];
  const ids: Record<string, string> = {};
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  const entries = async () => {
    const { rows } = await server.parley.ctx.db.execute<{
      id: string;
      workspace_id: string;
      actor_id: string | null;
      impersonator_id: string | null;
      action: string;
    }>(
      sql`SELECT id, workspace_id, actor_id, impersonator_id, action FROM audit_log ORDER BY created_at, id`,
    );
    return rows;
  };

  interface Case {
    who: () => Member | Owner;
    call: (c: Client) => Promise<{ status: number }>;
    action: string;
    /** Where the entry goes when not this workspace (a new workspace's own log). */
    elsewhere?: boolean;
  }
  const download = async (c: Client, url: string) => {
    const res = await fetch(`${server.url}${url}`, { headers: { cookie: c.cookie } });
    await res.arrayBuffer();
    return { status: res.status };
  };

  const cases: Record<string, Case> = {
    'POST /api/workspaces': {
      who: () => admin,
      call: (c) => c.post('/api/workspaces', { name: 'Second shop' }),
      action: 'workspace.created',
      elsewhere: true,
    },
    'PATCH /api/workspaces/{workspaceId}': {
      who: () => owner,
      call: (c) => c.patch(w(), { name: 'Acme Support' }),
      action: 'workspace.updated',
    },
    'PATCH /api/workspaces/{workspaceId}/members/{userId}': {
      who: () => admin,
      call: (c) => c.patch(`${w()}/members/${olga.userId}`, { capacity: 4 }),
      action: 'member.updated',
    },
    'DELETE /api/workspaces/{workspaceId}/members/{userId}': {
      who: () => admin,
      call: (c) => c.delete(`${w()}/members/${leaver.userId}`),
      action: 'member.removed',
    },
    'POST /api/workspaces/{workspaceId}/invites': {
      who: () => admin,
      call: async (c) => {
        const res = await c.post(`${w()}/invites`, { email: 'newbie@example.com', role: 'operator' });
        ids.inviteId = res.body?.id;
        return res;
      },
      action: 'invite.created',
    },
    'DELETE /api/workspaces/{workspaceId}/invites/{inviteId}': {
      who: () => admin,
      call: (c) => c.delete(`${w()}/invites/${ids.inviteId}`),
      action: 'invite.revoked',
    },
    'PATCH /api/workspaces/{workspaceId}/widget': {
      who: () => owner,
      call: (c) => c.patch(`${w()}/widget`, { offlineForm: true }),
      action: 'widget.updated',
    },
    'POST /api/workspaces/{workspaceId}/widget/secret': {
      who: () => owner,
      call: (c) => c.post(`${w()}/widget/secret`),
      action: 'widget.secret_rotated',
    },
    'PUT /api/workspaces/{workspaceId}/members/{userId}/status': {
      who: () => sam,
      call: async (c) => {
        // Olga is signed in, as a heartbeat records it: a signed-out operator's status is refused.
        await server.parley.ctx.db.execute(
          sql`UPDATE memberships SET last_active_at = now() WHERE user_id = ${olga.userId}`,
        );
        return c.put(`${w()}/members/${olga.userId}/status`, { status: 'on_break' });
      },
      action: 'member.status_changed',
    },
    'POST /api/workspaces/{workspaceId}/statuses': {
      who: () => admin,
      call: async (c) => {
        const res = await c.post(`${w()}/statuses`, { name: 'Lunch' });
        ids.statusId = res.body?.id;
        return res;
      },
      action: 'status.created',
    },
    'DELETE /api/workspaces/{workspaceId}/statuses/{statusId}': {
      who: () => admin,
      call: (c) => c.delete(`${w()}/statuses/${ids.statusId}`),
      action: 'status.deleted',
    },
    'POST /api/workspaces/{workspaceId}/teams': {
      who: () => admin,
      call: async (c) => {
        const res = await c.post(`${w()}/teams`, { name: 'Billing', rule: 'round_robin' });
        ids.teamId = res.body?.id;
        return res;
      },
      action: 'team.created',
    },
    'PATCH /api/workspaces/{workspaceId}/teams/{teamId}': {
      who: () => admin,
      call: (c) =>
        c.patch(`${w()}/teams/${ids.teamId}`, {
          businessHours: { timezone: 'Europe/Madrid', weekly: { mon: [['09:00', '17:00']] }, holidays: [] },
        }),
      action: 'team.updated',
    },
    'PUT /api/workspaces/{workspaceId}/teams/{teamId}/members': {
      who: () => admin,
      call: (c) => c.put(`${w()}/teams/${ids.teamId}/members`, { userIds: [olga.userId] }),
      action: 'team.members_set',
    },
    'PATCH /api/workspaces/{workspaceId}/routing': {
      who: () => admin,
      call: (c) => c.patch(`${w()}/routing`, { lookingForInfoNoticeSeconds: 90 }),
      action: 'routing.updated',
    },
    'POST /api/workspaces/{workspaceId}/operators/{userId}/transfer': {
      who: () => sam,
      call: (c) => c.post(`${w()}/operators/${olga.userId}/transfer`, { toTeamId: ids.teamId }),
      action: 'operator.conversations_transferred',
    },
    'DELETE /api/workspaces/{workspaceId}/teams/{teamId}': {
      who: () => admin,
      call: (c) => c.delete(`${w()}/teams/${ids.teamId}`),
      action: 'team.deleted',
    },
    'GET /api/workspaces/{workspaceId}/operators/export': {
      who: () => admin,
      call: (c) => download(c, `${w()}/operators/export?format=xlsx&q=o`),
      action: 'export.created',
    },
    'GET /api/workspaces/{workspaceId}/audit-log/export': {
      who: () => owner,
      call: (c) => download(c, `${w()}/audit-log/export?format=csv`),
      action: 'export.created',
    },
    'GET /api/workspaces/{workspaceId}/operators/{userId}/connections/export': {
      who: () => admin,
      call: (c) => download(c, `${w()}/operators/${olga.userId}/connections/export?format=csv`),
      action: 'export.created',
    },
    'POST /api/workspaces/{workspaceId}/exports': {
      who: () => admin,
      call: (c) => c.post(`${w()}/exports`, { format: 'csv' }),
      action: 'export.created',
    },
    'PATCH /api/workspaces/{workspaceId}/monitoring/settings': {
      who: () => admin,
      call: (c) => c.patch(`${w()}/monitoring/settings`, { serviceLevelSeconds: 90 }),
      action: 'monitoring.settings_changed',
    },
    'PATCH /api/workspaces/{workspaceId}/conversation-tools': {
      who: () => admin,
      call: (c) => c.patch(`${w()}/conversation-tools`, { csatComment: false }),
      action: 'conversation_tools.updated',
    },
    'POST /api/workspaces/{workspaceId}/tags': {
      who: () => admin,
      call: async (c) => {
        const res = await c.post(`${w()}/tags`, { name: 'VIP', colour: '#3b82f6' });
        ids.tagId = res.body?.id;
        return res;
      },
      action: 'tag.created',
    },
    'PATCH /api/workspaces/{workspaceId}/tags/{tagId}': {
      who: () => owner,
      call: (c) => c.patch(`${w()}/tags/${ids.tagId}`, { colour: '#ef4444' }),
      action: 'tag.updated',
    },
    'DELETE /api/workspaces/{workspaceId}/tags/{tagId}': {
      who: () => admin,
      call: (c) => c.delete(`${w()}/tags/${ids.tagId}`),
      action: 'tag.deleted',
    },
    'POST /api/workspaces/{workspaceId}/canned-answers': {
      who: () => admin,
      call: async (c) => {
        const res = await c.post(`${w()}/canned-answers`, {
          scope: 'workspace',
          shortcut: 'hello',
          title: 'Hello',
          text: 'Hello {{contact.name}}',
        });
        ids.cannedAnswerId = res.body?.id;
        return res;
      },
      action: 'canned_answer.created',
    },
    'PATCH /api/workspaces/{workspaceId}/canned-answers/{cannedAnswerId}': {
      who: () => admin,
      call: (c) => c.patch(`${w()}/canned-answers/${ids.cannedAnswerId}`, { title: 'Greeting' }),
      action: 'canned_answer.updated',
    },
    'DELETE /api/workspaces/{workspaceId}/canned-answers/{cannedAnswerId}': {
      who: () => admin,
      call: (c) => c.delete(`${w()}/canned-answers/${ids.cannedAnswerId}`),
      action: 'canned_answer.deleted',
    },
    'POST /api/workspaces/{workspaceId}/surveys': {
      who: () => admin,
      call: async (c) => {
        const res = await c.post(`${w()}/surveys`, {
          name: 'After chat',
          definition: {
            title: { en: 'How did we do?' },
            questions: [{ id: 'score', kind: 'rating', required: true, label: { en: 'Your rating' } }],
          },
        });
        ids.surveyId = res.body?.id;
        return res;
      },
      action: 'survey.created',
    },
    'PATCH /api/workspaces/{workspaceId}/surveys/{surveyId}': {
      who: () => admin,
      call: (c) => c.patch(`${w()}/surveys/${ids.surveyId}`, { name: 'After every chat' }),
      action: 'survey.updated',
    },
    'DELETE /api/workspaces/{workspaceId}/surveys/{surveyId}': {
      who: () => admin,
      call: (c) => c.delete(`${w()}/surveys/${ids.surveyId}`),
      action: 'survey.deleted',
    },
    'POST /api/workspaces/{workspaceId}/operators/{userId}/impersonation': {
      who: () => sam,
      call: (c) => c.post(`${w()}/operators/${olga.userId}/impersonation`),
      action: 'impersonation.started',
    },
    'DELETE /api/workspaces/{workspaceId}/impersonation': {
      who: () => sam,
      call: (c) => c.delete(`${w()}/impersonation`),
      action: 'impersonation.ended',
    },
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    admin = await addMember(owner, { email: 'ada@example.com', role: 'admin', name: 'Ada' });
    sam = await addMember(owner, {
      email: 'sam@example.com',
      role: 'supervisor',
      name: 'Sam',
      permissions: ['impersonate'],
    });
    olga = await addMember(owner, { email: 'olga@example.com', role: 'operator', name: 'Olga' });
    leaver = await addMember(owner, { email: 'lee@example.com', role: 'operator', name: 'Lee' });
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: object };
    adminRoutes = [];
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(operations).map((m) => m.toUpperCase())) {
        const write = method !== 'GET' && method !== 'HEAD';
        if (notAdministrative.some((re) => re.test(path))) continue;
        if (write || path.endsWith('/export')) adminRoutes.push(`${method} ${path}`);
      }
    }
  }, 60_000);
  afterAll(() => server?.close());

  it('has a case for every administrative route the server serves', () => {
    expect(adminRoutes.length).toBeGreaterThan(15);
    expect([...adminRoutes].sort()).toEqual(Object.keys(cases).sort());
  });

  it('writes exactly one entry, by the caller, for each successful administrative call', async () => {
    for (const [route, c] of Object.entries(cases)) {
      const who = c.who();
      const before = await entries();
      const res = await c.call(who.client);
      expect(res.status, `${route}: ${JSON.stringify(res)}`).toBeLessThan(300);
      const added = (await entries()).slice(before.length);
      expect(added, route).toHaveLength(1);
      expect(added[0], route).toMatchObject({ actor_id: who.userId, action: c.action });
      if (!c.elsewhere) expect(added[0]!.workspace_id, route).toBe(owner.workspaceId);
    }
  });

  it('records an administrative call made while impersonating once, with both identities', async () => {
    // An owner may impersonate an admin (never the other way round).
    const started = await owner.client.post(`${w()}/operators/${admin.userId}/impersonation`);
    expect(started.status).toBe(200);
    const before = await entries();
    const res = await owner.client.patch(`${w()}/routing`, { lookingForInfoNoticeSeconds: 120 });
    expect(res.status).toBe(200);
    const added = (await entries()).slice(before.length);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      action: 'routing.updated',
      actor_id: admin.userId,
      impersonator_id: owner.userId,
    });
    // A failed call writes nothing.
    const refused = await owner.client.patch(`${w()}/members/${owner.userId}`, { role: 'operator' });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await entries()).toHaveLength(before.length + 1);
    expect((await owner.client.delete(`${w()}/impersonation`)).status).toBe(200);
  });
});
