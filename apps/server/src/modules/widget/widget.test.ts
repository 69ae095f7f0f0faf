import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
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

/** A browser-side visitor: its bearer token and fetch helpers. */
async function startVisitor(server: TestServer, workspaceKey: string, visitorId?: string) {
  const res = await fetch(`${server.url}/api/widget/sessions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1',
      'accept-language': 'es-ES,es;q=0.9,en;q=0.8',
    },
    body: JSON.stringify({
      workspaceKey,
      visitorId,
      locale: 'es-ES',
      timezone: 'Europe/Madrid',
      page: { url: 'https://shop.example/pricing', title: 'Pricing', referrer: '' },
    }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
  const session: any = await res.json();
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${session.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
    return { status: r.status, body: (text ? JSON.parse(text) : null) as any };
  };
  return {
    session,
    call,
    socketPath: (after = 0) => `/api/realtime?visitorToken=${session.token}&after=${after}`,
  };
}

const upload = async (
  server: TestServer,
  path: string,
  auth: Record<string, string>,
  name: string,
  type: string,
  data: Uint8Array,
) => {
  const form = new FormData();
  form.append('file', new Blob([data], { type }), name);
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: auth, body: form });
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
  return { status: res.status, body: (await res.json()) as any };
};

describe('live chat between the widget and the console', () => {
  let server: TestServer;
  let owner: Owner;
  let operator: { client: Client; userId: string };
  let workspaceKey: string;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    operator = await addMember(owner, { email: 'otto@example.com', role: 'operator', name: 'Otto Operator' });
    workspaceKey = (await owner.client.get(w())).body.widgetKey;
  });
  afterAll(() => server?.close());

  it('carries a visitor message to the operator and the reply back, live, and never a private note', async () => {
    const visitor = await startVisitor(server, workspaceKey);
    expect(visitor.session.conversation).toBeNull();
    const vs = await openSocket(server.url, visitor.socketPath(), undefined);
    const os = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      operator.client.cookie,
    );
    await waitFor(
      () => vs.messages.some((m) => m.type === 'ready') && os.messages.some((m) => m.type === 'ready'),
    );

    const sent = await visitor.call('POST', '/api/widget/messages', {
      clientId: 'c-hello-0001',
      text: 'hello',
    });
    expect(sent.status).toBe(200);
    const created = await waitFor(() => os.messages.find((m) => m.event?.name === 'message.created')?.event);
    expect(created.payload.message).toMatchObject({
      text: 'hello',
      authorKind: 'contact',
      clientId: 'c-hello-0001',
    });
    const conversationId = created.payload.conversation.id;
    expect(created.payload.conversation).toMatchObject({ status: 'open', assigneeId: null, unreadCount: 1 });

    const detail = await operator.client.get(`${w()}/conversations/${conversationId}`);
    expect(detail.body.visitor).toMatchObject({
      currentUrl: 'https://shop.example/pricing',
      os: 'iOS 17.0',
      locale: 'es-ES',
      location: 'Madrid, Spain',
      city: 'Madrid',
      country: 'ES',
    });

    await operator.client.post(`${w()}/conversations/${conversationId}/assign`, {
      assigneeId: operator.userId,
    });
    const note = await operator.client.post(`${w()}/conversations/${conversationId}/messages`, {
      clientId: 'op-note-0001',
      text: 'VIP customer, be nice',
      private: true,
    });
    expect(note.status).toBe(200);
    const reply = await operator.client.post(`${w()}/conversations/${conversationId}/messages`, {
      clientId: 'op-reply-0001',
      text: 'Hi! How can I help?',
    });
    expect(reply.status).toBe(200);
    const got = await waitFor(() =>
      vs.messages.find(
        (m) => m.event?.name === 'message.created' && m.event.payload.message.authorKind === 'operator',
      ),
    );
    expect(got.event.payload.message).toMatchObject({ text: 'Hi! How can I help?', authorName: 'Otto' });
    expect(got.event.payload.message.authorId).toBeUndefined();
    await new Promise((r) => setTimeout(r, 100));
    const raw = JSON.stringify(vs.messages);
    expect(raw).not.toContain('VIP customer');
    expect(raw).not.toContain('otto@example.com');
    expect(JSON.stringify(os.messages)).toContain('VIP customer');

    const history = await visitor.call('GET', '/api/widget/messages');
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'hello',
      'Hi! How can I help?',
    ]);

    // Read receipts both ways.
    await visitor.call('POST', '/api/widget/read', { upTo: reply.body.id });
    await waitFor(() =>
      os.messages.find((m) => m.event?.name === 'message.read' && m.event.payload.reader === 'contact'),
    );
    await operator.client.post(`${w()}/conversations/${conversationId}/read`, { upTo: sent.body.id });
    await waitFor(() =>
      vs.messages.find((m) => m.event?.name === 'message.read' && m.event.payload.reader === 'operator'),
    );
    expect((await operator.client.get(`${w()}/conversations/${conversationId}`)).body.unreadCount).toBe(0);

    // Typing both ways, not echoed to the sender.
    vs.ws.send(JSON.stringify({ type: 'typing', conversationId, typing: true }));
    const typingOp = await waitFor(() => os.messages.find((m) => m.type === 'signal'));
    expect(typingOp.signal).toMatchObject({ who: 'contact', typing: true, conversationId });
    os.ws.send(JSON.stringify({ type: 'typing', conversationId, typing: true }));
    const typingV = await waitFor(() => vs.messages.find((m) => m.type === 'signal'));
    expect(typingV.signal).toMatchObject({ who: 'operator', name: 'Otto', typing: true });
    expect(vs.messages.filter((m) => m.type === 'signal')).toHaveLength(1);
    vs.ws.close();
    os.ws.close();
  });

  it('stores a retried send once', async () => {
    const visitor = await startVisitor(server, workspaceKey);
    const body = { clientId: 'retry-abcdef01', text: 'are you there?' };
    const [a, b] = await Promise.all([
      visitor.call('POST', '/api/widget/messages', body),
      visitor.call('POST', '/api/widget/messages', body),
    ]);
    const c = await visitor.call('POST', '/api/widget/messages', body);
    expect(a.status).toBe(200);
    expect(b.body.id).toBe(a.body.id);
    expect(c.body.id).toBe(a.body.id);
    const history = await visitor.call('GET', '/api/widget/messages');
    expect(history.body.messages).toHaveLength(1);
    // Another visitor cannot claim the id.
    const other = await startVisitor(server, workspaceKey);
    const stolen = await other.call('POST', '/api/widget/messages', body);
    expect(stolen.status).toBe(409);
    expect(stolen.body.error.field).toBe('clientId');
  });

  it('keeps the visitor and their conversation across page loads', async () => {
    const first = await startVisitor(server, workspaceKey);
    await first.call('POST', '/api/widget/messages', { clientId: 'reload-0000001', text: 'first page' });
    const again = await startVisitor(server, workspaceKey, first.session.visitorId);
    expect(again.session.conversation).toMatchObject({ status: 'open' });
    expect((await again.call('GET', '/api/widget/messages')).body.messages[0].text).toBe('first page');
  });

  it('accepts identify only with the right hash', async () => {
    const visitor = await startVisitor(server, workspaceKey);
    const wrong = await visitor.call('POST', '/api/widget/identify', {
      id: 'user-42',
      name: 'Eve',
      hash: 'a'.repeat(64),
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.field).toBe('hash');
    const { rows } = await server.parley.ctx.db.execute<{ widget_secret: string }>(
      sql`SELECT widget_secret FROM workspaces WHERE id = ${owner.workspaceId}`,
    );
    const hash = createHmac('sha256', rows[0]!.widget_secret).update('user-42').digest('hex');
    const right = await visitor.call('POST', '/api/widget/identify', {
      id: 'user-42',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      hash,
    });
    expect(right.status).toBe(204);
    const session = await startVisitor(server, workspaceKey, visitor.session.visitorId);
    expect(session.session.contact).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      identified: true,
    });
  });

  it('refuses forbidden and oversize uploads with a clear error and stores nothing', async () => {
    const visitor = await startVisitor(server, workspaceKey);
    const auth = { authorization: `Bearer ${visitor.session.token}` };
    const exe = await upload(
      server,
      '/api/widget/attachments',
      auth,
      'invoice.pdf',
      'application/pdf',
      new TextEncoder().encode('MZ\x90 not a pdf'),
    );
    expect(exe.status).toBe(415);
    expect(exe.body.error).toMatchObject({ code: 'unsupported_media_type', field: 'file' });
    const big = new Uint8Array(10 * 1024 * 1024 + 10);
    big.set([0x25, 0x50, 0x44, 0x46, 0x2d]);
    const huge = await upload(server, '/api/widget/attachments', auth, 'big.pdf', 'application/pdf', big);
    expect(huge.status).toBe(413);
    expect(huge.body.error.message).toMatch(/10 MB/);
    const { rows } = await server.parley.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM attachments`,
    );
    expect(Number(rows[0]!.n)).toBe(0);

    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const ok = await upload(server, '/api/widget/attachments', auth, 'shot.png', 'image/png', png);
    expect(ok.status).toBe(200);
    const file = ok.body;
    const sent = await visitor.call('POST', '/api/widget/messages', {
      clientId: 'with-file-0001',
      attachmentIds: [file.id],
    });
    expect(sent.body.attachments[0]).toMatchObject({ name: 'shot.png', contentType: 'image/png', size: 11 });
    const download = await fetch(`${server.url}${sent.body.attachments[0].url}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(png);
    const forged = await fetch(
      `${server.url}${sent.body.attachments[0].url.replace(/sig=.*/, 'sig=forged')}`,
    );
    expect(forged.status).toBe(404);
  });

  it("hides other operators' conversations and refuses bad input without a 5xx", async () => {
    const visitor = await startVisitor(server, workspaceKey);
    const sent = await visitor.call('POST', '/api/widget/messages', {
      clientId: 'mine-00000001',
      text: 'for the owner',
    });
    const conversationId = (await owner.client.get(`${w()}/conversations?view=unassigned`)).body.items.find(
      (c: { lastMessage: { text: string } }) => c.lastMessage?.text === 'for the owner',
    ).id;
    await owner.client.post(`${w()}/conversations/${conversationId}/assign`, { assigneeId: owner.userId });
    expect((await operator.client.get(`${w()}/conversations/${conversationId}`)).status).toBe(404);
    const all = await operator.client.get(`${w()}/conversations?view=all`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((c: { id: string }) => c.id)).not.toContain(conversationId);
    const post = await operator.client.post(`${w()}/conversations/${conversationId}/messages`, {
      clientId: 'sneaky-000001',
      text: 'x',
    });
    expect(post.status).toBe(404);
    expect((await visitor.call('POST', '/api/widget/messages', { clientId: 'bad', text: 'x' })).status).toBe(
      400,
    );
    expect(
      (await visitor.call('POST', '/api/widget/messages', { clientId: 'empty-0000001', text: '   ' })).status,
    ).toBe(400);
    expect((await visitor.call('POST', '/api/widget/read', { upTo: 'nope' })).body.error.field).toBe('upTo');
    expect(
      (await fetch(`${server.url}/api/widget/messages`, { headers: { authorization: 'Bearer forged' } }))
        .status,
    ).toBe(401);
    expect(sent.status).toBe(200);
  });
});
