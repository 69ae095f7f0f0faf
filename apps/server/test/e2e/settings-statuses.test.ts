import { describe, expect, it } from 'vitest';
import { browserAvailable, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';

/** Settings → Statuses as a Spanish-speaking administrator adds the workspace's own reasons. */
describe.runIf(browserAvailable)('custom statuses in Chromium', { timeout: 120_000 }, () => {
  const env = useBrowserServer({ demo: true });

  it('refuses a name in use under the field in Spanish, and keeps a long name on its row', async () => {
    const page = await openConsole(env, { email: 'owner@demo.parley.test', locale: 'es-ES' });
    await page.getByRole('button', { name: 'Ajustes' }).click();
    await page.getByRole('link', { name: 'Estados' }).click();

    const field = page.getByRole('textbox', { name: 'Nuevo motivo' });
    const add = page.getByRole('button', { name: 'Añadir motivo' });
    const list = page.getByRole('list', { name: 'Motivos de ausencia' });
    await field.fill('Almuerzo');
    await add.click();
    await expect
      .poll(() => list.getByRole('listitem').allInnerTexts())
      .toEqual([expect.stringContaining('Almuerzo')]);

    // The same name in other letters, and a built-in status's: refused where it was typed, in Spanish.
    // The field's error: the text its aria-describedby points at, while it is marked invalid.
    const fieldError = async () => {
      if ((await field.getAttribute('aria-invalid')) !== 'true') return null;
      const ids = (await field.getAttribute('aria-describedby'))?.split(' ').filter(Boolean) ?? [];
      const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
      return texts.join(' ').trim();
    };
    for (const name of ['ALMUERZO', 'En pausa']) {
      await field.fill(name);
      await add.click();
      await expect.poll(fieldError).toBe('Ya hay un estado con este nombre.');
    }
    await page.screenshot({ path: screenshotPath('settings-statuses-taken-es') });
    await field.fill('Reunión');
    await expect.poll(fieldError).toBeNull();
    expect(await list.getByRole('listitem').count()).toBe(1);

    // A name of 60 letters and no space wraps: its Delete stays on its row, inside the list's box.
    await field.fill('R'.repeat(60));
    await add.click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2);
    const row = list.getByRole('listitem').filter({ hasText: 'RRRR' });
    const name = (await row.getByText('R'.repeat(60)).boundingBox())!;
    const remove = (await row.getByRole('button', { name: /Eliminar/ }).boundingBox())!;
    const box = (await list.boundingBox())!;
    expect(remove.x).toBeGreaterThanOrEqual(name.x + name.width);
    expect(remove.y).toBeLessThan(name.y + name.height);
    expect(remove.x + remove.width).toBeLessThanOrEqual(box.x + box.width);
    await page.screenshot({ path: screenshotPath('settings-statuses-es') });
  });
});
