import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  type Owner,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../../test/harness.ts';

/** A logged-out request is a 401 before anything looks at its parameters (no 400 telling it which values a query takes). */
describe('authentication comes before validation', () => {
  let server: TestServer;
  let owner: Owner;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A request with no session cookie. */
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { error: { code: string } } };
  };

  it('answers 401 to a logged-out request whatever its parameters', async () => {
    const w = `/api/workspaces/${owner.workspaceId}`;
    for (const [method, path, body] of [
      ['GET', `${w}/monitoring/cases`],
      ['GET', `${w}/monitoring/cases?kind=bogus`],
      ['GET', `${w}/monitoring/conversations?figure=nope&from=yesterday`],
      ['GET', `${w}/admin/conversations?country=spain&limit=-1`],
      ['GET', '/api/workspaces/not-a-uuid/teams'],
      ['POST', `${w}/teams`, { name: 42 }],
      ['POST', `${w}/conversations/not-a-uuid/snooze`, { until: 'tomorrow' }],
      ['POST', '/api/workspaces', {}],
      ['PUT', '/api/auth/session/workspace', { workspaceId: 'nope' }],
      ['PUT', '/api/auth/password', {}],
    ] as const) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });

  it('still validates a logged-in request: a 400 naming the field', async () => {
    const res = await owner.client.get(`/api/workspaces/${owner.workspaceId}/monitoring/cases?kind=bogus`);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('kind');
  });

  /**
   * A member without the permission a route needs gets 403 whatever they send: not a 400 telling them
   * which values a change they may not make at all would take. Who may gets the 400 as before.
   */
  it('refuses a member without the permission before looking at what they sent', async () => {
    const operator = await addMember(owner, { email: 'operator@example.com', role: 'operator' });
    const w = `/api/workspaces/${owner.workspaceId}`;
    const u = '00000000-0000-4000-8000-000000000000';
    const cases: [string, string, unknown?][] = [
      ['PATCH', w, { name: '' }],
      ['PATCH', `${w}/members/${u}`, { role: 'emperor' }],
      ['DELETE', `${w}/members/not-a-uuid`],
      ['GET', `${w}/invites`],
      ['POST', `${w}/invites`, { email: 'not an address', role: 'king' }],
      ['DELETE', `${w}/invites/not-a-uuid`],
      ['PATCH', `${w}/widget`, { colour: 12 }],
      ['POST', `${w}/widget/secret`],
      ['GET', `${w}/connection-history?limit=-1`],
      ['POST', `${w}/tags`, { colour: 'red' }],
      ['PATCH', `${w}/tags/${u}`, { name: 7 }],
      ['DELETE', `${w}/tags/not-a-uuid`],
      ['POST', `${w}/surveys`, {}],
      ['PATCH', `${w}/surveys/${u}`, { definition: 'none' }],
      ['GET', `${w}/surveys/not-a-uuid/responses?format=doc`],
      ['PATCH', `${w}/conversation-tools`, { galleryEnabled: 'yes' }],
      ['GET', `${w}/metrics?from=yesterday`],
      ['GET', `${w}/monitoring/conversations?figure=nope`],
      ['GET', `${w}/monitoring/cases?kind=bogus`],
      ['GET', `${w}/monitoring/settings`],
      ['PATCH', `${w}/monitoring/settings`, { slaSeconds: 'soon' }],
      ['POST', `${w}/conversations/not-a-uuid/recover`],
      ['PUT', `${w}/conversations/not-a-uuid/monitored`],
      ['POST', `${w}/conversations/not-a-uuid/take-over`],
      ['POST', `${w}/help-requests/not-a-uuid/join`],
      ['POST', `${w}/teams`, { name: 42 }],
      ['PATCH', `${w}/teams/${u}`, { capacity: -1 }],
      ['DELETE', `${w}/teams/not-a-uuid`],
      ['PUT', `${w}/teams/${u}/members`, { userIds: 'all' }],
      ['POST', `${w}/statuses`, { name: '' }],
      ['DELETE', `${w}/statuses/not-a-uuid`],
      ['PATCH', `${w}/routing`, { defaultTeamId: 'sales' }],
      ['GET', `${w}/operators/overview?status=asleep`],
      ['GET', `${w}/operators/export?format=doc`],
      ['GET', `${w}/operators/not-a-uuid/detail?period=forever`],
      ['GET', `${w}/operators/${u}/conversations?limit=0`],
      ['GET', `${w}/operators/${u}/connections?cursor=nope`],
      ['GET', `${w}/operators/${u}/connections/export?format=doc`],
      ['POST', `${w}/operators/not-a-uuid/impersonation`],
      ['GET', `${w}/audit-log?actor=nobody`],
      ['GET', `${w}/audit-log/export?format=doc`],
      ['GET', `${w}/admin/headline`],
      ['POST', `${w}/exports`, { format: 'doc' }],
    ];
    for (const [method, path, body] of cases) {
      const res = await operator.client.request(method, path, body);
      expect.soft(res.status, `${method} ${path} ${JSON.stringify(res.body)}`).toBe(403);
      expect.soft(res.body.error?.code, `${method} ${path}`).toBe('forbidden');
    }
    const asOwner = await owner.client.request('POST', `${w}/tags`, { colour: 'red' });
    expect(asOwner.status).toBe(400);
    expect(asOwner.body.error.field).toBe('name');
    // A workspace they are not a member of is still not found.
    const other = await owner.client.post('/api/workspaces', { name: 'Elsewhere' });
    expect(other.status).toBe(200);
    const elsewhere = await operator.client.request('POST', `/api/workspaces/${other.body.id}/tags`, {
      colour: 'red',
    });
    expect(elsewhere.status).toBe(404);
  });
});
