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

/**
 * ROUTE-1 / OPS-2: a supervisor cannot make a signed-out operator Available (or on break…): that time
 * would count as the status in the operator's figures. The refusal names the operator and the reason
 * and changes nothing; appearing offline stays settable, and once the operator is signed in the same
 * change goes through.
 */
describe("a supervisor setting a signed-out operator's status", () => {
  let server: TestServer;
  let owner: Owner;
  let sam: { client: Client; userId: string };
  let olga: { client: Client; userId: string };
  const sockets: Awaited<ReturnType<typeof openSocket>>[] = [];
  /** Olga's console, opened when she signs in (the third case); the last case closes it. */
  let olgasConsole: Awaited<ReturnType<typeof openSocket>>;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  const history = async () =>
    (await owner.client.get(`${w()}/connection-history?userId=${olga.userId}`)).body as {
      kind: string;
      detail: string;
    }[];
  /** A console of `client`'s in the workspace, attached (openSocket returns at its ready frame). */
  const consoleOf = async (client: Client) => {
    const socket = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}`,
      client.cookie,
    );
    sockets.push(socket);
    return socket;
  };
  /** Olga as a list of people shows her: the members list or the operators' overview. */
  const olgaIn = async (list: 'members' | 'operators/overview') =>
    (await owner.client.get(`${w()}/${list}`)).body.find((m: { userId: string }) => m.userId === olga.userId);
  const audited = async () =>
    ((await owner.client.get(`${w()}/audit-log?action=member.status_changed`)).body.items as unknown[])
      .length;

  beforeAll(async () => {
    server = await startTestServer({}, { heartbeatMs: 300 });
    owner = await setupOwner(server.url);
    sam = await addMember(owner, { email: 'sam@example.com', role: 'supervisor', name: 'Sam Supervisor' });
    olga = await addMember(owner, { email: 'olga@example.com', role: 'operator', name: 'Olga Operator' });
  });

  afterAll(async () => {
    for (const s of sockets) s.ws.close();
    await server?.close();
  });

  it('refuses with a 409 naming the operator, and records nothing', async () => {
    const before = await history();
    const auditBefore = await audited();
    for (const status of ['connected', 'on_break', 'training']) {
      const res = await sam.client.put(`${w()}/members/${olga.userId}/status`, { status });
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body.error).toEqual({
        code: 'conflict',
        message: 'Olga Operator is signed out: their status is set when they sign in',
        field: 'userId',
      });
    }
    expect(await history()).toEqual(before);
    expect(await audited()).toBe(auditBefore);
    const member = await olgaIn('members');
    expect(member.status).toBe('disconnected');
    // Said as signed out, not as appearing offline, in the members list and the operators' overview.
    expect(member.signedIn).toBe(false);
    expect(await olgaIn('operators/overview')).toMatchObject({ status: 'disconnected', signedIn: false });
    const from = new Date(Date.now() - 60_000).toISOString();
    const time = await owner.client.get(`${w()}/operators/${olga.userId}/status-time?from=${from}`);
    expect(time.body.totals.map((t: { status: string }) => t.status)).toEqual(['disconnected']);
  });

  it('still lets a supervisor set a signed-out operator offline, and 404s for a stranger', async () => {
    const offline = await sam.client.put(`${w()}/members/${olga.userId}/status`, { status: 'disconnected' });
    expect(offline.status, JSON.stringify(offline.body)).toBe(200);
    expect(offline.body).toMatchObject({ status: 'disconnected', signedIn: false });
    const nobody = await sam.client.put(`${w()}/members/00000000-0000-4000-8000-000000000000/status`, {
      status: 'connected',
    });
    expect(nobody.status).toBe(404);
  });

  it('sets the status once the operator is signed in', async () => {
    olgasConsole = await consoleOf(olga.client);
    const res = await sam.client.put(`${w()}/members/${olga.userId}/status`, { status: 'on_break' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'on_break', signedIn: true });
    expect((await history())[0]).toMatchObject({ kind: 'status_change', detail: 'on_break' });
  });

  it('tells appearing offline from signed out, in the members list and in the event every console hears', async () => {
    const watcher = await consoleOf(owner.client);
    const statusEvents = () =>
      watcher.messages
        .filter((x) => x.type === 'event' && x.event.name === 'operator.status_changed')
        .map((x) => x.event.payload as { userId: string; status: string; signedIn: boolean });

    // Signed in, appearing offline.
    const offline = await sam.client.put(`${w()}/members/${olga.userId}/status`, { status: 'disconnected' });
    expect(offline.body).toMatchObject({ status: 'disconnected', signedIn: true });
    expect(await olgaIn('members')).toMatchObject({ status: 'disconnected', signedIn: true });
    await waitFor(() => statusEvents().some((p) => p.status === 'disconnected' && p.signedIn));

    // Her console goes: signed out once the grace period has passed.
    await server.parley.ctx.db.execute(
      sql`UPDATE workspaces SET disconnect_grace_seconds = 1 WHERE id = ${owner.workspaceId}`,
    );
    await sam.client.put(`${w()}/members/${olga.userId}/status`, { status: 'connected' });
    olgasConsole.ws.close();
    await waitFor(() => statusEvents().some((p) => p.userId === olga.userId && !p.signedIn), 30_000);
    expect(await olgaIn('members')).toMatchObject({ status: 'disconnected', signedIn: false });
  });
});
