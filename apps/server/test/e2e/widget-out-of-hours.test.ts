import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../axe.ts';
import { browserAvailable, demoPassword, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';
import { Client } from '../harness.ts';

/**
 * ROUTE-6: outside its team's business hours the widget says so — in the team's own words when an
 * administrator wrote some (Settings → Teams), else in its standard notice in the visitor's language.
 */
describe.runIf(browserAvailable)('the out-of-hours message in Chromium', { timeout: 120_000 }, () => {
  const env = useBrowserServer({ demo: true });

  it('is written in the team form and shown by the widget while the team is closed', async () => {
    const owner = new Client(env.server.url);
    const login = await owner.post('/api/auth/login', {
      email: 'owner@demo.parley.test',
      password: demoPassword,
    });
    expect(login.status).toBe(200);
    const w = `/api/workspaces/${login.body.currentWorkspaceId}`;
    const support = (await owner.get(`${w}/teams`)).body.find((t: { name: string }) => t.name === 'Support');
    // Closed every day: no opening hours in a week.
    const closed = await owner.patch(`${w}/teams/${support.id}`, {
      businessHours: { timezone: 'Europe/Madrid', weekly: {}, holidays: [] },
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);

    // The administrator writes the message in the team's form, in Spanish.
    const console = await openConsole(env, { email: 'admin@demo.parley.test', locale: 'es-ES' });
    await console.waitForURL(/\/w\/[^/]+/);
    await console.goto(`${env.server.url}/w/${login.body.currentWorkspaceId}/settings/teams/${support.id}`);
    await console.getByRole('heading', { name: 'Equipo Support' }).waitFor();
    const box = console.getByRole('textbox', { name: 'Mensaje fuera de horario' });
    const message = 'Abrimos el lunes a las 9:00 — déjanos tu mensaje.';
    await box.fill(message);
    expect(await seriousViolations(console)).toEqual([]);
    await console.screenshot({ path: screenshotPath('team-out-of-hours-message-es'), fullPage: true });
    await console.getByRole('button', { name: 'Guardar cambios' }).click();
    await expect
      .poll(async () => (await owner.get(`${w}/teams/${support.id}`)).body.outOfHoursMessage)
      .toBe(message);

    const widget = async (locale: string, open: string) => {
      const context = await env.browser.newContext({ locale });
      const page = await context.newPage();
      await page.goto(`${env.server.url}/demo`);
      await page.getByRole('button', { name: open }).click();
      const panel = page.frameLocator('iframe[title]');
      await panel.locator('.hours-notice').waitFor();
      return { page, panel, context };
    };
    const visitor = await widget('en-US', 'Open chat');
    expect(await visitor.panel.locator('.hours-notice').textContent()).toBe(message);
    await visitor.page.screenshot({ path: screenshotPath('widget-out-of-hours-message') });
    await visitor.context.close();

    // Emptied: the standard notice again, in the visitor's language.
    await console.goto(`${env.server.url}/w/${login.body.currentWorkspaceId}/settings/teams/${support.id}`);
    expect(await box.inputValue()).toBe(message);
    await box.fill('');
    await console.getByRole('button', { name: 'Guardar cambios' }).click();
    await expect
      .poll(async () => (await owner.get(`${w}/teams/${support.id}`)).body.outOfHoursMessage)
      .toBeNull();
    const french = await widget('fr-FR', 'Ouvrir le chat');
    expect(await french.panel.locator('.hours-notice').textContent()).not.toBe(message);
    expect(await french.panel.locator('.hours-notice').textContent()).toMatch(/ferm/i);
    await french.context.close();
    await owner.patch(`${w}/teams/${support.id}`, { businessHours: null });
  });
});
