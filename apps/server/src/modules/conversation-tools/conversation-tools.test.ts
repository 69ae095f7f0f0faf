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
import { startVisitor } from '../../../test/visitor.ts';

describe('rating (CSAT) and the customer panel (OI-9)', () => {
  let server: TestServer;
  let owner: Owner;
  let operator: { client: Client; userId: string };
  let key: string;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  /** A visitor with a conversation Otto answered, optionally closed. */
  async function chat(close: boolean) {
    const visitor = await startVisitor(server, key);
    await visitor.say('hello');
    const list = await operator.client.get(`${w()}/conversations?view=unassigned&status=open`);
    const id = list.body.items.find((c: { visitorId: string }) => c.visitorId)!.id as string;
    await operator.client.post(`${w()}/conversations/${id}/messages`, { clientId: `r-${id}`, text: 'hi!' });
    if (close) expect((await operator.client.post(`${w()}/conversations/${id}/close`)).status).toBe(200);
    return { visitor, id };
  }

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    operator = await addMember(owner, { email: 'otto@example.com', role: 'operator', name: 'Otto Operator' });
    key = (await owner.client.get(w())).body.widgetKey;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('asks for a rating once the conversation is closed, stores it once, tells the console', async () => {
    const { visitor, id } = await chat(false);
    expect((await visitor.call('GET', '/api/widget/pending')).body.csat).toEqual({
      enabled: true,
      comment: true,
      conversationId: null,
    });
    const early = await visitor.call('POST', '/api/widget/rating', { conversationId: id, rating: 5 });
    expect(early.status).toBe(409);

    await operator.client.post(`${w()}/conversations/${id}/close`);
    expect((await visitor.call('GET', '/api/widget/pending')).body.csat.conversationId).toBe(id);

    const socket = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}&after=0`,
      operator.client.cookie,
    );
    try {
      for (const [body, field] of [
        [{ conversationId: id, rating: 0 }, 'rating'],
        [{ conversationId: id, rating: 6 }, 'rating'],
        [{ conversationId: id, rating: 2.5 }, 'rating'],
        [{ conversationId: 'nope', rating: 3 }, 'conversationId'],
        [{ conversationId: id, rating: 3, comment: 'a\u0000b' }, 'comment'],
      ] as const) {
        const bad = await visitor.call('POST', '/api/widget/rating', body);
        expect(bad.status, JSON.stringify(body)).toBe(400);
        expect(bad.body.error.field).toBe(field);
      }
      expect((await operator.client.get(`${w()}/conversations/${id}/rating`)).body).toBeNull();

      const stranger = await startVisitor(server, key);
      expect(
        (await stranger.call('POST', '/api/widget/rating', { conversationId: id, rating: 1 })).status,
      ).toBe(404);

      const rated = await visitor.call('POST', '/api/widget/rating', {
        conversationId: id,
        rating: 4,
        comment: 'Helpful',
      });
      expect(rated.status, JSON.stringify(rated.body)).toBe(204);
      const twice = await visitor.call('POST', '/api/widget/rating', { conversationId: id, rating: 1 });
      expect(twice.status).toBe(409);

      const live = await waitFor(() =>
        socket.messages.find((m) => m.type === 'event' && m.event.name === 'conversation.rated'),
      );
      expect(live.event.payload.rating).toMatchObject({ conversationId: id, rating: 4, comment: 'Helpful' });
      const shown = await operator.client.get(`${w()}/conversations/${id}/rating`);
      expect(shown.body).toMatchObject({ rating: 4, comment: 'Helpful' });
      expect((await visitor.call('GET', '/api/widget/pending')).body.csat.conversationId).toBeNull();
    } finally {
      socket.ws.close();
    }
  });

  it('gives the metrics module the exact average with its count', async () => {
    const second = await chat(true);
    expect(
      (await second.visitor.call('POST', '/api/widget/rating', { conversationId: second.id, rating: 5 }))
        .status,
    ).toBe(204);
    const third = await chat(true);
    expect(
      (await third.visitor.call('POST', '/api/widget/rating', { conversationId: third.id, rating: 2 }))
        .status,
    ).toBe(204);
    const report = await owner.client.get(`${w()}/metrics?period=today`);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    // 4 + 5 + 2 over 3.
    expect(report.body.figures.csat).toEqual({ sum: 11, count: 3, average: 11 / 3 });
  });

  it('follows the workspace setting: no prompt when off, no comment when comments are off', async () => {
    expect((await operator.client.patch(`${w()}/conversation-tools`, { csatEnabled: false })).status).toBe(
      403,
    );
    const empty = await owner.client.patch(`${w()}/conversation-tools`, {});
    expect(empty.status).toBe(400);
    const wrong = await owner.client.patch(`${w()}/conversation-tools`, { csatComment: 'yes' });
    expect(wrong.body.error.field).toBe('csatComment');

    const noComment = await owner.client.patch(`${w()}/conversation-tools`, { csatComment: false });
    expect(noComment.body).toMatchObject({ csatEnabled: true, csatComment: false });
    const { visitor, id } = await chat(true);
    const withComment = await visitor.call('POST', '/api/widget/rating', {
      conversationId: id,
      rating: 3,
      comment: 'meh',
    });
    expect(withComment.status).toBe(400);
    expect(withComment.body.error.field).toBe('comment');

    await owner.client.patch(`${w()}/conversation-tools`, { csatEnabled: false });
    expect((await visitor.call('GET', '/api/widget/pending')).body.csat).toEqual({
      enabled: false,
      comment: false,
      conversationId: null,
    });
    expect((await visitor.call('POST', '/api/widget/rating', { conversationId: id, rating: 3 })).status).toBe(
      409,
    );
    await owner.client.patch(`${w()}/conversation-tools`, { csatEnabled: true, csatComment: true });
  });

  it('configures the customer panel (admins) and lets operators edit only the editable fields', async () => {
    const fields = [
      { key: 'name', label: null, editable: true },
      { key: 'attributes.contractStart', label: 'Contract start', editable: true },
      { key: 'attributes.paymentMethod', label: 'Payment method', editable: false },
      { key: 'email', label: 'E-mail', editable: true },
    ];
    expect(
      (await operator.client.patch(`${w()}/conversation-tools`, { customerFields: fields })).status,
    ).toBe(403);
    const badKey = await owner.client.patch(`${w()}/conversation-tools`, {
      customerFields: [{ key: 'password', label: null, editable: true }],
    });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.field).toContain('customerFields');
    const twice = await owner.client.patch(`${w()}/conversation-tools`, {
      customerFields: [fields[0], fields[0]],
    });
    expect(twice.status).toBe(400);

    const saved = await owner.client.patch(`${w()}/conversation-tools`, { customerFields: fields });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await operator.client.get(`${w()}/conversation-tools`)).body.customerFields).toEqual(fields);

    const { id } = await chat(false);
    const edit = (key: string, value: string | null) =>
      operator.client.put(`${w()}/conversations/${id}/customer`, { key, value });
    expect((await edit('attributes.contractStart', '2024-03-01')).status).toBe(200);
    expect((await edit('name', 'Carla Customer')).status).toBe(200);
    const locked = await edit('attributes.paymentMethod', 'cash');
    expect(locked.status).toBe(403);
    expect(locked.body.error.field).toBe('key');
    const notShown = await edit('phone', '+34 600 000 000');
    expect(notShown.status).toBe(403);
    const badEmail = await edit('email', 'carla at shop');
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.field).toBe('value');
    const badKey2 = await edit('attributes.', 'x');
    expect(badKey2.status).toBe(400);
    expect(badKey2.body.error.field).toBe('key');

    const detail = await operator.client.get(`${w()}/conversations/${id}`);
    expect(detail.body.contact.name).toBe('Carla Customer');
    expect(detail.body.contact.email).toBeNull();
    expect(detail.body.contact.phone).toBeNull();
    expect(detail.body.contact.attributes).toEqual({ contractStart: '2024-03-01' });

    // Another operator's conversation is not editable by a colleague without view_all.
    const olga = await addMember(owner, { email: 'olga@example.com', role: 'operator' });
    const foreign = await olga.client.put(`${w()}/conversations/${id}/customer`, { key: 'name', value: 'X' });
    expect(foreign.status).toBe(404);
  });
  it("editing the phone in the panel moves the customer's country to the number's (ADM-3)", async () => {
    const saved = await owner.client.patch(`${w()}/conversation-tools`, {
      customerFields: [{ key: 'phone', label: null, editable: true }],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const { id } = await chat(false); // the visitor's browser says en-GB
    const row = async (query: string) =>
      ((await owner.client.get(`${w()}/admin/conversations?${query}`)).body.items as { id: string }[]).find(
        (c) => c.id === id,
      ) as { customer: { phone: string | null; country: string | null } } | undefined;
    expect((await row(''))?.customer.country).toBe('GB');

    const edit = (value: string | null) =>
      operator.client.put(`${w()}/conversations/${id}/customer`, { key: 'phone', value });
    expect((await edit('+34 611 222 333')).status).toBe(200);
    expect((await row(''))?.customer).toMatchObject({ phone: '+34 611 222 333', country: 'ES' });
    expect(await row('country=ES')).toBeDefined();
    expect(await row('country=GB')).toBeUndefined();

    // A number with no recognisable country, or none, leaves the language's region.
    expect((await edit('611 222 333')).status).toBe(200);
    expect((await row(''))?.customer.country).toBe('GB');
    expect((await edit('+34 611 222 333')).status).toBe(200);
    expect((await edit('')).status).toBe(200);
    expect((await row('country=GB'))?.customer).toMatchObject({ phone: null, country: 'GB' });
  });
});
