import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, setupOwner, startTestServer, type TestServer, waitFor } from '../../../test/harness.ts';
import { events } from '../../platform/db/schema.ts';
import { LINK_HOURS, pathName, presentAttachment } from './links.ts';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const LONG_NAME = `${'Capture d’écran du tableau de bord — ventes trimestrielles '.repeat(3)}(version finale).png`;

/** Reads the whole body, so no response is left open when the server closes. */
const drain = async (pending: Promise<Response>) => {
  const res = await pending;
  await res.arrayBuffer();
  return res;
};

describe('signed file links', () => {
  let server: TestServer;
  let token: string;
  let workspaceId: string;
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
  let sent: any;

  const visitorCall = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    server = await startTestServer();
    const owner = await setupOwner(server.url);
    workspaceId = owner.workspaceId;
    const workspaceKey = (await owner.client.get(`/api/workspaces/${workspaceId}`)).body.widgetKey;
    const session = await fetch(`${server.url}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        workspaceKey,
        locale: 'fr',
        page: { url: 'https://shop.example/', title: 'Shop' },
      }),
    });
    token = ((await session.json()) as { token: string }).token;
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), LONG_NAME);
    const uploaded = await fetch(`${server.url}/api/widget/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(uploaded.status).toBe(200);
    const file = (await uploaded.json()) as { id: string };
    sent = (
      await visitorCall('POST', '/api/widget/messages', { clientId: 'file-0001', attachmentIds: [file.id] })
    ).body;
  }, 120_000);
  afterAll(() => server?.close());

  it('keeps the full name for display and download but a short URL (a long name answered 414)', async () => {
    const file = sent.attachments[0];
    expect(file.name).toBe(LONG_NAME);
    expect(file.url.length).toBeLessThan(200);
    const res = await fetch(`${server.url}${file.url}`);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toContain(
      `filename*=UTF-8''${encodeURIComponent(LONG_NAME).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    );
    expect(Number(/max-age=(\d+)/.exec(res.headers.get('cache-control')!)![1])).toBeLessThanOrEqual(
      (LINK_HOURS + 1) * 3600,
    );
  });

  it('makes short ASCII path names that keep the extension', () => {
    expect(pathName('Résumé final.pdf')).toBe('Resume-final.pdf');
    expect(pathName('../../etc/passwd')).toBe('etc-passwd');
    expect(pathName('日本語')).toBe('file');
    const long = pathName(LONG_NAME);
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long.endsWith('.png')).toBe(true);
  });

  it('expires links after a few hours, and every read signs them again', async () => {
    const file = sent.attachments[0];
    const exp = Number(new URL(file.url, server.url).searchParams.get('exp'));
    const hoursLeft = (exp * 1000 - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(LINK_HOURS - 0.1);
    expect(hoursLeft).toBeLessThanOrEqual(LINK_HOURS + 1);

    // A link made long ago (the clock is the presenter's argument) no longer works: 403, not 500.
    const old = presentAttachment(server.parley.ctx.secret, file, Date.now() - (LINK_HOURS + 2) * 3_600_000);
    const expired = await fetch(`${server.url}${old.url}`);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('forbidden');

    // Reading the conversation again gives working links.
    const history = await visitorCall('GET', '/api/widget/messages');
    const again = history.body.messages.find((m: { id: string }) => m.id === sent.id).attachments[0];
    expect((await drain(fetch(`${server.url}${again.url}`))).status).toBe(200);
  });

  it('answers a tampered link 404 and never 500', async () => {
    const url = new URL(sent.attachments[0].url, server.url);
    const variants = (edit: (u: URL) => void) => {
      const copy = new URL(url);
      edit(copy);
      return copy;
    };
    const exp = Number(url.searchParams.get('exp'));
    const tampered = [
      variants((u) => u.searchParams.set('exp', String(exp + 86_400 * 365))),
      variants((u) => u.searchParams.set('exp', 'soon')),
      variants((u) => u.searchParams.set('exp', '9'.repeat(40))),
      variants((u) => u.searchParams.delete('exp')),
      variants((u) => u.searchParams.set('sig', 'forged')),
      variants((u) => u.searchParams.set('sig', '%%%\u0000')),
      variants((u) => u.searchParams.delete('sig')),
      variants((u) => {
        u.pathname = u.pathname.replace(/[0-9a-f]{8}-/, '00000000-');
      }),
    ];
    for (const link of tampered) {
      const res = await drain(fetch(link));
      expect([403, 404], link.search).toContain(res.status);
    }
  });

  it('replays message events from the outbox with freshly signed links', async () => {
    const file = sent.attachments[0];
    const stale = presentAttachment(
      server.parley.ctx.secret,
      file,
      Date.now() - (LINK_HOURS + 2) * 3_600_000,
    );
    // The stored event carries the link made when it was published: make it an old one.
    const [row] = await server.parley.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.workspaceId, workspaceId), eq(events.name, 'message.created')));
    const payload = row!.payload as { message: { attachments: { url: string }[] } };
    payload.message.attachments[0]!.url = stale.url;
    await server.parley.ctx.db
      .update(events)
      .set({ payload })
      .where(and(eq(events.workspaceId, workspaceId), eq(events.seq, row!.seq)));

    const socket = await openSocket(server.url, `/api/realtime?visitorToken=${token}&after=${row!.seq - 1}`);
    const event = await waitFor(
      () => socket.messages.find((m) => m.type === 'event' && m.event.name === 'message.created')?.event,
      20_000,
    );
    socket.ws.close();
    const replayed = event.payload.message.attachments[0].url;
    expect(replayed).not.toBe(stale.url);
    expect((await drain(fetch(`${server.url}${replayed}`))).status).toBe(200);
  });
});
