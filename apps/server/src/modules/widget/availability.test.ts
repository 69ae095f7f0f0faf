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

async function startVisitor(server: TestServer, workspaceKey: string) {
  const res = await fetch(`${server.url}/api/widget/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workspaceKey }),
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
  return { session, call, socketPath: `/api/realtime?visitorToken=${session.token}` };
}

/** Issue 13 item 11: the widget follows "someone can answer" live, and a chat written while away waits. */
describe('widget availability', () => {
  let server: TestServer;
  let owner: Owner;
  let operator: { client: Client; userId: string };
  let widgetKey: string;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer({}, { heartbeatMs: 300 });
    owner = await setupOwner(server.url);
    widgetKey = (await owner.client.get(w())).body.widgetKey;
    operator = await addMember(owner, { email: 'ana@example.com', role: 'operator', name: 'Ana' });
    const team = await owner.client.post(`${w()}/teams`, { name: 'Support', rule: 'round_robin' });
    await owner.client.put(`${w()}/teams/${team.body.id}/members`, { userIds: [operator.userId] });
    await owner.client.patch(`${w()}/routing`, { defaultTeamId: team.body.id });
  });
  afterAll(() => server?.close());

  it('tells visitors (and only visitors, only the boolean) when an operator connects and leaves; a chat written meanwhile is a case to recover, routed when the operator connects', async () => {
    const visitor = await startVisitor(server, widgetKey);
    expect(visitor.session.settings).toMatchObject({ online: false, offlineForm: false });
    const vs = await openSocket(server.url, visitor.socketPath);
    await waitFor(() => vs.messages.some((m) => m.type === 'ready'));

    // Nobody can answer: the visitor writes in the chat all the same, and leaves an e-mail.
    const sent = await visitor.call('POST', '/api/widget/messages', {
      clientId: 'away-0001',
      text: 'anyone?',
    });
    expect(sent.status).toBe(200);
    expect((await visitor.call('POST', '/api/widget/email', { email: 'Visitor@Example.com' })).status).toBe(
      204,
    );
    expect((await visitor.call('POST', '/api/widget/email', { email: 'nope' })).status).toBe(400);
    type Row = {
      id: string;
      offline: boolean;
      assignee_id: string | null;
      queued_at: Date | null;
      email: string | null;
    };
    const read = async () =>
      (
        await server.parley.ctx.db.execute<Row>(sql`SELECT c.id, c.offline, c.assignee_id, c.queued_at, ct.email
           FROM conversations c JOIN contacts ct ON ct.id = c.contact_id`)
      ).rows;
    // The router queues it a moment after the message (a job): wait for that.
    let rows = await read();
    for (const deadline = Date.now() + 20_000; !rows[0]?.queued_at && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 50));
      rows = await read();
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ offline: true, assignee_id: null, email: 'visitor@example.com' });
    expect(rows[0]!.queued_at).not.toBeNull();

    // The operator opens the console: visitors hear "available", the waiting chat is assigned.
    const os = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      operator.client.cookie,
    );
    const on = await waitFor(
      () => vs.messages.find((m) => m.event?.name === 'widget.availability')?.event,
      10_000,
    );
    expect(on.payload).toEqual({ available: true });
    expect((await visitor.call('GET', '/api/widget/availability')).body).toEqual({
      online: true,
      outOfHours: false,
      outOfHoursMessage: null,
    });
    await expect
      .poll(async () => (await owner.client.get(`${w()}/conversations/${rows[0]!.id}`)).body.assigneeId, {
        timeout: 10_000,
      })
      .toBe(operator.userId);

    // On a break nobody can answer: told once, as a boolean.
    await operator.client.put(`${w()}/me/status`, { status: 'on_break' });
    await waitFor(
      () =>
        vs.messages.filter((m) => m.event?.name === 'widget.availability').length === 2 &&
        vs.messages.filter((m) => m.event?.name === 'widget.availability')[1].event,
      10_000,
    );
    const told = vs.messages
      .filter((m) => m.event?.name === 'widget.availability')
      .map((m) => m.event.payload);
    expect(told).toEqual([{ available: true }, { available: false }]);
    // Operators never get the visitors' event; visitors never get operator details.
    expect(os.messages.some((m) => m.event?.name === 'widget.availability')).toBe(false);
    expect(JSON.stringify(vs.messages)).not.toContain(operator.userId);
    expect(JSON.stringify(vs.messages)).not.toContain('operator.status_changed');

    // A status change that changes nothing for visitors is not announced again.
    await operator.client.put(`${w()}/me/status`, { status: 'looking_for_info' });
    await waitFor(() => os.messages.some((m) => m.event?.payload?.status === 'looking_for_info'));
    await new Promise((r) => setTimeout(r, 500));
    expect(vs.messages.filter((m) => m.event?.name === 'widget.availability')).toHaveLength(2);
    vs.ws.close();
    os.ws.close();
  });

  it('keeps the offline form as a workspace option', async () => {
    expect((await owner.client.get(`${w()}/widget`)).body.offlineForm).toBe(false);
    const on = await owner.client.patch(`${w()}/widget`, { offlineForm: true });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ offlineForm: true, prechat: { enabled: false } });
    expect((await owner.client.patch(`${w()}/widget`, {})).status).toBe(400);
    const visitor = await startVisitor(server, widgetKey);
    expect(visitor.session.settings.offlineForm).toBe(true);
    await owner.client.patch(`${w()}/widget`, { offlineForm: false });
  });
});
