import { sql } from 'drizzle-orm';
import type { BrowserContextOptions, FrameLocator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../axe.ts';
import { browserAvailable, demoPassword, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';
import { Client } from '../harness.ts';

/** The widget on /demo as visitors see it: availability, chatting while away, forms, touch, languages. */
describe.runIf(browserAvailable)('the widget in Chromium', { timeout: 120_000 }, () => {
  const env = useBrowserServer({ demo: true, heartbeatMs: 1000 });

  const db = () => env.server.parley.ctx.db;

  const openWidget = async (
    options: BrowserContextOptions = {},
    title = 'Parley chat',
    open = 'Open chat',
  ): Promise<{ page: Page; panel: FrameLocator }> => {
    const context = await env.browser.newContext({ locale: 'en-US', ...options });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/demo`);
    await page.getByRole('button', { name: open }).click();
    const panel = page.frameLocator(`iframe[title="${title}"]`);
    await panel.locator('.panel').waitFor();
    return { page, panel };
  };

  const login = async (email: string): Promise<Page> => {
    const page = await openConsole(env, { email });
    await page.getByRole('tab', { name: 'Mine', exact: true }).waitFor();
    return page;
  };

  it('lets a visitor chat while nobody is online, asks for an e-mail, and follows availability live when an operator logs in', async () => {
    const { page, panel } = await openWidget();
    // Nobody is online: the widget says so, and the chat is still there (not the offline form).
    await panel.getByText("We're away right now").waitFor();
    await panel.getByText(/Nobody can answer right now/).waitFor();
    const box = panel.getByRole('textbox', { name: 'Message' });
    await box.fill('Is anyone there?');
    await box.press('Enter');
    await panel.getByRole('log', { name: 'Conversation' }).getByText('Is anyone there?').waitFor();

    // Asked for an e-mail for the reply, stored on the contact.
    const email = panel.getByRole('textbox', { name: 'Email' });
    await email.waitFor({ timeout: 10_000 });
    await email.fill('not an address');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByText('Please enter a valid e-mail address.').waitFor();
    await email.fill('visitor@example.com');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByText("Thanks! We'll also reply to visitor@example.com.").waitFor();
    await page.screenshot({ path: screenshotPath('widget-away-chat') });

    const conversation = async () => {
      const { rows } = await db().execute<{
        id: string;
        offline: boolean;
        assignee_id: string | null;
        email: string | null;
      }>(sql`SELECT c.id, c.offline, c.assignee_id, ct.email FROM conversations c
             JOIN contacts ct ON ct.id = c.contact_id
             JOIN messages m ON m.conversation_id = c.id
             WHERE m.text = 'Is anyone there?'`);
      return rows[0];
    };
    // A case to recover, waiting for someone who can receive it.
    await expect.poll(conversation, { timeout: 10_000 }).toMatchObject({
      offline: true,
      assignee_id: null,
      email: 'visitor@example.com',
    });

    // An operator logs in: the open widget follows without a reload, and the waiting chat is routed.
    const anna = await login('anna@demo.parley.test');
    await panel.getByText('We usually reply in a few minutes').waitFor({ timeout: 15_000 });
    expect(await panel.getByText(/Nobody can answer right now/).count()).toBe(0);
    const [annaUser] = await db().query.users.findMany({
      where: (u, { eq }) => eq(u.email, 'anna@demo.parley.test'),
    });
    await expect
      .poll(async () => (await conversation())?.assignee_id, { timeout: 15_000 })
      .toBe(annaUser!.id);
    await anna.getByRole('link').filter({ hasText: 'Is anyone there?' }).first().waitFor({ timeout: 10_000 });

    // Anna closes her console: once her grace period is over nobody can answer, live, also during this chat.
    await db().execute(sql`UPDATE workspaces SET disconnect_grace_seconds = 2`);
    await anna.context().close();
    await panel.getByText("We're away right now").waitFor({ timeout: 20_000 });
    await panel.getByText(/Nobody can answer right now/).waitFor();
    await db().execute(sql`UPDATE workspaces SET disconnect_grace_seconds = 45`);
    await page.context().close();
  });

  it('keeps the offline form as a workspace option, with its submit button reachable after validation errors', async () => {
    // The owner turns the option on in Settings → Chat widget.
    const owner = await login('owner@demo.parley.test');
    await owner.getByRole('button', { name: 'Settings' }).click();
    await owner.getByRole('link', { name: 'Chat widget' }).click();
    const offlineSwitch = owner.getByRole('switch', { name: 'Show the offline form instead of the chat' });
    // Clicked until it shows on (a click before the page is interactive does nothing), then saved.
    await expect
      .poll(
        async () => {
          if (!(await offlineSwitch.isChecked())) await offlineSwitch.click({ force: true });
          return (await db().query.workspaces.findFirst())!.widgetOfflineForm;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    await owner.screenshot({ path: screenshotPath('settings-widget-away') });
    await owner.context().close();
    await db().execute(sql`UPDATE memberships SET last_active_at = NULL`);
    try {
      // A laptop screen: the panel is shorter than the form once every field shows its error.
      const { page, panel } = await openWidget({ viewport: { width: 1280, height: 600 } });
      const submit = panel.getByRole('button', { name: 'Send message' });
      await submit.waitFor();
      await submit.click();
      await panel.getByText('Please fill in this field.').first().waitFor();
      await page.screenshot({ path: screenshotPath('widget-offline-form-errors') });
      // The whole button is in view, as it is: inside the panel and inside the form's visible part.
      const frame = page.locator('iframe[title="Parley chat"]');
      const bounds = (await frame.boundingBox())!;
      const button = (await submit.boundingBox())!;
      const form = (await panel.locator('form').boundingBox())!;
      expect(button.height).toBeGreaterThanOrEqual(44);
      expect(button.y).toBeGreaterThanOrEqual(Math.max(bounds.y, form.y));
      expect(button.y + button.height).toBeLessThanOrEqual(
        Math.min(bounds.y + bounds.height, form.y + form.height) + 0.5,
      );
      // The fields scroll inside the form; the panel itself never overflows.
      const overflow = await panel.locator('.panel').evaluate((el) => el.scrollHeight - el.clientHeight);
      expect(overflow).toBeLessThanOrEqual(0);
      // Sending works from there.
      await panel.getByRole('textbox', { name: 'Name' }).fill('Vera Visitor');
      await panel.getByRole('textbox', { name: 'Email' }).fill('vera@example.com');
      await panel.getByRole('textbox', { name: 'Message' }).fill('Call me back please');
      await submit.click();
      await panel.getByRole('log', { name: 'Conversation' }).getByText('Call me back please').waitFor();
      // The thanks stay, though the message made a conversation: no composer, no pre-chat form, no
      // place in a queue, and nothing asked again.
      await panel.getByText('Thanks! We got your message and will reply by e-mail soon.').waitFor();
      await page.screenshot({ path: screenshotPath('widget-offline-form-sent') });
      expect(await panel.getByRole('textbox').count()).toBe(0);
      expect(await panel.getByText(/in the queue/).count()).toBe(0);
      await page.context().close();
    } finally {
      await db().execute(sql`UPDATE workspaces SET widget_offline_form = false`);
    }
  });

  it('gives emoji 44×44 tap targets on touch screens', async () => {
    const { page, panel } = await openWidget({
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
    });
    await panel.getByRole('button', { name: 'Insert emoji' }).click();
    const first = panel.locator('.emoji-button').first();
    await first.waitFor();
    const box = (await first.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(44);
    expect(box.height).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: screenshotPath('widget-emoji-touch') });
    await page.context().close();
  });

  it('names the panel frame in the widget language', async () => {
    for (const [locale, title, open] of [
      ['fr-FR', 'Discussion Parley', 'Ouvrir le chat'],
      ['es-ES', 'Chat de Parley', 'Abrir chat'],
    ] as const) {
      const { page } = await openWidget({ locale }, title, open);
      expect(await page.locator(`iframe[title="${title}"]`).count()).toBe(1);
      await page.context().close();
    }
  });

  it('has no serious or critical axe-core violations: bubble, open panel, offline form', async () => {
    const context = await env.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/demo`);
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    const found: Record<string, string[]> = {};
    // Only the widget: on the host page, its element (launcher and panel in a Shadow DOM).
    found.bubble = await seriousViolations(page, { include: '[data-parley-widget]' });
    await page.getByRole('button', { name: 'Open chat' }).click();
    const panel = page.frameLocator('iframe[title="Parley chat"]');
    await panel.getByRole('textbox', { name: 'Message' }).waitFor();
    found.panel = await seriousViolations(await widgetFrame(page));
    await context.close();

    await db().execute(sql`UPDATE workspaces SET widget_offline_form = true`);
    await db().execute(sql`UPDATE memberships SET last_active_at = NULL`);
    try {
      const other = await env.browser.newContext({ locale: 'en-US' });
      const visitor = await other.newPage();
      await visitor.goto(`${env.server.url}/demo`);
      await visitor.getByRole('button', { name: 'Open chat' }).click();
      const form = visitor.frameLocator('iframe[title="Parley chat"]');
      await form.getByRole('button', { name: 'Send message' }).click();
      await form.getByText('Please fill in this field.').first().waitFor();
      found.offlineForm = await seriousViolations(await widgetFrame(visitor));
      await other.close();
    } finally {
      await db().execute(sql`UPDATE workspaces SET widget_offline_form = false`);
    }
    expect(found).toEqual({ bubble: [], panel: [], offlineForm: [] });
  });

  /** The conversation holding a message with this text. */
  const conversationWith = async (text: string): Promise<string | undefined> => {
    const { rows } = await db().execute<{ id: string }>(
      sql`SELECT conversation_id AS id FROM messages WHERE text = ${text}`,
    );
    return rows[0]?.id;
  };

  /** Sam, the demo's supervisor, answering over the API. */
  const supervisor = async () => {
    const sam = new Client(env.server.url);
    await sam.post('/api/auth/login', { email: 'sam@demo.parley.test', password: demoPassword });
    const [workspace] = await db().query.workspaces.findMany();
    const w = `/api/workspaces/${workspace!.id}`;
    return {
      sendSurvey: async (conversationId: string) => {
        const owner = new Client(env.server.url);
        await owner.post('/api/auth/login', { email: 'owner@demo.parley.test', password: demoPassword });
        const survey = await owner.post(`${w}/surveys`, {
          name: 'After the chat',
          definition: {
            title: { en: 'How did we do?' },
            questions: [
              { id: 'score', kind: 'rating', required: true, label: { en: 'Your score' } },
              { id: 'more', kind: 'text', label: { en: 'Anything else?' } },
            ],
          },
        });
        expect(survey.status, JSON.stringify(survey.body)).toBe(201);
        const sent = await sam.post(`${w}/conversations/${conversationId}/surveys`, {
          surveyId: survey.body.id,
        });
        expect(sent.status, JSON.stringify(sent.body)).toBeLessThan(300);
      },
      say: (conversationId: string, text: string) =>
        sam.post(`${w}/conversations/${conversationId}/messages`, {
          clientId: crypto.randomUUID(),
          text,
        }),
    };
  };

  /** Run in the page: the direction an element's text is laid out in. */
  const directionOf = (element: unknown): string =>
    (globalThis as unknown as { getComputedStyle(e: unknown): { direction: string } }).getComputedStyle(
      element,
    ).direction;

  it('writes right-to-left text right to left, and shows an operator’s list as a list', async () => {
    const { page, panel } = await openWidget();
    const box = panel.getByRole('textbox', { name: 'Message' });
    const log = panel.getByRole('log', { name: 'Conversation' });
    const arabic = 'مرحبا، أين طلبي؟';
    await box.fill(arabic);
    expect(await box.evaluate(directionOf)).toBe('rtl');
    await box.press('Enter');
    const bubble = log.locator('.bubble').filter({ hasText: arabic });
    await bubble.waitFor();
    expect(await bubble.evaluate(directionOf)).toBe('rtl');
    await box.fill('Hello in English');
    expect(await box.evaluate(directionOf)).toBe('ltr');
    await box.press('Enter');
    const english = log.locator('.bubble').filter({ hasText: 'Hello in English' });
    await english.waitFor();
    expect(await english.evaluate(directionOf)).toBe('ltr');

    // The console's toolbar writes "- " lists; the customer reads a list, not dashes.
    await expect.poll(() => conversationWith(arabic), { timeout: 10_000 }).toBeTruthy();
    const conversationId = await conversationWith(arabic);
    const sam = await supervisor();
    expect((await sam.say(conversationId!, 'Try this:\n- restart the app\n- log in again')).status).toBe(200);
    await log.getByRole('listitem').filter({ hasText: 'log in again' }).waitFor();
    expect(await log.getByRole('listitem').allInnerTexts()).toEqual(['restart the app', 'log in again']);
    expect(await log.getByText('- restart the app').count()).toBe(0);

    await page.context().close();
  });

  it('shows a message on its way in colours that keep 4.5:1', async () => {
    const context = await env.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    // A message the server has not confirmed yet (its socket frame and HTTP request held back).
    await page.route('**/api/widget/messages', () => {});
    await page.routeWebSocket(/\/realtime/, (socket) => {
      const toServer = socket.connectToServer();
      socket.onMessage((frame) => {
        if (!String(frame).includes('"type":"send"')) toServer.send(frame);
      });
    });
    await page.goto(`${env.server.url}/demo`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const panel = page.frameLocator('iframe[title="Parley chat"]');
    const box = panel.getByRole('textbox', { name: 'Message' });
    const log = panel.getByRole('log', { name: 'Conversation' });
    await box.fill('Still on its way');
    await box.press('Enter');
    const sending = log.locator('[data-status="sending"] .bubble').filter({ hasText: 'Still on its way' });
    await sending.waitFor();
    await page.screenshot({ path: screenshotPath('widget-sending') });
    const contrast = await seriousViolations(await widgetFrame(page), { rules: ['color-contrast'] });
    expect(contrast).toEqual([]);
    await context.close();
  });

  it('fills the screen of a phone held sideways: header and composer in view', async () => {
    const sideways = { width: 568, height: 320 };
    const { page, panel } = await openWidget({ viewport: sideways, isMobile: true, hasTouch: true });
    await panel.getByRole('textbox', { name: 'Message' }).waitFor();
    await page.screenshot({ path: screenshotPath('widget-phone-sideways') });
    expect(await page.locator('iframe[title="Parley chat"]').boundingBox()).toEqual({
      x: 0,
      y: 0,
      ...sideways,
    });
    for (const control of [
      panel.getByRole('button', { name: 'Close chat' }),
      panel.getByRole('textbox', { name: 'Message' }),
      panel.getByRole('button', { name: 'Send' }),
    ]) {
      const box = (await control.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(sideways.height);
    }
    await page.context().close();
  });

  it('keeps keyboard focus in a panel that fills a phone’s screen, and gives it back to the launcher on Escape', async () => {
    // Tab past the panel's last control never reaches the page hidden behind it.
    const phone = await openWidget({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.panel.getByRole('textbox', { name: 'Message' }).focus();
    // Run in the page (as text: this file is compiled without the DOM's types).
    const focusedOnPage = () =>
      phone.page.evaluate<string | null>(`(() => {
        const active = document.activeElement;
        return active && active !== document.body && !active.hasAttribute('data-parley-widget')
          ? active.outerHTML.slice(0, 60)
          : null;
      })()`);
    const reached: string[] = [];
    for (let i = 0; i < 12; i++) {
      await phone.page.keyboard.press('Tab');
      const outside = await focusedOnPage();
      if (outside) reached.push(outside);
    }
    expect(reached).toEqual([]);
    // Escape still closes it, and focus goes back to the launcher.
    await phone.panel.getByRole('textbox', { name: 'Message' }).focus();
    await phone.page.keyboard.press('Escape');
    await expect
      .poll(() =>
        phone.page.evaluate<string | null>(`(() => {
          const host = document.querySelector('[data-parley-widget]');
          return document.activeElement === host
            ? host.shadowRoot.activeElement?.getAttribute('aria-label') ?? null
            : null;
        })()`),
      )
      .toBe('Open chat');
    await phone.page.context().close();
  });

  it('says at once that the connection is lost when the browser goes offline, and recovers when it is back', async () => {
    const context = await env.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    let live = false;
    page.on('websocket', (socket) =>
      socket.on('framereceived', (frame) => {
        if (String(frame.payload).includes('"type":"ready"')) live = true;
      }),
    );
    await page.goto(`${env.server.url}/demo`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const panel = page.frameLocator('iframe[title="Parley chat"]');
    await panel.getByRole('textbox', { name: 'Message' }).waitFor();
    await expect.poll(() => live, { timeout: 15_000 }).toBe(true);
    await context.setOffline(true);
    // Chromium keeps an open socket through its offline emulation, as a phone keeps one that no
    // longer carries anything: without the browser's word the widget would only notice after two
    // missed heartbeats (30 s); 10 s leaves room for a loaded machine.
    await panel.getByText('Connection lost. Reconnecting…').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: screenshotPath('widget-offline') });
    await context.setOffline(false);
    await panel.getByText('Connection lost. Reconnecting…').waitFor({ state: 'hidden', timeout: 30_000 });
    await context.close();
  });

  it('keeps keyboard focus in an open survey, off the chat it covers, and back in the message box after it', async () => {
    const { page, panel } = await openWidget();
    const box = panel.getByRole('textbox', { name: 'Message' });
    await box.fill('Survey me');
    await box.press('Enter');
    await expect.poll(() => conversationWith('Survey me'), { timeout: 10_000 }).toBeTruthy();
    await (await supervisor()).sendSurvey((await conversationWith('Survey me'))!);
    const survey = panel.getByRole('complementary', { name: 'How did we do?' });
    await survey.waitFor({ timeout: 15_000 });
    // Tab goes through the survey and the header's close button, never to the covered chat.
    const reached = new Set<string>();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      // evaluateAll does not wait: nothing matches while focus is outside the panel.
      const [where = 'outside the panel'] = await panel
        .locator(':focus')
        .evaluateAll((els) =>
          els.map((el) => (el.closest('.survey, .header') ? 'survey or header' : el.outerHTML.slice(0, 60))),
        );
      reached.add(where);
    }
    expect([...reached].filter((where) => where !== 'outside the panel')).toEqual(['survey or header']);
    await page.screenshot({ path: screenshotPath('widget-survey-keyboard') });
    // Answered: the form goes, and focus comes back to the message box rather than to nowhere.
    await survey.getByRole('radio', { name: '5 out of 5' }).check({ force: true });
    await survey.getByRole('button', { name: 'Send answers' }).click();
    await panel.getByText('Thank you for your answers!').waitFor();
    await expect.poll(() => box.evaluate((el) => el.matches(':focus'))).toBe(true);
    await page.context().close();
  });

  it('sends pasted text with control characters instead of having it refused in English', async () => {
    const { page, panel } = await openWidget({ locale: 'fr-FR' }, 'Discussion Parley', 'Ouvrir le chat');
    const box = panel.getByRole('textbox', { name: 'Message' });
    // Copied from a word processor: a vertical tab for its line break, a stray bell.
    await box.fill('Commande 42\u000bLivraison prévue\u0007 demain');
    await box.press('Enter');
    const log = panel.getByRole('log', { name: 'Conversation' });
    await log.locator('[data-status="sent"]').filter({ hasText: 'Livraison prévue demain' }).waitFor();
    expect(await conversationWith('Commande 42\nLivraison prévue demain')).toBeTruthy();
    expect(await log.getByText(/control characters/).count()).toBe(0);
    await page.context().close();
  });

  it('gives a place in the queue but promises no wait while nobody can answer', async () => {
    const { page, panel } = await openWidget();
    await panel.getByText("We're away right now").waitFor({ timeout: 20_000 });
    const box = panel.getByRole('textbox', { name: 'Message' });
    await box.fill('Waiting in line');
    await box.press('Enter');
    const place = panel.getByText(/in the queue/);
    await place.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: screenshotPath('widget-away-queue') });
    expect(await place.innerText()).not.toMatch(/min|minute/);
    await page.context().close();
  });

  it('rings the focused launcher in a colour that stands out from the page (3:1)', async () => {
    const context = await env.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/demo`);
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    for (let i = 0; i < 10 && !(await launcher.evaluate((el) => el.matches(':focus-visible'))); i++)
      await page.keyboard.press('Tab');
    await page.screenshot({ path: screenshotPath('widget-launcher-focus') });
    type Styles = { getComputedStyle(e: unknown): { outlineColor: string; backgroundColor: string } };
    const ring = await launcher.evaluate(
      (el) => (globalThis as unknown as Styles).getComputedStyle(el).outlineColor,
    );
    const page_ = await page
      .locator('body')
      .evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).backgroundColor);
    const luminance = (rgb: string) => {
      const [r = 0, g = 0, b = 0] = (rgb.match(/\d+(\.\d+)?/g) ?? []).map(Number).map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [light, dark] = [luminance(ring), luminance(page_)].sort((a, b) => b - a);
    expect((light! + 0.05) / (dark! + 0.05)).toBeGreaterThanOrEqual(3);
    await context.close();
  });
});

/** The open panel's frame, for what needs a frame rather than a locator (axe). */
async function widgetFrame(page: Page) {
  const handle = await page.locator('iframe[title="Parley chat"]').elementHandle();
  return (await handle!.contentFrame())!;
}
