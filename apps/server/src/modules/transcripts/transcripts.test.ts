import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  type Client,
  type Owner,
  setupOwner,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../../test/harness.ts';
import { decodeMail, startVisitor } from '../../../test/visitor.ts';

describe('transcripts (OI-7)', () => {
  let server: TestServer;
  let smtp: SMTPServer;
  let owner: Owner;
  let operator: { client: Client; userId: string };
  let outsider: { client: Client; userId: string };
  let conversationId: string;
  const mails: { to: string[]; body: string }[] = [];
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => {
          raw += chunk.toString('latin1');
        });
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body: decodeMail(raw) });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    server = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${port}` });
    owner = await setupOwner(server.url);
    operator = await addMember(owner, { email: 'otto@example.com', role: 'operator', name: 'Otto Operator' });
    outsider = await addMember(owner, { email: 'olga@example.com', role: 'operator', name: 'Olga Other' });
    const key = (await owner.client.get(w())).body.widgetKey;
    const visitor = await startVisitor(server, key);
    await visitor.call('POST', '/api/widget/prechat', {
      name: 'Carla Customer',
      email: 'carla@shop.example',
    });
    await visitor.say('Hello, my order is late — ¿dónde está?');
    const list = await operator.client.get(`${w()}/conversations?view=unassigned&status=open`);
    conversationId = list.body.items[0].id;
    const reply = await operator.client.post(`${w()}/conversations/${conversationId}/messages`, {
      clientId: 'reply-1-abcdef',
      text: 'It left the warehouse **today**.',
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const note = await operator.client.post(`${w()}/conversations/${conversationId}/messages`, {
      clientId: 'note-1-abcdef',
      text: 'SECRET-NOTE: customer is a VIP, refund if needed',
      private: true,
    });
    expect(note.status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('gives the printable transcript without notes', async () => {
    const res = await operator.client.get(`${w()}/conversations/${conversationId}/transcript`);
    expect(res.status).toBe(200);
    expect(res.body.contactName).toBe('Carla Customer');
    expect(res.body.entries.map((e: { text: string }) => e.text)).toEqual([
      'Hello, my order is late — ¿dónde está?',
      'It left the warehouse **today**.',
    ]);
    expect(res.body.entries[1].authorName).toBe('Otto');
    expect(JSON.stringify(res.body)).not.toContain('SECRET-NOTE');
  });

  it("e-mails it to the customer's address over SMTP, with names and no notes", async () => {
    const res = await operator.client.post(`${w()}/conversations/${conversationId}/transcript/email`, {
      locale: 'es',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ to: 'carla@shop.example' });
    const mail = await waitFor(() => mails.find((m) => m.to.includes('carla@shop.example')), 10_000);
    expect(mail.body).toContain('Esta es la transcripción de su conversación con Acme.');
    expect(mail.body).toContain('Hello, my order is late — ¿dónde está?');
    expect(mail.body).toContain('Otto:');
    expect(mail.body).toContain('It left the warehouse **today**.');
    expect(mail.body).not.toContain('SECRET-NOTE');
    expect(mail.body).not.toContain('VIP');
  });

  it('e-mails it to a typed address', async () => {
    const res = await operator.client.post(`${w()}/conversations/${conversationId}/transcript/email`, {
      recipient: 'boss@shop.example',
    });
    expect(res.status).toBe(200);
    const mail = await waitFor(() => mails.find((m) => m.to.includes('boss@shop.example')), 10_000);
    expect(mail.body).toContain('Subject: Transcript of your conversation #1 with Acme');
    expect(mail.body).not.toContain('SECRET-NOTE');
  });

  it('refuses a bad address naming the field, and sends nothing', async () => {
    const before = mails.length;
    const res = await operator.client.post(`${w()}/conversations/${conversationId}/transcript/email`, {
      recipient: 'not an address',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('recipient');
    const locale = await operator.client.post(`${w()}/conversations/${conversationId}/transcript/email`, {
      locale: 'de',
    });
    expect(locale.status).toBe(400);
    expect(locale.body.error.field).toBe('locale');
    expect(mails.length).toBe(before);
  });

  it('hides the transcript of a conversation the operator may not see', async () => {
    // Otto took it by replying: Olga (no view_all) must not read or send it.
    const read = await outsider.client.get(`${w()}/conversations/${conversationId}/transcript`);
    expect(read.status).toBe(404);
    const send = await outsider.client.post(`${w()}/conversations/${conversationId}/transcript/email`, {
      recipient: 'x@example.com',
    });
    expect(send.status).toBe(404);
  });

  it('asks for an address when the customer has none', async () => {
    const key = (await owner.client.get(w())).body.widgetKey;
    const anonymous = await startVisitor(server, key);
    await anonymous.say('no e-mail here');
    const list = await owner.client.get(`${w()}/conversations?view=all&status=open`);
    const other = list.body.items.find((c: { contact: { email: string | null } }) => !c.contact.email);
    const res = await owner.client.post(`${w()}/conversations/${other.id}/transcript/email`, {});
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('recipient');
  });
});
