import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  type Owner,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../../test/harness.ts';
import { startVisitor } from '../../../test/visitor.ts';

/**
 * Whose reading counts: the unread count and the customer's "seen" belong to the operator who has the
 * conversation. A supervisor or a teammate opening it must not clear them (the operator would miss
 * the message; the customer would think it read).
 */
describe('read receipts of operators', () => {
  let server: TestServer;
  let owner: Owner;
  let workspaceKey: string;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    workspaceKey = (await owner.client.get(w())).body.widgetKey;
  });
  afterAll(() => server?.close());

  it('counts the reading of the operator who has the conversation, not a teammate’s or a manager’s', async () => {
    const otto = await addMember(owner, { email: 'otto@example.com', role: 'operator', name: 'Otto' });
    const tess = await addMember(owner, { email: 'tess@example.com', role: 'operator', name: 'Tess' });
    const sue = await addMember(owner, { email: 'sue@example.com', role: 'supervisor', name: 'Sue' });
    const visitor = await startVisitor(server, workspaceKey);
    const first = await visitor.say('hello?');
    const conversationId: string = (await owner.client.get(`${w()}/conversations`)).body.items[0].id;
    const unread = async () =>
      (await owner.client.get(`${w()}/conversations/${conversationId}`)).body.unreadCount;
    const seen = async () =>
      (await visitor.call('GET', '/api/widget/messages')).body.messages.find(
        (m: { id: string }) => m.id === first.id,
      )?.readAt ?? null;

    // No one has it yet: whoever reads it has read it.
    const second = await visitor.say('anyone there?');
    await waitFor(async () => (await unread()) === 2);
    const read = (client: typeof owner.client, upTo: string) =>
      client.post(`${w()}/conversations/${conversationId}/read`, { upTo });
    expect((await read(otto.client, first.id)).status).toBe(204);
    await waitFor(async () => (await unread()) === 1);
    expect(await seen()).not.toBeNull();

    // Sue (a supervisor) takes it over: Otto and Tess (teammates who may look) and the owner read it,
    // and nothing changes.
    const taken = await sue.client.post(`${w()}/conversations/${conversationId}/take-over`);
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    const third = await visitor.say('hello again');
    await waitFor(async () => (await unread()) === 2);
    for (const client of [otto.client, tess.client, owner.client]) {
      const res = await read(client, third.id);
      expect([204, 404]).toContain(res.status);
    }
    const readAt = async (id: string) =>
      (await visitor.call('GET', '/api/widget/messages')).body.messages.find(
        (m: { id: string }) => m.id === id,
      )?.readAt ?? null;
    expect(await readAt(second.id)).toBeNull();
    expect(await readAt(third.id)).toBeNull();
    expect(await unread()).toBe(2);

    // Sue reads: the count is cleared, the customer sees it read.
    expect((await read(sue.client, third.id)).status).toBe(204);
    await waitFor(async () => (await unread()) === 0);
    expect(await readAt(third.id)).not.toBeNull();
  });
});
