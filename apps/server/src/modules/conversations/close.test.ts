import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer, waitFor } from '../../../test/harness.ts';
import { defaultTeam, type Member, member, until, visitor } from '../../../test/supervision-helpers.ts';

/** Who closed a conversation stays in its history, for every close, and the close is announced once. */
describe('closing a conversation', () => {
  let server: TestServer;
  let owner: Owner;
  let widgetKey: string;
  let anna: Member;
  let oscar: Member;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer({ loginRateLimit: 1000 });
    owner = await setupOwner(server.url);
    widgetKey = (await owner.client.get(w())).body.widgetKey;
    anna = await member(server, owner, { name: 'Anna Keller', role: 'operator' });
    oscar = await member(server, owner, { name: 'Oscar Diaz', role: 'operator', live: false });
    await defaultTeam(owner, 'Front', [anna.userId, oscar.userId], 10);
  });
  afterAll(() => server?.close());

  const closes = (m: Member, id: string) =>
    m.socket!.messages.filter(
      (f) =>
        f.event?.name === 'conversation.updated' &&
        f.event.payload.change === 'closed' &&
        f.event.payload.conversation.id === id,
    );
  const notes = async (m: Member, id: string) =>
    ((await m.client.get(`${w()}/conversations/${id}/messages`)).body.messages as Record<string, unknown>[])
      .filter((message) => message.activity)
      .map((message) => ({
        activity: message.activity,
        authorKind: message.authorKind,
        authorId: message.authorId,
        authorName: message.authorName,
        private: message.private,
        text: message.text,
      }));

  it("a teammate's close and the operator's own are both in the history the assigned operator reads", async () => {
    const customer = await visitor(server, widgetKey);
    const id = await customer.write('close: hello');
    await until(
      async () => (await anna.client.get(`${w()}/conversations/${id}`)).body.assigneeId === anna.userId,
    );

    // Oscar closes Anna's conversation: the server allows it, and says so in its history.
    expect((await oscar.client.post(`${w()}/conversations/${id}/close`)).status).toBe(200);
    const byOscar = {
      activity: 'closed',
      authorKind: 'system',
      authorId: oscar.userId,
      authorName: 'Oscar Diaz',
      private: true,
      text: 'Closed by Oscar Diaz',
    };
    expect(await notes(anna, id)).toEqual([byOscar]);
    // Live too, as a note the customer never gets.
    await waitFor(() =>
      anna.socket!.messages.some(
        (f) => f.event?.name === 'message.created' && f.event.payload.message.activity === 'closed',
      ),
    );
    expect(await customer.history()).not.toContain('Closed by');

    // Reopened and closed again by Anna herself: a second note, and each close announced once.
    expect((await anna.client.post(`${w()}/conversations/${id}/reopen`)).status).toBe(200);
    expect((await anna.client.post(`${w()}/conversations/${id}/close`)).status).toBe(200);
    // Closing what is closed changes nothing.
    expect((await anna.client.post(`${w()}/conversations/${id}/close`)).status).toBe(200);
    expect(await notes(anna, id)).toEqual([
      byOscar,
      { ...byOscar, authorId: anna.userId, authorName: 'Anna Keller', text: 'Closed by Anna Keller' },
    ]);
    await waitFor(() => closes(anna, id).length === 2);
    expect(closes(anna, id).map((f) => f.event.payload.actorId)).toEqual([oscar.userId, anna.userId]);
  });
});
