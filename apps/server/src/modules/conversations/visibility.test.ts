import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  type Client,
  type Owner,
  openSocket,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../../test/harness.ts';
import { attachments, contacts, conversations, messages } from '../../platform/db/schema.ts';

/**
 * SPEC §1: an operator without `conversations.view_all` sees their own conversations, their teams'
 * (assigned to a teammate or waiting in the team's queue) and the unassigned ones of no team — in the
 * lists, one by one, in what hangs on a conversation (its tags), and live on their socket, following
 * their teams as they change.
 */
describe('which conversations an operator sees', () => {
  let server: TestServer;
  let owner: Owner;
  let ana: { client: Client; userId: string };
  let bea: { client: Client; userId: string };
  let carl: { client: Client; userId: string };
  const team: Record<'front' | 'back', string> = { front: '', back: '' };
  const ids: Record<string, string> = {};
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    ana = await addMember(owner, { email: 'ana@example.com', role: 'operator', name: 'Ana' });
    bea = await addMember(owner, { email: 'bea@example.com', role: 'operator', name: 'Bea' });
    carl = await addMember(owner, { email: 'carl@example.com', role: 'operator', name: 'Carl' });
    for (const name of ['front', 'back'] as const) {
      const made = await owner.client.post(`${w()}/teams`, { name, rule: 'manual', capacity: 5 });
      expect(made.status).toBe(201);
      team[name] = made.body.id;
    }
    await owner.client.put(`${w()}/teams/${team.front}/members`, { userIds: [ana.userId, bea.userId] });
    await owner.client.put(`${w()}/teams/${team.back}/members`, { userIds: [carl.userId] });
    const db = server.parley.ctx.db;
    const cases: [string, string | null, string | null][] = [
      ['anasOwn', null, ana.userId],
      ['frontTeammate', team.front, bea.userId],
      ['frontQueue', team.front, null],
      ['noTeamQueue', null, null],
      ['backQueue', team.back, null],
      ['backAssigned', team.back, carl.userId],
      ['noTeamOther', null, bea.userId],
    ];
    for (const [i, [name, teamId, assigneeId]] of cases.entries()) {
      const [contact] = await db
        .insert(contacts)
        .values({ workspaceId: owner.workspaceId, name: `Customer ${name}` })
        .returning({ id: contacts.id });
      const [row] = await db
        .insert(conversations)
        .values({
          workspaceId: owner.workspaceId,
          number: 500 + i,
          channel: 'web',
          contactId: contact!.id,
          teamId,
          assigneeId,
        })
        .returning({ id: conversations.id });
      ids[name] = row!.id;
    }
  });
  afterAll(() => server?.close());

  const seen = ['anasOwn', 'frontTeammate', 'frontQueue', 'noTeamQueue'];
  const hidden = ['backQueue', 'backAssigned', 'noTeamOther'];

  it('one by one, in the lists and in what hangs on them', async () => {
    for (const name of seen) {
      expect((await ana.client.get(`${w()}/conversations/${ids[name]}`)).status, name).toBe(200);
    }
    for (const name of hidden) {
      expect((await ana.client.get(`${w()}/conversations/${ids[name]}`)).status, name).toBe(404);
      expect((await ana.client.get(`${w()}/conversations/${ids[name]}/messages`)).status, name).toBe(404);
    }
    const unassigned = await ana.client.get(`${w()}/conversations?view=unassigned`);
    expect(unassigned.body.items.map((c: { id: string }) => c.id).sort()).toEqual(
      [ids.frontQueue, ids.noTeamQueue].sort(),
    );
    const all = await ana.client.get(`${w()}/conversations?view=all&limit=50`);
    expect(all.body.items.map((c: { id: string }) => c.id).sort()).toEqual(seen.map((n) => ids[n]).sort());
    const admin = await ana.client.get(`${w()}/admin/conversations?limit=50`);
    expect(admin.body.items.map((c: { id: string }) => c.id).sort()).toEqual(seen.map((n) => ids[n]).sort());
    // Tags of every case, asked at once: only those of the conversations she sees answer.
    const tag = await owner.client.post(`${w()}/tags`, { name: 'vip', colour: '#aa0000' });
    for (const id of Object.values(ids)) {
      await owner.client.put(`${w()}/conversations/${id}/tags`, { tagIds: [tag.body.id] });
    }
    const tags = await ana.client.get(`${w()}/conversation-tags?ids=${Object.values(ids).join(',')}`);
    expect(Object.keys(tags.body).sort()).toEqual(seen.map((n) => ids[n]).sort());
  });

  it('a client id reused in another conversation is a conflict, a resend in the same one the same message', async () => {
    const note = (name: string) =>
      ana.client.post(`${w()}/conversations/${ids[name]}/messages`, {
        clientId: 'reused-client-id-01',
        text: `note in ${name}`,
        private: true,
      });
    const first = await note('anasOwn');
    expect(first.status).toBe(200);
    const elsewhere = await note('frontTeammate');
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.field).toBe('clientId');
    expect((await note('anasOwn')).body.id).toBe(first.body.id);
    const history = await ana.client.get(`${w()}/conversations/${ids.frontTeammate}/messages`);
    expect(history.body.messages).toHaveLength(0);
  });

  it('live, following her teams as they change', async () => {
    const socket = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      ana.client.cookie,
    );
    expect(socket.messages.some((m) => m.type === 'ready')).toBe(true);
    const marks = (name: string) =>
      socket.messages.filter(
        (m) =>
          m.event?.name === 'conversation.updated' &&
          m.event.payload.change === 'marked' &&
          m.event.payload.conversation.id === ids[name],
      ).length;
    const mark = async (name: string, important: boolean) => {
      const res = await owner.client.patch(`${w()}/conversations/${ids[name]}/marks`, { important });
      expect(res.status, name).toBe(200);
    };
    // Her team's conversation reaches her; the other team's does not (checked after hers arrived:
    // events come in order).
    await mark('backQueue', true);
    await mark('frontQueue', true);
    await waitFor(() => marks('frontQueue') === 1);
    expect(marks('backQueue')).toBe(0);
    // Moved into the back team: its events reach her from now on, on the socket already open.
    await owner.client.put(`${w()}/teams/${team.back}/members`, { userIds: [carl.userId, ana.userId] });
    await mark('backQueue', false);
    await waitFor(() => marks('backQueue') === 1);
    expect((await ana.client.get(`${w()}/conversations/${ids.backQueue}`)).status).toBe(200);
    await owner.client.put(`${w()}/teams/${team.back}/members`, { userIds: [carl.userId] });
    await mark('backQueue', true);
    await mark('frontQueue', false);
    await waitFor(() => marks('frontQueue') === 2);
    expect(marks('backQueue')).toBe(1);
    socket.ws.close();
  });

  it("in the gallery: the customer's files of conversations she may not see are neither listed nor sent again", async () => {
    const db = server.parley.ctx.db;
    // The customer of her own conversation also wrote to the back team, with another file.
    const [own] = await db
      .select({ contactId: conversations.contactId })
      .from(conversations)
      .where(eq(conversations.id, ids.anasOwn!));
    const [elsewhere] = await db
      .insert(conversations)
      .values({
        workspaceId: owner.workspaceId,
        number: 600,
        channel: 'web',
        contactId: own!.contactId,
        teamId: team.back,
        assigneeId: carl.userId,
      })
      .returning({ id: conversations.id });
    const file = (name: string) => ({ id: randomUUID(), name, contentType: 'image/png', size: 10 });
    const mine = file('mine.png');
    const theirs = file('theirs.png');
    for (const [conversationId, attachment] of [
      [ids.anasOwn!, mine],
      [elsewhere!.id, theirs],
    ] as const) {
      await db.insert(attachments).values({
        id: attachment.id,
        workspaceId: owner.workspaceId,
        uploadedBy: 'contact',
        name: attachment.name,
        contentType: attachment.contentType,
        size: attachment.size,
        storageKey: `${owner.workspaceId}/${attachment.id}`,
      });
      await db.insert(messages).values({
        workspaceId: owner.workspaceId,
        conversationId,
        authorKind: 'contact',
        text: 'a file',
        attachments: [attachment],
      });
    }
    const gallery = (client: Client) => client.get(`${w()}/conversations/${ids.anasOwn}/files`);
    expect((await gallery(owner.client)).body.map((f: { name: string }) => f.name).sort()).toEqual([
      'mine.png',
      'theirs.png',
    ]);
    expect((await gallery(ana.client)).body.map((f: { name: string }) => f.name)).toEqual(['mine.png']);
    const reuse = (id: string) => ana.client.post(`${w()}/conversations/${ids.anasOwn}/files/${id}/reuse`);
    expect((await reuse(theirs.id)).status).toBe(400);
    expect((await reuse(mine.id)).status).toBe(200);
  });
});
