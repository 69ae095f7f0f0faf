import { describe, expect, it } from 'vitest';
import { browserAvailable, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';

/** Settings → Surveys: a survey saved with its required texts empty. */
describe.runIf(browserAvailable)('survey settings in Chromium', { timeout: 120_000 }, () => {
  const env = useBrowserServer({ demo: true });

  it('says under each empty required field that it is required, in Spanish, and sends nothing', async () => {
    const page = await openConsole(env, { email: 'owner@demo.parley.test', locale: 'es-ES' });
    await page.getByRole('button', { name: 'Ajustes' }).click();
    await page.getByRole('link', { name: 'Encuestas' }).click();
    await page.getByRole('button', { name: 'Nueva encuesta' }).click();

    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/surveys')) posts.push(request.url());
    });
    const name = page.getByRole('textbox', { name: 'Nombre' });
    await name.fill('   ');
    await page.getByRole('button', { name: 'Guardar' }).click();
    const invalid = page.locator('input[aria-invalid="true"]');
    await expect.poll(() => invalid.count()).toBe(3); // the name, the title and the question in English
    expect(await page.getByText('Este campo es obligatorio').count()).toBe(3);
    expect(await page.getByText(/Too small|name:/).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('settings-surveys-required-es') });

    // Filled, the name stops saying so at once.
    await name.fill('Satisfacción');
    await expect.poll(() => invalid.count()).toBe(2);
    expect(posts).toEqual([]);
  });
});
