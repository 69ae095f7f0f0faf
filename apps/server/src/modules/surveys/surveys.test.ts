import ExcelJS from 'exceljs';
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

const definition = {
  title: { en: 'How did we do?', es: '¿Qué tal lo hicimos?', fr: 'Comment était-ce ?' },
  questions: [
    { id: 'score', kind: 'rating', required: true, label: { en: 'Your score', es: 'Su nota' } },
    {
      id: 'channel',
      kind: 'choice',
      required: false,
      label: { en: 'How did you find us?' },
      options: [
        { id: 'search', label: { en: 'Search engine', fr: 'Moteur de recherche' } },
        { id: 'friend', label: { en: 'A friend', es: 'Un amigo' } },
      ],
    },
    { id: 'more', kind: 'text', required: false, label: { en: 'Anything else?' } },
  ],
};

describe('surveys (OI-7)', () => {
  let server: TestServer;
  let owner: Owner;
  let operator: { client: Client; userId: string };
  let exporter: { client: Client; userId: string };
  let key: string;
  let surveyId: string;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
    operator = await addMember(owner, { email: 'otto@example.com', role: 'operator', name: 'Otto Operator' });
    exporter = await addMember(owner, {
      email: 'eve@example.com',
      role: 'operator',
      name: 'Eve Exporter',
      permissions: ['export'],
    });
    key = (await owner.client.get(w())).body.widgetKey;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lets admins define surveys, and refuses operators and bad definitions naming the field', async () => {
    const denied = await operator.client.post(`${w()}/surveys`, { name: 'After chat', definition });
    expect(denied.status).toBe(403);
    const noOptions = await owner.client.post(`${w()}/surveys`, {
      name: 'Broken',
      definition: {
        ...definition,
        questions: [
          { id: 'q', kind: 'choice', label: { en: 'Pick' }, options: [{ id: 'a', label: { en: 'A' } }] },
        ],
      },
    });
    expect(noOptions.status).toBe(400);
    expect(noOptions.body.error.field).toContain('options');
    const noTitle = await owner.client.post(`${w()}/surveys`, {
      name: 'Broken',
      definition: { ...definition, title: { en: '' } },
    });
    expect(noTitle.status).toBe(400);
    expect(noTitle.body.error.field).toContain('title');
    expect((await owner.client.get(`${w()}/surveys`)).body).toEqual([]);

    const created = await owner.client.post(`${w()}/surveys`, { name: 'After chat', definition });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    surveyId = created.body.id;
    const list = await operator.client.get(`${w()}/surveys`);
    expect(list.body.map((s: { name: string }) => s.name)).toEqual(['After chat']);

    const renamed = await owner.client.patch(`${w()}/surveys/${surveyId}`, { name: 'After the chat' });
    expect(renamed.body.name).toBe('After the chat');
    const empty = await owner.client.patch(`${w()}/surveys/${surveyId}`, {});
    expect(empty.status).toBe(400);
  });

  it('round-trips: sent by the operator, delivered live to the widget, answered once, shown to the console', async () => {
    const visitor = await startVisitor(server, key);
    await visitor.say('Hi, a question');
    const list = await operator.client.get(`${w()}/conversations?view=unassigned&status=open`);
    const conversationId = list.body.items[0].id;
    const socket = await openSocket(server.url, visitor.socketPath());
    const console = await openSocket(
      server.url,
      `/api/realtime?workspaceId=${owner.workspaceId}&after=0`,
      operator.client.cookie,
    );
    try {
      const badSurvey = await operator.client.post(`${w()}/conversations/${conversationId}/surveys`, {
        surveyId: '00000000-0000-4000-8000-000000000000',
      });
      expect(badSurvey.status).toBe(400);
      expect(badSurvey.body.error.field).toBe('surveyId');

      const sent = await operator.client.post(`${w()}/conversations/${conversationId}/surveys`, { surveyId });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      const requestId = sent.body.id;

      const live = await waitFor(() =>
        socket.messages.find((m) => m.type === 'event' && m.event.name === 'survey.sent'),
      );
      expect(live.event.payload.survey.definition.title.es).toBe('¿Qué tal lo hicimos?');
      // The visitor's cut says nothing about who sent it.
      expect(JSON.stringify(live.event.payload)).not.toContain(operator.userId);

      const pending = await visitor.call('GET', '/api/widget/pending');
      expect(pending.body.surveys.map((s: { id: string }) => s.id)).toEqual([requestId]);

      // Bad answers: 400 naming the question, nothing stored.
      const missing = await visitor.call('POST', `/api/widget/surveys/${requestId}/answers`, {
        answers: [{ questionId: 'more', value: 'x' }],
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.field).toBe('answers.score');
      const outOfRange = await visitor.call('POST', `/api/widget/surveys/${requestId}/answers`, {
        answers: [{ questionId: 'score', value: 6 }],
      });
      expect(outOfRange.body.error.field).toBe('answers.score');
      const unknownOption = await visitor.call('POST', `/api/widget/surveys/${requestId}/answers`, {
        answers: [
          { questionId: 'score', value: 4 },
          { questionId: 'channel', value: 'tv' },
        ],
      });
      expect(unknownOption.body.error.field).toBe('answers.channel');
      const twice = await visitor.call('POST', `/api/widget/surveys/${requestId}/answers`, {
        answers: [
          { questionId: 'score', value: 4 },
          { questionId: 'score', value: 1 },
        ],
      });
      expect(twice.status).toBe(400);
      expect(twice.body.error.message).toMatch(/score: answered twice/);
      expect(
        (await operator.client.get(`${w()}/conversations/${conversationId}/surveys`)).body[0].answeredAt,
      ).toBeNull();

      // Another visitor cannot answer it.
      const stranger = await startVisitor(server, key);
      const foreign = await stranger.call('POST', `/api/widget/surveys/${requestId}/answers`, {
        answers: [{ questionId: 'score', value: 1 }],
      });
      expect(foreign.status).toBe(404);

      const answered = await visitor.call('POST', `/api/widget/surveys/${requestId}/answers`, {
        answers: [
          { questionId: 'score', value: 4 },
          { questionId: 'channel', value: 'friend' },
          { questionId: 'more', value: 'Quick and kind' },
        ],
      });
      expect(answered.status, JSON.stringify(answered.body)).toBe(204);
      const again = await visitor.call('POST', `/api/widget/surveys/${requestId}/answers`, {
        answers: [{ questionId: 'score', value: 1 }],
      });
      expect(again.status).toBe(409);

      const live2 = await waitFor(() =>
        console.messages.find((m) => m.type === 'event' && m.event.name === 'survey.answered'),
      );
      expect(live2.event.payload.request.answers).toContainEqual({ questionId: 'score', value: 4 });
      const shown = await operator.client.get(`${w()}/conversations/${conversationId}/surveys`);
      expect(shown.body[0].answers).toEqual([
        { questionId: 'score', value: 4 },
        { questionId: 'channel', value: 'friend' },
        { questionId: 'more', value: 'Quick and kind' },
      ]);
      expect((await visitor.call('GET', '/api/widget/pending')).body.surveys).toEqual([]);
      // Answers never go to the visitor's socket.
      const visitorAnswered = socket.messages.find(
        (m) => m.type === 'event' && m.event.name === 'survey.answered',
      );
      expect(visitorAnswered?.event.payload).toEqual({ surveyId: requestId });
    } finally {
      socket.ws.close();
      console.ws.close();
    }
  });

  it('delivers a survey sent after the visitor left on their next visit', async () => {
    const first = await startVisitor(server, key);
    await first.say('I will leave soon');
    const list = await owner.client.get(`${w()}/conversations?view=unassigned&status=open`);
    const conversationId = list.body.items.find((c: { visitorId: string }) => c.visitorId)!.id;
    await owner.client.post(`${w()}/conversations/${conversationId}/close`);
    const sent = await owner.client.post(`${w()}/conversations/${conversationId}/surveys`, { surveyId });
    expect(sent.status).toBe(200);
    // The same browser comes back: a new session with its stored visitor id.
    const back = await startVisitor(server, key, first.session.visitorId);
    const pending = await back.call('GET', '/api/widget/pending');
    expect(pending.body.surveys.map((s: { id: string }) => s.id)).toEqual([sent.body.id]);
  });

  it('exports the answers with `export` only, and audits the export', async () => {
    const denied = await operator.client.get(`${w()}/surveys/${surveyId}/responses?format=csv`);
    expect(denied.status).toBe(403);
    const badFormat = await exporter.client.get(`${w()}/surveys/${surveyId}/responses?format=pdf`);
    expect(badFormat.status).toBe(400);
    expect(badFormat.body.error.field).toBe('format');
    const res = await fetch(`${server.url}${w()}/surveys/${surveyId}/responses?format=csv`, {
      headers: { cookie: exporter.client.cookie },
    });
    expect(res.status).toBe(200);
    const csv = (await res.text()).replace(/^\uFEFF/, '');
    const [header, row, extra] = csv.trim().split('\n');
    expect(header).toBe(
      'Conversation,Customer,E-mail,Sent at,Answered at,Your score,How did you find us?,Anything else?',
    );
    expect(row).toMatch(/,4,A friend,Quick and kind$/);
    expect(extra).toBeUndefined(); // the unanswered one is not a response

    const xlsx = await fetch(`${server.url}${w()}/surveys/${surveyId}/responses?format=xlsx`, {
      headers: { cookie: exporter.client.cookie },
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(2).getCell(6).value).toBe(4);

    const audit = await server.parley.ctx.db.execute(
      `SELECT action, actor_id FROM audit_log WHERE action = 'export.created'` as never,
    );
    expect((audit.rows as { actor_id: string }[]).map((r) => r.actor_id)).toEqual([
      exporter.userId,
      exporter.userId,
    ]);
  });

  it('exports the answers in the language asked for: headers, questions and options, English by default', async () => {
    const csv = async (query: string) => {
      const res = await fetch(`${server.url}${w()}/surveys/${surveyId}/responses?format=csv${query}`, {
        headers: { cookie: exporter.client.cookie },
      });
      expect(res.status).toBe(200);
      return (await res.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n');
    };
    // A question or option without a text in that language reads in English, as in the widget.
    const [esHeader, esRow] = await csv('&lang=es');
    expect(esHeader).toBe(
      'Conversación,Cliente,Correo electrónico,Enviada,Respondida,Su nota,How did you find us?,Anything else?',
    );
    expect(esRow).toMatch(/,4,Un amigo,Quick and kind$/);
    const [enHeader, enRow] = await csv('');
    expect(enHeader).toBe(
      'Conversation,Customer,E-mail,Sent at,Answered at,Your score,How did you find us?,Anything else?',
    );
    expect(enRow).toMatch(/,4,A friend,Quick and kind$/);
    // The times stay machine-readable in every language.
    expect(esRow!.split(',')[3]).toBe(enRow!.split(',')[3]);
    expect(esRow!.split(',')[3]).toMatch(/^\d{4}-\d\d-\d\dT/);

    const xlsx = await fetch(`${server.url}${w()}/surveys/${surveyId}/responses?format=xlsx&lang=fr`, {
      headers: { cookie: exporter.client.cookie },
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    expect((book.worksheets[0]!.getRow(1).values as unknown[]).slice(1, 6)).toEqual([
      'Conversation',
      'Client',
      'E-mail',
      'Envoyé le',
      'Répondu le',
    ]);

    const audited = async () =>
      (
        await server.parley.ctx.db.execute(
          `SELECT id FROM audit_log WHERE action = 'export.created'` as never,
        )
      ).rows.length;
    const before = await audited();
    for (const lang of ['de', 'FR']) {
      const refused = await exporter.client.get(
        `${w()}/surveys/${surveyId}/responses?format=csv&lang=${lang}`,
      );
      expect(refused.status, lang).toBe(400);
      expect(refused.body.error.field, lang).toBe('lang');
    }
    expect(await audited()).toBe(before);
  });

  it('keeps sent copies when a survey is deleted', async () => {
    expect((await operator.client.delete(`${w()}/surveys/${surveyId}`)).status).toBe(403);
    expect((await owner.client.delete(`${w()}/surveys/${surveyId}`)).status).toBe(204);
    expect((await owner.client.get(`${w()}/surveys`)).body).toEqual([]);
    const list = await owner.client.get(`${w()}/conversations?view=all&status=open`);
    const withSurvey = await Promise.all(
      list.body.items.map((c: { id: string }) => owner.client.get(`${w()}/conversations/${c.id}/surveys`)),
    );
    expect(withSurvey.some((r) => r.body.length === 1 && r.body[0].answers)).toBe(true);
  });
});
