import type { TestServer } from './harness.ts';

/** A widget visitor over HTTP: its session (bearer token) and a fetch helper. */
export async function startVisitor(server: TestServer, workspaceKey: string, visitorId?: string) {
  const res = await fetch(`${server.url}/api/widget/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workspaceKey, visitorId, locale: 'en-GB', timezone: 'Europe/London' }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
  const session: any = await res.json();
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${session.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
    return { status: r.status, body: (text ? JSON.parse(text) : null) as any };
  };
  let n = 0;
  const say = async (text: string) => {
    const sent = await call('POST', '/api/widget/messages', { clientId: `c-${Date.now()}-${n++}`, text });
    if (sent.status !== 200) throw new Error(`send failed: ${JSON.stringify(sent.body)}`);
    return sent.body;
  };
  return {
    session,
    call,
    say,
    socketPath: (after = 0) => `/api/realtime?visitorToken=${session.token}&after=${after}`,
  };
}

/** A small SMTP mailbox for tests: the raw messages, decoded from quoted-printable. */
export function decodeMail(raw: string): string {
  const unfolded = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < unfolded.length; i++) {
    const hex = unfolded.slice(i + 1, i + 3);
    if (unfolded[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(unfolded[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
