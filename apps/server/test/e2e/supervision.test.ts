import fs from 'node:fs';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../src/modules/routing/clock.ts';
import { seriousViolations } from '../axe.ts';
import { browserAvailable, openConsole, useBrowserServer } from '../browser.ts';

const shots = '/tmp/shots-inbox';
const shot = (page: Page, name: string) => page.screenshot({ path: `${shots}/${name}.png` });

/**
 * OI-4, OI-7, WS-1, WS-2 in Chromium: a supervisor answers a help request, whispers, takes over; an
 * @mention reaches a colleague's inbox live; a snoozed conversation wakes when the customer writes and
 * when its time comes.
 */
describe.runIf(browserAvailable)(
  'a supervisor inside a conversation, in Chromium',
  { timeout: 180_000 },
  () => {
    const env = useBrowserServer({ demo: true });
    let anna: Page;
    let sam: Page;
    let visitor: Page;
    let panel: FrameLocator;
    const visitorFrames: string[] = [];

    const login = async (email: string) => {
      const page = await openConsole(env, { email });
      await page.getByRole('tab', { name: 'Mine', exact: true }).waitFor();
      return page;
    };
    const visitorSays = async (text: string) => {
      await panel.getByRole('textbox', { name: 'Message' }).fill(text);
      await panel.getByRole('button', { name: 'Send' }).click();
    };
    const say = async (page: Page, text: string) => {
      const box = page.getByRole('textbox', { name: 'Reply' });
      await box.fill(text);
      await box.press('Enter');
    };
    const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
    const visitorLog = () => panel.getByRole('log', { name: 'Conversation' });
    const badge = (page: Page) => page.getByTestId('inbox-badge');

    beforeAll(async () => {
      fs.mkdirSync(shots, { recursive: true });
      // Anna alone is connected when the customer writes: the demo's round robin gives it to her.
      anna = await login('anna@demo.parley.test');
      const visitorContext = await env.browser.newContext({ locale: 'en-US' });
      visitor = await visitorContext.newPage();
      visitor.on('websocket', (ws) => ws.on('framereceived', (f) => visitorFrames.push(String(f.payload))));
      await visitor.goto(`${env.server.url}/demo`);
      await visitor.getByRole('button', { name: 'Open chat' }).click();
      panel = visitor.frameLocator('iframe[title="Parley chat"]');
      await visitorSays('I need a refund for order 5521');
      const row = anna.getByRole('link').filter({ hasText: 'I need a refund' }).first();
      await row.waitFor({ timeout: 15_000 });
      await row.click();
      await log(anna).getByText('I need a refund for order 5521').waitFor();
      sam = await login('sam@demo.parley.test');
    }, 240_000);

    afterAll(async () => {
      setClock();
    });

    it('the operator asks for help; the supervisor gets it in the inbox and joins with one click', async () => {
      await anna.getByRole('button', { name: 'Ask for help' }).click();
      await anna.getByLabel('What do you need help with? (optional)').fill('Refund over the limit');
      await anna.getByRole('button', { name: 'Ask a supervisor' }).click();
      await anna
        .getByTestId('help-banner')
        .getByText(/Waiting|Refund over the limit/)
        .waitFor();
      await expect.poll(() => badge(sam).getAttribute('data-unread'), { timeout: 15_000 }).toBe('1');
      await badge(sam).click();
      const item = sam.getByTestId('inbox-item').filter({ hasText: 'Anna Operator asks for help' });
      await item.waitFor();
      await shot(sam, 'inbox-page');
      await item.getByRole('button', { name: /Open/ }).click();
      await sam.getByTestId('help-banner').getByRole('button', { name: 'Join' }).click();
      await anna.getByText('Sam Supervisor joined to help').waitFor({ timeout: 15_000 });
      await sam.getByRole('button', { name: 'More actions' }).click();
      await sam.getByRole('menuitem', { name: 'Stop monitoring' }).waitFor();
      await sam.keyboard.press('Escape');
      // Gone before the next step clicks below it (closing, it still covered the composer's modes).
      await sam.getByRole('menu').waitFor({ state: 'hidden' });
    });

    it('a whisper reaches the operator, never the customer’s frames or transcript', async () => {
      await sam.getByRole('radio', { name: 'Whisper' }).check({ force: true });
      await say(sam, 'Offer the 10% discount 4417');
      const whisper = log(anna).locator('[data-whisper]').filter({ hasText: 'Offer the 10% discount 4417' });
      await whisper.waitFor({ timeout: 15_000 });
      expect(await whisper.getByText('Whisper', { exact: true }).count()).toBe(1);
      await shot(anna, 'whisper-operator');
      await say(anna, 'We can do something for you');
      await visitorLog().getByText('We can do something for you').waitFor({ timeout: 15_000 });
      expect(visitorFrames.length).toBeGreaterThan(0);
      expect(visitorFrames.join('\n')).not.toContain('4417');
      // The transcript the widget loads again from the server.
      await visitor.reload();
      await visitor.getByRole('button', { name: 'Open chat' }).click();
      await visitorLog().getByText('We can do something for you').waitFor({ timeout: 15_000 });
      expect(await visitorLog().getByText(/4417/).count()).toBe(0);
      expect(visitorFrames.join('\n')).not.toContain('4417');
    });

    it('an @mention in a note reaches the colleague’s inbox live', async () => {
      await sam.getByRole('link', { name: 'Inbox', exact: true }).first().click();
      await sam.getByRole('heading', { name: 'Inbox' }).waitFor();
      const before = Number(await badge(sam).getAttribute('data-unread'));
      await anna.getByRole('radio', { name: 'Private note' }).check({ force: true });
      const box = anna.getByRole('textbox', { name: 'Reply' });
      await box.pressSequentially('@Sa');
      await anna
        .getByRole('listbox', { name: 'Colleagues to mention' })
        .getByRole('option', { name: '@Sam Supervisor' })
        .waitFor();
      await shot(anna, 'mention-autocomplete');
      await box.press('Enter');
      await expect.poll(() => box.inputValue()).toBe('@Sam Supervisor ');
      await box.pressSequentially('please check the refund');
      await box.press('Enter');
      await log(anna).getByText('@Sam Supervisor please check the refund').waitFor();
      await expect
        .poll(() => badge(sam).getAttribute('data-unread'), { timeout: 15_000 })
        .toBe(String(before + 1));
      await sam.getByTestId('inbox-item').filter({ hasText: 'Anna Operator mentioned you' }).waitFor();
      // With a count showing, the header's inbox link, and each inbox item, is named by what it shows
      // (WCAG 2.5.3).
      expect(await seriousViolations(sam, { rules: ['label-content-name-mismatch'] })).toEqual([]);
      await anna.getByRole('radio', { name: 'Reply' }).check({ force: true });
    });

    it('a take-over moves the conversation: both consoles and the customer see it', async () => {
      await sam
        .getByTestId('inbox-item')
        .filter({ hasText: 'mentioned you' })
        .getByRole('button', { name: /Open/ })
        .click();
      await sam.getByRole('button', { name: 'Take over' }).click();
      await sam.getByRole('dialog').getByRole('button', { name: 'Take over' }).click();
      await sam.getByText('Assigned to you').first().waitFor({ timeout: 15_000 });
      await anna.getByTestId('handed-over').waitFor({ timeout: 15_000 });
      await visitorLog().getByText('Sam has joined the conversation and will help you from here.').waitFor({
        timeout: 15_000,
      });
      await shot(sam, 'take-over-supervisor');
      await shot(anna, 'take-over-operator');
      await expect.poll(() => badge(anna).getAttribute('data-unread'), { timeout: 15_000 }).not.toBe('0');
    });

    it('a snoozed conversation reopens when the customer writes, and when its time comes', async () => {
      const header = sam.locator('header').filter({ has: sam.getByTestId('conversation-tools') });
      await sam.getByRole('button', { name: 'More actions' }).click();
      await sam.getByRole('menuitem', { name: 'For 1 hour' }).click();
      await sam.getByTestId('snoozed-until').waitFor();
      await header.getByText('Snoozed', { exact: true }).waitFor();
      await shot(sam, 'snoozed');
      await sam.getByRole('tab', { name: 'All', exact: true }).click();
      await sam.getByRole('radio', { name: 'Snoozed' }).check({ force: true });
      const conversationId = new URL(sam.url()).pathname.split('/').at(-1);
      const snoozedRow = sam.locator(`a[data-conversation-id="${conversationId}"]`);
      await snoozedRow.first().waitFor();

      await visitorSays('Hello? Anyone there?');
      await header.getByText('Open', { exact: true }).waitFor({ timeout: 15_000 });
      // It leaves the Snoozed tab live.
      await expect.poll(() => snoozedRow.count(), { timeout: 15_000 }).toBe(0);

      // Snoozed again with a custom time, then the (test) clock moves past it.
      await sam.getByRole('button', { name: 'More actions' }).click();
      await sam.getByRole('menuitem', { name: 'Pick a date and time' }).click();
      await sam.getByLabel('Snooze until').waitFor();
      await shot(sam, 'snooze-custom');
      await sam.getByRole('button', { name: 'Snooze', exact: true }).click();
      await header.getByText('Snoozed', { exact: true }).waitFor({ timeout: 15_000 });
      await snoozedRow.first().waitFor({ timeout: 15_000 });
      setClock(() => new Date(Date.now() + 3 * 86_400_000));
      await header.getByText('Open', { exact: true }).waitFor({ timeout: 20_000 });
      await expect.poll(() => snoozedRow.count(), { timeout: 15_000 }).toBe(0);
      setClock();
    });
  },
);
