import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';

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
});
