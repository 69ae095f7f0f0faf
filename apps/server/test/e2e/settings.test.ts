import { describe, expect, it } from 'vitest';
import { getRoutingSettings } from '../../src/modules/routing/settings.ts';
import { listTeams } from '../../src/modules/routing/teams.ts';
import { browserAvailable, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';

/** An owner sets up routing from the settings pages, as an administrator would. */
describe.runIf(browserAvailable)('settings in Chromium', { timeout: 120_000 }, () => {
  const env = useBrowserServer({ demo: true });

  it('creates a team with its rule, capacity and members, and makes it the default for new chats', async () => {
    const page = await openConsole(env, { email: 'owner@demo.parley.test' });
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

    const workspaceId = (await env.server.parley.ctx.db.query.workspaces.findFirst())!.id;
    await expect
      .poll(
        async () =>
          (await listTeams(env.server.parley.ctx.db, workspaceId)).find((t) => t.name === 'Billing'),
        {
          timeout: 10_000,
        },
      )
      .toMatchObject({ rule: 'least_busy', capacity: 2, businessHours: null });
    const [anna] = await env.server.parley.ctx.db.query.users.findMany({
      where: (u, { eq }) => eq(u.email, 'anna@demo.parley.test'),
    });
    // The members are saved by a second request after the team itself.
    const billingTeam = async () =>
      (await listTeams(env.server.parley.ctx.db, workspaceId)).find((t) => t.name === 'Billing')!;
    await expect.poll(async () => (await billingTeam()).memberIds, { timeout: 10_000 }).toEqual([anna!.id]);
    const billing = await billingTeam();

    await page.getByRole('link', { name: 'Routing' }).click();
    await page.getByRole('combobox', { name: 'Team for new web conversations' }).click();
    await page.getByRole('option', { name: 'Billing' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect
      .poll(async () => (await getRoutingSettings(env.server.parley.ctx.db, workspaceId)).defaultTeamId, {
        timeout: 10_000,
      })
      .toBe(billing.id);
    await page.screenshot({ path: screenshotPath('settings-routing') });
  });
});
