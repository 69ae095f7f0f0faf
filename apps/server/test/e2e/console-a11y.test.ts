import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../axe.ts';
import { browserAvailable, logIn, openConsole, useBrowserServer } from '../browser.ts';
import { startTestServer, type TestServer } from '../harness.ts';

/** SPEC accessibility bar: no serious or critical axe-core violation on any console screen, light mode. */
describe.runIf(browserAvailable)('console accessibility (axe-core, light mode)', { timeout: 300_000 }, () => {
  const env = useBrowserServer({ demo: true });
  let fresh: TestServer;
  let context: BrowserContext;

  beforeAll(async () => {
    fresh = await startTestServer({ serveWeb: true });
    context = await env.browser.newContext({
      locale: 'en-US',
      colorScheme: 'light',
    });
  }, 150_000);
  afterAll(async () => {
    await fresh?.close();
  });

  const found: Record<string, string[]> = {};
  const check = async (page: Page, name: string) => {
    // Polled: a menu, modal or notification may still be fading in when the screen appears.
    await expect
      .poll(
        async () => {
          found[name] = await seriousViolations(page);
          return found[name].length;
        },
        { timeout: 30_000 },
      )
      .toBe(0);
  };

  it('setup and login', async () => {
    const page = await context.newPage();
    await page.goto(`${fresh.url}/setup`);
    await page.getByLabel('Workspace name').waitFor();
    await check(page, 'setup');
    await page.goto(`${env.server.url}/login`);
    await logIn(page, 'owner@demo.parley.test', 'wrong password');
    await page.getByRole('alert').waitFor();
    await check(page, 'login with an error');
    await page.close();
  });

  let page: Page;

  it("an owner's inbox with a conversation open, and the transfer dialog", async () => {
    page = await context.newPage();
    await page.goto(`${env.server.url}/login`);
    await logIn(page, 'owner@demo.parley.test');
    await page.getByRole('button', { name: 'Log out' }).waitFor();

    // The inbox, with a conversation open and its row selected.
    await page.getByRole('tab', { name: 'All', exact: true }).click();
    const rows = page.getByRole('main').getByRole('link');
    await rows.first().waitFor();
    await rows.first().click();
    await page.getByRole('region', { name: 'Conversation', exact: true }).waitFor();
    await page.getByRole('log').first().waitFor();
    await check(page, 'inbox with a conversation open');

    await page.getByRole('button', { name: 'Transfer', exact: true }).click();
    await page.getByRole('dialog', { name: 'Transfer conversation' }).waitFor();
    await check(page, 'transfer dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('members and every settings page', async () => {
    const workspacePath = new URL(page.url()).pathname.split('/').slice(0, 3).join('/');
    const screens: [string, string, string][] = [
      ['members', '/members', 'Members'],
      ['inbox', '/inbox', 'Monitored conversations'],
      ['teams', '/settings/teams', 'Teams'],
      ['routing', '/settings/routing', 'Routing'],
      ['statuses', '/settings/statuses', 'Statuses'],
      ['chat widget', '/settings/widget', 'Chat widget'],
      ['operators', '/operators', 'Pending response'],
      ['audit log', '/audit', 'Audit log'],
      ['conversation settings', '/settings/conversations', 'Customer panel'],
      ['surveys', '/settings/surveys', 'New survey'],
      ['canned answers', '/settings/canned', 'New canned answer'],
    ];
    for (const [name, path, text] of screens) {
      await page.goto(`${env.server.url}${workspacePath}${path}`);
      await page.getByText(text).first().waitFor();
      await page.waitForLoadState('networkidle');
      await check(page, name);
    }
    // The team editor, always open, then with its business hours: each day's row of times.
    await page.goto(`${env.server.url}${workspacePath}/settings/teams/new`);
    await page.getByText('Business hours').first().waitFor();
    await check(page, 'team editor');
    await page.getByRole('switch', { name: 'Always open' }).uncheck();
    await page.getByRole('spinbutton', { name: 'Friday, range 1: closes, minutes', exact: true }).waitFor();
    expect(await page.getByRole('spinbutton').count()).toBeGreaterThanOrEqual(20);
    await check(page, 'team editor with business hours');
    // A date field with a day (its clear button) and the other's calendar open (its arrows and days).
    await page.goto(`${env.server.url}${workspacePath}/audit?from=2024-12-25`);
    await page.getByRole('textbox', { name: 'To' }).click();
    await page.locator('[data-dates-dropdown]').waitFor();
    await check(page, 'audit log with a calendar open');
    await page.close();
  });

  it("an operator's queue", async () => {
    const page = await openConsole(env, {
      email: 'anna@demo.parley.test',
      colorScheme: 'light',
    });
    await page.getByRole('tab', { name: /^Queue/ }).click();
    await page.waitForLoadState('networkidle');
    await check(page, 'queue');
    await page.context().close();
  });

  afterAll(() => {
    const failing = Object.entries(found).filter(([, v]) => v.length > 0);
    if (failing.length > 0) console.error(JSON.stringify(Object.fromEntries(failing), null, 2));
  });
});
