import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer, waitFor } from '../../../test/harness.ts';
import { defaultTeam, type Member, member, until, visitor } from '../../../test/supervision-helpers.ts';

/** SPEC §3 waiting time: since the customer's oldest message no operator has answered. */
describe('a conversation’s waitingSince', () => {
  let server: TestServer;
  let owner: Owner;
  let widgetKey: string;
  let anna: Member;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer({});
    owner = await setupOwner(server.url);
    widgetKey = (await owner.client.get(w())).body.widgetKey;
    anna = await member(server, owner, { name: 'Anna Keller', role: 'operator' });
    await defaultTeam(owner, 'Front', [anna.userId], 10);
  });
  afterAll(() => server?.close());

  it('is the oldest unanswered customer message, live and read; a note does not answer, a reply does', async () => {
    const customer = await visitor(server, widgetKey);
    const id = await customer.write('wait: one');
    await until(async () => (await anna.client.get(`${w()}/conversations/${id}`)).body.assigneeId);
    await customer.write('wait: two');
    await customer.write('wait: three');
    const sentAt = async (text: string) => {
      const { messages } = (await anna.client.get(`${w()}/conversations/${id}/messages`)).body;
      return (messages as { text: string; createdAt: string }[]).find((m) => m.text === text)!.createdAt;
    };
    const read = async () => (await anna.client.get(`${w()}/conversations/${id}`)).body.waitingSince;
    // What the console hears with each message: the conversation as that message left it.
    const heard = (text: string) =>
      waitFor(() =>
        anna.socket!.messages.find(
          (f) => f.event?.name === 'message.created' && f.event.payload.message.text === text,
        ),
      ).then((f) => f.event.payload.conversation.waitingSince);

    const first = await sentAt('wait: one');
    expect(await read()).toBe(first);
    expect(await heard('wait: three')).toBe(first);

    const send = (text: string, isPrivate: boolean) =>
      anna.client.post(`${w()}/conversations/${id}/messages`, {
        clientId: `anna-${Math.random().toString(36).slice(2, 12)}`,
        text,
        private: isPrivate,
      });
    expect((await send('wait: a note', true)).status).toBe(200);
    expect(await read()).toBe(first);
    expect((await send('wait: the answer', false)).status).toBe(200);
    expect(await read()).toBeNull();
    expect(await heard('wait: the answer')).toBeNull();

    await customer.write('wait: four');
    await customer.write('wait: five');
    const fourth = await sentAt('wait: four');
    expect(await read()).toBe(fourth);
    expect(await heard('wait: five')).toBe(fourth);
  });
});
