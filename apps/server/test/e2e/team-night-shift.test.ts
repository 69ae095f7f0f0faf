import { describe, expect, it } from 'vitest';
import { listTeams } from '../../src/modules/routing/teams.ts';
import { seriousViolations } from '../axe.ts';
import { browserAvailable, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';

/** A team's business hours across midnight (ROUTE-6), set in French in Settings → Teams. */
describe.runIf(browserAvailable)('night shifts in Chromium', { timeout: 120_000 }, () => {
  const env = useBrowserServer({ demo: true });

  it('takes a range closing before it opens as running into the next day, and flags the next day overlapping it', async () => {
    const page = await openConsole(env, { email: 'owner@demo.parley.test', locale: 'fr-FR' });
    await page.waitForURL(/\/w\/[^/]+/);
    const workspaceId = new URL(page.url()).pathname.split('/')[2]!;
    await page.goto(`${env.server.url}/w/${workspaceId}/settings/teams/new`);
    await page.getByRole('textbox', { name: 'Nom' }).fill('Nuit');
    await page.getByRole('switch', { name: 'Toujours ouverte' }).uncheck();

    const part = (name: string) => page.getByRole('spinbutton', { name, exact: true });
    const type = async (field: string, time: string) => {
      await part(`${field}, heures`).click();
      await part(`${field}, heures`).pressSequentially(time);
    };
    // Where a range's closing field is described: the texts its hours' aria-describedby points at.
    const said = async (field: string) => {
      const ids = (await part(`${field}, heures`).getAttribute('aria-describedby'))?.split(' ') ?? [];
      const texts = await Promise.all(
        ids.filter(Boolean).map((id) => page.locator(`[id="${id}"]`).textContent()),
      );
      return texts.join(' ').trim();
    };
    await type('lundi, plage 1 : ouverture', '22:00');
    await type('lundi, plage 1 : fermeture', '6:00');
    await expect.poll(() => said('lundi, plage 1 : fermeture')).toBe('le lendemain');
    // Tuesday opens at 5:00, while Monday night runs until 6:00.
    await type('mardi, plage 1 : ouverture', '5:00');
    await expect.poll(() => said('mardi, plage 1 : fermeture')).toBe('Chevauche une autre plage');
    await page.screenshot({ path: screenshotPath('team-night-shift-fr'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // Nothing is sent while a range is wrong; Tuesday from 6:00 is right.
    await page.getByRole('button', { name: 'Créer une équipe' }).click();
    await page.getByText('Certains horaires ne sont pas valides').waitFor();
    await type('mardi, plage 1 : ouverture', '6:00');
    await expect.poll(() => said('mardi, plage 1 : fermeture')).toBe('');
    await page.getByRole('button', { name: 'Créer une équipe' }).click();
    await expect
      .poll(
        async () =>
          (await listTeams(env.server.parley.ctx.db, workspaceId)).find((t) => t.name === 'Nuit')
            ?.businessHours?.weekly,
        { timeout: 10_000 },
      )
      .toMatchObject({ mon: [['22:00', '06:00']], tue: [['06:00', '17:00']] });
  });
});
