import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, logIn, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';

/** Two operators of the demo's Support team (round robin) in two browsers, and visitors on /demo. */
describe.runIf(browserAvailable)('routing in Chromium: two operators', { timeout: 120_000 }, () => {
  const env = useBrowserServer({ demo: true });
  let anna: Page;
  let oscar: Page;

  const login = async (email: string) => {
    const page = await openConsole(env, { email });
    await page.getByRole('tab', { name: 'Mine', exact: true }).click();
    return page;
  };

  const visitorWrites = async (text: string) => {
    const page = await (await env.browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(`${env.server.url}/demo`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const panel = page.frameLocator('iframe[title="Parley chat"]');
    await panel.getByRole('textbox', { name: 'Message' }).fill(text);
    await panel.getByRole('button', { name: 'Send' }).click();
    await panel.getByRole('log', { name: 'Conversation' }).getByText(text).waitFor();
    return page;
  };

  const row = (page: Page, text: string) => page.getByRole('link').filter({ hasText: text });

  beforeAll(async () => {
    // Room for everyone: the demo's queued case goes to the first operator who connects.
    await env.server.parley.ctx.db.execute(sql`UPDATE teams SET capacity = 6`);
    anna = await login('anna@demo.parley.test');
    oscar = await login('oscar@demo.parley.test');
  }, 60_000);

  it('spreads new conversations between the connected operators', async () => {
    await visitorWrites('first visitor asks');
    await visitorWrites('second visitor asks');
    const counts = (page: Page) =>
      Promise.all(['first', 'second'].map((n) => row(page, `${n} visitor asks`).count()));
    const total = async () => [...(await counts(anna)), ...(await counts(oscar))].reduce((a, b) => a + b);
    await expect.poll(total, { timeout: 15_000 }).toBe(2);
    const annaHas = await counts(anna);
    const oscarHas = await counts(oscar);
    // Round robin: one each, never both to the same operator.
    expect(annaHas.map((n, i) => n + oscarHas[i]!)).toEqual([1, 1]);
    expect(annaHas.reduce((a, b) => a + b)).toBe(1);
    // Each sees a tab for their own new conversation only: the other's left the queue.
    for (const page of [anna, oscar]) {
      await expect
        .poll(() => page.getByRole('tab', { name: /^Visitor #(6|7)/ }).count(), { timeout: 5000 })
        .toBe(1);
    }
  });

  it('gives nothing new to an operator on break', async () => {
    await oscar.getByRole('combobox', { name: 'Status' }).click();
    // The status is saved before the next visitor writes.
    await Promise.all([
      oscar.waitForResponse((r) => r.url().endsWith('/me/status') && r.ok()),
      oscar.getByRole('option', { name: 'On break' }).click(),
    ]);
    await visitorWrites('third visitor asks');
    await row(anna, 'third visitor asks').waitFor({ timeout: 15_000 });
    expect(await row(oscar, 'third visitor asks').count()).toBe(0);
    await oscar.screenshot({ path: screenshotPath('routing-on-break') });
  });

  it('transfers with a message to the other operator, who sees it marked as transferred', async () => {
    await oscar.getByRole('combobox', { name: 'Status' }).click();
    await Promise.all([
      oscar.waitForResponse((r) => r.url().endsWith('/me/status') && r.ok()),
      oscar.getByRole('option', { name: 'Connected', exact: true }).click(),
    ]);
    // Oscar's console starts after the conversation arrived: it did not flash for him as a new one.
    await oscar.reload();
    await oscar
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor({ timeout: 15_000 });
    await row(anna, 'third visitor asks').first().click();
    await anna.getByRole('button', { name: 'Transfer', exact: true }).click();
    const dialog = anna.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.getByRole('radio', { name: 'To an operator' }).check();
    await dialog.getByRole('combobox', { name: 'Operator' }).click();
    await anna.getByRole('option', { name: /Oscar Operator/ }).click();
    await dialog
      .getByRole('textbox', { name: 'Message for the receiver' })
      .fill('Please take this one, it is about shipping');
    await dialog.getByRole('button', { name: 'Transfer conversation' }).click();

    await row(oscar, 'third visitor asks').first().waitFor({ timeout: 15_000 });
    // It arrives as a new one would: its tab flashes until Oscar opens it (OI-5).
    const name = /Visitor #\d+/.exec(await row(oscar, 'third visitor asks').first().innerText())![0];
    await oscar.locator('[data-flashing]').filter({ hasText: name }).waitFor({ timeout: 5000 });
    await row(oscar, 'third visitor asks').first().click();
    await oscar
      .getByText('Transferred by Anna Operator: “Please take this one, it is about shipping”')
      .waitFor();
    await oscar.screenshot({ path: screenshotPath('routing-transferred') });
  });

  it("a new chat's desktop notification says what the customer wrote", async () => {
    // The owner watches every conversation without being routed any: a console that allows notifications.
    const context = await env.browser.newContext({ locale: 'en-US' });
    await context.grantPermissions(['notifications'], { origin: env.server.url });
    // Records what the console shows instead of showing it (the test runs without DOM types: a string).
    await context.addInitScript(`
      window.shownNotifications = [];
      window.Notification = Object.assign(
        function (title, options) {
          window.shownNotifications.push({ title, body: options && options.body });
          return { close() {} };
        },
        { permission: 'granted', requestPermission: async () => 'granted' },
      );
    `);
    const owner = await context.newPage();
    await owner.goto(`${env.server.url}/login`);
    await logIn(owner, 'owner@demo.parley.test');
    await owner
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor({ timeout: 15_000 });
    await visitorWrites('do you rent e-bikes?');
    const shown = () => owner.evaluate('window.shownNotifications') as Promise<{ body?: string }[]>;
    await expect
      .poll(async () => (await shown()).map((n) => n.body), { timeout: 15_000 })
      .toContainEqual(expect.stringMatching(/^Visitor #\d+: do you rent e-bikes\?$/));
    await context.close();
  });

  it("opens a teammate's conversation from All to read and note on, without offering to move it", async () => {
    const texts = ['first visitor asks', 'second visitor asks'];
    const oscars = [];
    for (const text of texts) if ((await row(oscar, text).count()) > 0) oscars.push(text);
    expect(oscars).toHaveLength(1);
    await anna.getByRole('tab', { name: 'All', exact: true }).click();
    await row(anna, oscars[0]!).first().click();
    await anna.getByRole('log', { name: 'Messages' }).getByText(oscars[0]!).waitFor({ timeout: 15_000 });
    await anna.getByRole('textbox', { name: 'Reply' }).waitFor();
    expect(await anna.getByTestId('handed-over').count()).toBe(0);
    // Moving a teammate's conversation needs transfer_any, which the server checks: nothing offers it.
    for (const name of ['Assign to me', 'Assign', 'Transfer'])
      expect(await anna.getByRole('button', { name, exact: true }).count()).toBe(0);
    await anna.screenshot({ path: screenshotPath('routing-teammate-conversation') });
  });
});
