import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';

describe('teams: names', () => {
  let server: TestServer;
  let owner: Owner;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a name with no visible character (zero-width space, word joiner, BOM) and creates nothing', async () => {
    const before = (await owner.client.get(`${w()}/teams`)).body;
    for (const name of ['\u200b', '\u200c\u200d', '\u2060', '\ufeff\u200b', ' \u200b ']) {
      const res = await owner.client.post(`${w()}/teams`, { name, rule: 'round_robin', capacity: 1 });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(res.body.error.field).toBe('name');
    }
    expect((await owner.client.get(`${w()}/teams`)).body).toEqual(before);
    const ok = await owner.client.post(`${w()}/teams`, {
      name: '\u200bSupport',
      rule: 'round_robin',
      capacity: 1,
    });
    expect(ok.status).toBe(201);
  });
});
