import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRoutingSettings } from '../../src/modules/routing/settings.ts';
import { listTeams } from '../../src/modules/routing/teams.ts';
import { browserAvailable, launchBrowser, screenshotPath } from '../browser.ts';
import { startTestServer, type TestServer } from '../harness.ts';

/** An owner sets up routing from the settings pages, as an administrator would. */
describe.runIf(browserAvailable)('settings in Chromium', { timeout: 120_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    server = await startTestServer({ serveWeb: true, demo: true, demoPassword: 'demo-password' });
    ({ browser, close: closeBrowser } = await launchBrowser());
  }, 60_000);

  afterAll(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  it('creates a team with its rule, capacity and members, and makes it the default for new chats', async () => {
    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill('owner@demo.parley.test');
    await page.getByLabel('Password').fill('demo-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Teams' }).click();
    await page
      .getByRole('link', { name: 'Create team' })
      .or(page.getByRole('button', { name: 'Create team' }))
      .first()
      .click();

    await page.getByRole('textbox', { name: 'Name' }).fill('Billing');
    await page.getByRole('combobox', { name: 'Assignment rule' }).click();
    await page.getByRole('option', { name: 'Least busy' }).click();
    await page.getByRole('textbox', { name: 'Capacity per operator' }).fill('2');
    await page.getByRole('combobox', { name: 'Members' }).click();
    await page.getByRole('option', { name: 'Anna Operator' }).click();
    await page.keyboard.press('Escape');
    await page.screenshot({ path: screenshotPath('settings-team') });
    await page.getByRole('button', { name: 'Create team' }).click();

    const workspaceId = (await server.parley.ctx.db.query.workspaces.findFirst())!.id;
    await expect
      .poll(
        async () => (await listTeams(server.parley.ctx.db, workspaceId)).find((t) => t.name === 'Billing'),
        {
          timeout: 10_000,
        },
      )
      .toMatchObject({ rule: 'least_busy', capacity: 2, businessHours: null });
    const [anna] = await server.parley.ctx.db.query.users.findMany({
      where: (u, { eq }) => eq(u.email, 'anna@demo.parley.test'),
    });
    // The members are saved by a second request after the team itself.
    const billingTeam = async () =>
      (await listTeams(server.parley.ctx.db, workspaceId)).find((t) => t.name === 'Billing')!;
    await expect.poll(async () => (await billingTeam()).memberIds, { timeout: 10_000 }).toEqual([anna!.id]);
    const billing = await billingTeam();

    await page.getByRole('link', { name: 'Routing' }).click();
    await page.getByRole('combobox', { name: 'Team for new web conversations' }).click();
    await page.getByRole('option', { name: 'Billing' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect
      .poll(async () => (await getRoutingSettings(server.parley.ctx.db, workspaceId)).defaultTeamId, {
        timeout: 10_000,
      })
      .toBe(billing.id);
    await page.screenshot({ path: screenshotPath('settings-routing') });
  });
});
