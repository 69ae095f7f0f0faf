import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { addMember, type Client, type Owner, type TestServer, waitFor } from './harness.ts';
import { type Operation, type Schema, schemaSampler } from './openapi.ts';

/**
 * Two workspaces with one of everything the routes take ids of, and requests of every OpenAPI
 * operation built from either's ids: the pieces of `e2e/isolation.test.ts`.
 */

/** Who calls: a console session (cookie and CSRF token), a widget visitor (token), or nobody. */
export type Caller = { cookie: string; csrf: string } | { token: string } | null;

/** The ids of one workspace's things, by what the routes call them. */
export interface Ids {
  workspaceId: string;
  widgetKey: string;
  ownerId: string;
  operatorId: string;
  teamId: string;
  statusId: string;
  tagId: string;
  inviteId: string;
  inviteToken: string;
  conversationId: string;
  closedConversationId: string;
  messageId: string;
  attachmentId: string;
  visitorAttachmentId: string;
  attachmentUrl: string;
  surveyId: string;
  surveyRequestId: string;
  helpRequestId: string;
  inboxItemId: string;
  exportId: string;
  personalAnswerId: string;
  teamAnswerId: string;
  workspaceAnswerId: string;
}

export interface World {
  name: string;
  owner: Owner;
  operator: { client: Client; userId: string };
  visitorToken: string;
  browserId: string;
  ids: Ids;
}

/** Which id a field of a route takes; null when the field is not an id. */
export const idFor = (ids: Ids, name: string, route: string): string | string[] | null => {
  switch (name) {
    case 'workspaceId':
      return ids.workspaceId;
    case 'userId':
      // Whose conversations are moved: the owner's (the operator receives them).
      return route.endsWith('/operators/{userId}/transfer') ? ids.ownerId : ids.operatorId;
    case 'assigneeId':
    case 'toUserId':
    case 'operatorId':
    case 'actorId':
      return ids.operatorId;
    case 'userIds':
      return [ids.operatorId];
    case 'teamId':
    case 'toTeamId':
    case 'defaultTeamId':
      return ids.teamId;
    case 'statusId':
      return ids.statusId;
    case 'status':
      // A custom status is named `custom:<id>`; the other values of `status` are not ids.
      return route.endsWith('/status') ? `custom:${ids.statusId}` : null;
    case 'tagId':
      return ids.tagId;
    case 'tagIds':
      return [ids.tagId];
    case 'inviteId':
      return ids.inviteId;
    case 'conversationId':
      return ids.conversationId;
    case 'conversationIds':
    case 'ids':
      return [ids.conversationId];
    case 'upTo':
      return ids.messageId;
    case 'before':
      return route.includes('/inbox') ? ids.inboxItemId : ids.messageId;
    case 'attachmentId':
      return ids.attachmentId;
    case 'attachmentIds':
      return [route.startsWith('/api/widget/') ? ids.visitorAttachmentId : ids.attachmentId];
    case 'surveyId':
      return ids.surveyId;
    case 'requestId':
      return route.includes('/help-requests/') ? ids.helpRequestId : ids.surveyRequestId;
    case 'itemId':
      return ids.inboxItemId;
    case 'exportId':
      return ids.exportId;
    case 'cannedAnswerId':
      return ids.teamAnswerId;
    default:
      return null;
  }
};

/** Valid values of the fields whose schema alone does not say enough. */
const knownSamples: Record<string, unknown> = {
  scope: 'team',
  timezone: 'Europe/Madrid',
  colour: '#654321',
  until: new Date(Date.now() + 86_400_000).toISOString(),
  locale: 'en',
  country: 'ES',
  replyWindows: {},
};

const sampleOf = schemaSampler((s, name) => {
  if (name in knownSamples) return knownSamples[name];
  if (s.format === 'date-time')
    return new Date(Date.now() + (name === 'to' ? 60_000 : -86_400_000)).toISOString();
  return undefined;
});

/** An id field of an operation: where it is and its name. */
export interface IdField {
  where: 'path' | 'query' | 'body';
  /** Property path inside the body (top level or inside `filters`), or the parameter's name. */
  path: string[];
}

/** A request whose id fields take `pick(field)`'s workspace, everything else a sample. */
export function buildRequest(
  route: string,
  op: Operation,
  pick: (field: IdField) => Ids,
): { path: Record<string, string>; query: Record<string, string>; body: unknown; idFields: IdField[] } {
  const idFields: IdField[] = [];
  const path: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const p of op.parameters ?? []) {
    const field: IdField = { where: p.in, path: [p.name] };
    const id = idFor(pick(field), p.name, route);
    if (id !== null) {
      if (p.name !== 'workspaceId') idFields.push(field);
      const value = Array.isArray(id) ? id.join(',') : id;
      if (p.in === 'path') path[p.name] = value;
      else query[p.name] = value;
    } else if (p.in === 'path') throw new Error(`${route}: no id for path parameter ${p.name}`);
    else if (p.required) query[p.name] = String(sampleOf(p.schema, p.name));
  }
  const schema = op.requestBody?.content['application/json']?.schema;
  let body: unknown;
  if (schema) {
    const fill = (s: Schema, at: string[]): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        const field: IdField = { where: 'body', path: [...at, key] };
        const id = idFor(pick(field), key, route);
        if (id !== null) {
          idFields.push(field);
          out[key] = id;
        } else if (prop.type === 'object' && prop.properties) out[key] = fill(prop, [...at, key]);
        else out[key] = sampleOf(prop, key);
      }
      return out;
    };
    body = fill(schema, []);
  }
  return { path, query, body, idFields };
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8]);

/** A route's URL with its path parameters and query filled in. */
export const toUrl = (route: string, path: Record<string, string>, query: Record<string, string>) => {
  const url = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(path[name]!));
  const search = new URLSearchParams(query).toString();
  return search ? `${url}?${search}` : url;
};

export const callAs = async (
  server: TestServer,
  who: Caller,
  method: string,
  url: string,
  body?: unknown,
) => {
  const headers: Record<string, string> = {};
  if (who && 'cookie' in who) {
    headers.cookie = who.cookie;
    headers['x-csrf-token'] = who.csrf;
  } else if (who) headers.authorization = `Bearer ${who.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.url + url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
};

export const upload = async (server: TestServer, who: NonNullable<Caller>, url: string) => {
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), 'photo.png');
  const headers: Record<string, string> =
    'cookie' in who
      ? { cookie: who.cookie, 'x-csrf-token': who.csrf }
      : { authorization: `Bearer ${who.token}` };
  const res = await fetch(server.url + url, { method: 'POST', headers, body: form });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; url: string };
};

/** The `id` column of the first row of a query. */
export const oneId = async (server: TestServer, sqlText: ReturnType<typeof sql>) => {
  const { rows } = (await server.parley.ctx.db.execute(sqlText)) as unknown as { rows: { id: string }[] };
  return rows[0]?.id as string;
};

/** One of everything the routes take ids of, named after the workspace so that it can be searched for. */
export async function populate(server: TestServer, name: string, owner: Owner): Promise<World> {
  const call = (who: Caller, method: string, url: string, body?: unknown) =>
    callAs(server, who, method, url, body);
  const one = (query: ReturnType<typeof sql>) => oneId(server, query);
  const c = owner.client;
  const w = `/api/workspaces/${owner.workspaceId}`;
  const lower = name.toLowerCase();
  const ok = <T extends { status: number; body: unknown }>(res: T, label: string): T => {
    if (res.status >= 300) throw new Error(`${name} ${label}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const operator = await addMember(owner, {
    email: `opal@${lower}.example`,
    role: 'operator',
    name: `Opal ${name}`,
  });
  const team = ok(await c.post(`${w}/teams`, { name: `${name} Team`, rule: 'round_robin' }), 'team');
  const teamId = team.body.id as string;
  ok(await c.put(`${w}/teams/${teamId}/members`, { userIds: [owner.userId, operator.userId] }), 'members');
  ok(await c.patch(`${w}/routing`, { defaultTeamId: teamId }), 'routing');
  ok(await c.patch(`${w}/conversation-tools`, { csatEnabled: true, csatComment: true }), 'tools');
  const statusId = ok(await c.post(`${w}/statuses`, { name: `${name} Lunch` }), 'status').body.id;
  const tagId = ok(await c.post(`${w}/tags`, { name: `${name} Tag`, colour: '#123456' }), 'tag').body.id;
  const invite = ok(
    await c.post(`${w}/invites`, { email: `pending@${lower}.example`, role: 'operator' }),
    'invite',
  );
  const widgetKey = (await c.get(w)).body.widgetKey as string;

  // A visitor who says who they are, browses, sends a photo and a question.
  const browserId = `browser-${lower}-0001`;
  const session = await call(null, 'POST', '/api/widget/sessions', {
    workspaceKey: widgetKey,
    visitorId: browserId,
    page: { url: `https://${lower}.example/pricing`, title: `${name} pricing` },
  });
  const visitorToken = JSON.parse(session.text).token as string;
  const visitor = { token: visitorToken };
  await call(visitor, 'POST', '/api/widget/prechat', {
    name: `${name} Visitor`,
    email: `visitor@${lower}.example`,
  });
  const visitorPhoto = await upload(server, visitor, '/api/widget/attachments');
  const said = await call(visitor, 'POST', '/api/widget/messages', {
    clientId: `${lower}-client-v1`,
    text: `${name} visitor question`,
    attachmentIds: [visitorPhoto.id],
  });
  expect(said.status, said.text).toBe(200);
  const conversationId = await one(
    sql`SELECT id FROM conversations WHERE workspace_id = ${owner.workspaceId} ORDER BY created_at LIMIT 1`,
  );
  ok(await c.post(`${w}/conversations/${conversationId}/assign`, { assigneeId: owner.userId }), 'assign');
  const photo = await upload(server, c, `${w}/attachments`);
  ok(
    await c.post(`${w}/conversations/${conversationId}/messages`, {
      clientId: `${lower}-client-o1`,
      text: `${name} operator reply`,
      attachmentIds: [photo.id],
    }),
    'reply',
  );
  // A note mentioning the owner puts an item in the owner's inbox.
  ok(
    await operator.client.post(`${w}/conversations/${conversationId}/messages`, {
      clientId: `${lower}-client-n1`,
      text: `@Olivia Owner ${name} private note`,
      private: true,
    }),
    'note',
  );
  ok(await c.put(`${w}/conversations/${conversationId}/tags`, { tagIds: [tagId] }), 'tags');
  ok(await c.patch(`${w}/conversations/${conversationId}/marks`, { important: true }), 'marks');
  ok(await c.put(`${w}/conversations/${conversationId}/monitored`, {}), 'pin');
  const helpRequestId = ok(
    await c.post(`${w}/conversations/${conversationId}/help-requests`, { message: `${name} help` }),
    'help',
  ).body.id;
  const surveyId = ok(
    await c.post(`${w}/surveys`, {
      name: `${name} Survey`,
      definition: {
        title: { en: `${name} survey` },
        questions: [{ id: 'q', kind: 'text', label: { en: 'Why?' } }],
      },
    }),
    'survey',
  ).body.id;
  const surveyRequestId = ok(
    await c.post(`${w}/conversations/${conversationId}/surveys`, { surveyId }),
    'survey request',
  ).body.id;
  const answer = async (scope: string, extra: object = {}) =>
    ok(
      await c.post(`${w}/canned-answers`, {
        scope,
        shortcut: `${lower}-${scope}`,
        title: `${name} ${scope} answer`,
        text: `${name} ${scope} answer`,
        ...extra,
      }),
      `canned ${scope}`,
    ).body.id as string;
  const personalAnswerId = await answer('personal');
  const teamAnswerId = await answer('team', { teamId });
  const workspaceAnswerId = await answer('workspace');
  await call(visitor, 'POST', '/api/widget/read', {
    upTo: await one(
      sql`SELECT id FROM messages WHERE conversation_id = ${conversationId} ORDER BY seq DESC LIMIT 1`,
    ),
  });

  // A second visitor's conversation, closed and rated.
  const rater = {
    token: JSON.parse(
      (
        await call(null, 'POST', '/api/widget/sessions', {
          workspaceKey: widgetKey,
          visitorId: `rater-${lower}`,
        })
      ).text,
    ).token as string,
  };
  await call(rater, 'POST', '/api/widget/prechat', {
    name: `${name} Rater`,
    email: `rater@${lower}.example`,
  });
  expect(
    (
      await call(rater, 'POST', '/api/widget/messages', {
        clientId: `${lower}-client-r1`,
        text: `${name} thanks`,
      })
    ).status,
  ).toBe(200);
  const closedConversationId = await one(
    sql`SELECT id FROM conversations WHERE workspace_id = ${owner.workspaceId} AND id <> ${conversationId} LIMIT 1`,
  );
  ok(
    await c.post(`${w}/conversations/${closedConversationId}/assign`, { assigneeId: owner.userId }),
    'assign 2',
  );
  ok(
    await c.post(`${w}/conversations/${closedConversationId}/messages`, {
      clientId: `${lower}-client-o2`,
      text: `${name} bye`,
    }),
    'reply 2',
  );
  ok(await c.post(`${w}/conversations/${closedConversationId}/close`), 'close');
  const rated = await call(rater, 'POST', '/api/widget/rating', {
    conversationId: closedConversationId,
    rating: 5,
    comment: `${name} great`,
  });
  expect(rated.status, rated.text).toBeLessThan(300);

  // An impersonation session (started and ended), and an export of the conversations.
  ok(await c.post(`${w}/operators/${operator.userId}/impersonation`), 'impersonate');
  ok(await c.delete(`${w}/impersonation`), 'end impersonation');
  const exportId = ok(await c.post(`${w}/exports`, { format: 'csv' }), 'export').body.id as string;
  await waitFor(async () => (await c.get(`${w}/exports/${exportId}`)).body.status === 'done', 30_000);
  await server.parley.jobs.drain();
  const inboxItemId = await one(
    sql`SELECT id FROM inbox_items WHERE workspace_id = ${owner.workspaceId} AND user_id = ${owner.userId} LIMIT 1`,
  );
  expect(inboxItemId, `${name} inbox item`).toBeTruthy();
  return {
    name,
    owner,
    operator,
    visitorToken,
    browserId,
    ids: {
      workspaceId: owner.workspaceId,
      widgetKey,
      ownerId: owner.userId,
      operatorId: operator.userId,
      teamId,
      statusId,
      tagId,
      inviteId: invite.body.id,
      inviteToken: String(invite.body.url).split('/invite/')[1]!,
      conversationId,
      closedConversationId,
      messageId: await one(
        sql`SELECT id FROM messages WHERE conversation_id = ${conversationId} AND author_kind = 'operator' AND NOT private LIMIT 1`,
      ),
      attachmentId: photo.id,
      visitorAttachmentId: visitorPhoto.id,
      attachmentUrl: photo.url,
      surveyId,
      surveyRequestId,
      helpRequestId,
      inboxItemId,
      exportId,
      personalAnswerId,
      teamAnswerId,
      workspaceAnswerId,
    },
  };
}
