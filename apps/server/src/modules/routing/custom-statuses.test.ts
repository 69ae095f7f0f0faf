import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';

describe('custom statuses: names', () => {
  let server: TestServer;
  let owner: Owner;
  const w = () => `/api/workspaces/${owner.workspaceId}`;
  const names = async () =>
    ((await owner.client.get(`${w()}/statuses`)).body as { name: string }[]).map((s) => s.name);

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a second reason of the same name, whatever its case, with a 409 naming the field', async () => {
    expect((await owner.client.post(`${w()}/statuses`, { name: 'Lunch 🍔' })).status).toBe(201);
    for (const name of ['Lunch 🍔', 'LUNCH 🍔', ' lunch 🍔 ']) {
      const res = await owner.client.post(`${w()}/statuses`, { name });
      expect(res.status, name).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'conflict', field: 'name' });
    }
    expect(await names()).toEqual(['Lunch 🍔']);
  });

  it('refuses the name of a built-in status in any of the console’s languages, and adds nothing', async () => {
    const before = await names();
    for (const name of ['On break', 'on break', 'En pausa', 'Connecté', 'Disconnected']) {
      const res = await owner.client.post(`${w()}/statuses`, { name });
      expect(res.status, name).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'conflict', field: 'name' });
    }
    expect(await names()).toEqual(before);
    expect((await owner.client.post(`${w()}/statuses`, { name: 'Long break' })).status).toBe(201);
  });

  it('lets two workspaces each have a reason of the same name', async () => {
    const other = await owner.client.post('/api/workspaces', { name: 'Second' });
    expect(other.status).toBe(200);
    const res = await owner.client.post(`/api/workspaces/${other.body.id}/statuses`, { name: 'Lunch 🍔' });
    expect(res.status).toBe(201);
  });
});
