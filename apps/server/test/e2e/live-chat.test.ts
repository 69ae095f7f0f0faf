import { sql } from 'drizzle-orm';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, logIn, screenshotPath, useBrowserServer } from '../browser.ts';
import { cuttableProxy } from '../harness.ts';

describe.runIf(browserAvailable)(
  'live chat in Chromium: the widget on /demo and the console',
  { timeout: 90_000 },
  () => {
    const env = useBrowserServer({ demo: true });
    let operator: Page;
    let visitor: Page;
    let visitorContext: BrowserContext;
    let panel: FrameLocator;
    let line: Awaited<ReturnType<typeof cuttableProxy>>;
    const visitorFrames: string[] = [];
    let visitorSockets = 0;
    const dialogs: string[] = [];

    beforeAll(async () => {
      const operatorContext = await env.browser.newContext({ locale: 'en-US' });
      operator = await operatorContext.newPage();
      operator.on('dialog', (d) => {
        dialogs.push(`operator: ${d.message()}`);
        void d.dismiss();
      });
      await operator.goto(`${env.server.url}/login`);
      await logIn(operator, 'anna@demo.parley.test');
      await operator.getByRole('tab', { name: 'Mine', exact: true }).waitFor();

      visitorContext = await env.browser.newContext({ locale: 'en-US' });
      visitor = await visitorContext.newPage();
      visitor.on('dialog', (d) => {
        dialogs.push(`visitor: ${d.message()}`);
        void d.dismiss();
      });
      // Everything the server sends to the visitor's sockets, to prove what never reaches them.
      visitor.on('websocket', (ws) => {
        visitorSockets++;
        ws.on('framereceived', (frame) => visitorFrames.push(String(frame.payload)));
      });
      // The visitor reaches the server through a line the test can cut.
      line = await cuttableProxy(env.server.url);
      await visitor.goto(`${line.url}/demo`);
      await visitor.getByRole('button', { name: 'Open chat' }).click();
      panel = visitor.frameLocator('iframe[title="Parley chat"]');
      await panel.getByRole('textbox', { name: 'Message' }).waitFor();
    }, 60_000);

    afterAll(async () => {
      await line?.close();
    });

    const visitorSays = async (text: string) => {
      await panel.getByRole('textbox', { name: 'Message' }).fill(text);
      await panel.getByRole('button', { name: 'Send' }).click();
    };
    const operatorSays = async (text: string) => {
      const reply = operator.getByRole('textbox', { name: 'Reply' });
      await reply.fill(text);
      await reply.press('Enter');
    };
    const visitorLog = () => panel.getByRole('log', { name: 'Conversation' });
    const operatorLog = () => operator.getByRole('log', { name: 'Messages' });

    it('a visitor writes, the operator sees it live and replies, both see typing', async () => {
      await visitorSays('hello');
      // The demo routes new chats round robin to connected operators of its Support team: Anna here.
      await operator.getByRole('tab', { name: 'Mine', exact: true }).click();
      const row = operator.getByRole('link').filter({ hasText: 'hello' }).first();
      await row.waitFor({ timeout: 10_000 });
      await row.click();
      await operatorLog().getByText('hello').waitFor();

      await operator.getByRole('textbox', { name: 'Reply' }).pressSequentially('Hi there');
      await panel.getByText(/is typing/i).waitFor({ timeout: 10_000 });
      await operator.getByRole('textbox', { name: 'Reply' }).press('Enter');
      await visitorLog().getByText('Hi there', { exact: true }).waitFor();

      await panel.getByRole('textbox', { name: 'Message' }).pressSequentially('one more');
      await operator.getByText(/is typing/i).waitFor({ timeout: 10_000 });
      await panel.getByRole('button', { name: 'Send' }).click();
      await operatorLog().getByText('one more').waitFor();
      await operator.screenshot({ path: screenshotPath('console-conversation') });
      await visitor.screenshot({ path: screenshotPath('widget-conversation') });
    });

    it('a private note never reaches the visitor, not even on the socket', async () => {
      await operator.getByRole('radio', { name: 'Private note' }).check({ force: true });
      await operatorSays('Secret internal note 7731');
      await operatorLog().getByText('Secret internal note 7731').waitFor();
      await operator.getByRole('radio', { name: 'Reply' }).check({ force: true });
      await operatorSays('Public answer after the note');
      await visitorLog().getByText('Public answer after the note').waitFor();
      expect(visitorFrames.length).toBeGreaterThan(0);
      expect(visitorFrames.join('\n')).not.toContain('Secret internal note 7731');
      expect(await visitorLog().getByText('Secret internal note 7731').count()).toBe(0);
    });

    it('after a dropped connection the visitor has every missed message once and in order, and its offline message is delivered once', async () => {
      const socketsBefore = visitorSockets;
      line.cut();
      await visitorContext.setOffline(true);
      await visitorSays('written while offline');
      for (const text of ['missed one', 'missed two', 'missed three']) await operatorSays(text);
      await operatorLog().getByText('missed three').waitFor();
      line.restore();
      await visitorContext.setOffline(false);
      await visitorLog().getByText('missed three').waitFor({ timeout: 20_000 });
      await operatorLog().getByText('written while offline').waitFor({ timeout: 20_000 });
      await visitor.waitForTimeout(500);
      // The widget really lost its socket and opened a new one, which resumed from its last sequence.
      expect(visitorSockets).toBeGreaterThan(socketsBefore);
      const texts = await visitorLog().locator('[data-message-id]').allInnerTexts();
      const missed = texts
        .filter((t) => /missed (one|two|three)/.test(t))
        .map((t) => /missed (one|two|three)/.exec(t)![0]);
      expect(missed).toEqual(['missed one', 'missed two', 'missed three']);
      expect(texts.filter((t) => t.includes('written while offline'))).toHaveLength(1);
      const { rows } = await env.server.parley.ctx.db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM messages WHERE text = 'written while offline'`,
      );
      expect(Number(rows[0]!.n)).toBe(1);
      expect(await operatorLog().getByText('written while offline').count()).toBe(1);
    });

    it('renders script-like text and javascript: links inert on both sides', async () => {
      await visitorSays('<img src=x onerror=alert(1)> [click](javascript:alert(2)) javascript:alert(3)');
      await operatorSays('<img src=y onerror=alert(4)> javascript:alert(5)');
      await operatorLog().getByText('<img src=x onerror=alert(1)>', { exact: false }).waitFor();
      await visitorLog().getByText('<img src=y onerror=alert(4)>', { exact: false }).waitFor();
      await visitor.waitForTimeout(300);
      expect(dialogs).toEqual([]);
      expect(await operator.locator('a[href^="javascript:"]').count()).toBe(0);
      expect(await panel.locator('a[href^="javascript:"]').count()).toBe(0);
      expect(await operatorLog().locator('img[src="x"]').count()).toBe(0);
      expect(await visitorLog().locator('img[src="y"]').count()).toBe(0);
    });

    it('refuses a forbidden file type with a clear message and stores nothing', async () => {
      const before = await env.server.parley.ctx.db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM attachments`,
      );
      await panel.locator('input[type=file]').setInputFiles({
        name: 'setup.exe',
        mimeType: 'application/x-msdownload',
        buffer: Buffer.from('MZ this is not an image'),
      });
      await panel.getByText(/not allowed/i).waitFor();
      const after = await env.server.parley.ctx.db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM attachments`,
      );
      expect(Number(after.rows[0]!.n)).toBe(Number(before.rows[0]!.n));
      await visitor.screenshot({ path: screenshotPath('widget-upload-refused') });
    });
  },
);
