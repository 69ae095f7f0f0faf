import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../axe.ts';
import { browserAvailable, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';

/** Members: who is signed out, said as such, live; no status offered for them (the server refuses one). */
describe.runIf(browserAvailable)('signed-out members in Chromium', { timeout: 120_000 }, () => {
  const env = useBrowserServer({ demo: true });

  it('says a signed-out operator is signed out, in Spanish, and offers their status once they sign in', async () => {
    const owner = await openConsole(env, { email: 'owner@demo.parley.test', locale: 'es-ES' });
    await owner.waitForURL(/\/w\/[^/]+/);
    const workspace = new URL(owner.url()).pathname.match(/^\/w\/[^/]+/)![0];
    await owner.goto(`${env.server.url}${workspace}/members`);
    const anna = owner.getByRole('combobox', { name: 'Estado de Anna Operator' });
    await anna.waitFor();

    // Anna has never opened a console: signed out, and nothing to choose.
    await expect.poll(() => anna.isDisabled()).toBe(true);
    expect(await anna.getAttribute('placeholder')).toBe('Sin sesión');
    await owner.screenshot({ path: screenshotPath('members-signed-out-es') });
    expect(await seriousViolations(owner)).toEqual([]);

    // She signs in: the owner's list follows without a reload, and her status can be set.
    const annaPage = await openConsole(env, { email: 'anna@demo.parley.test' });
    await expect.poll(() => anna.isDisabled(), { timeout: 20_000 }).toBe(false);
    expect(await anna.inputValue()).not.toBe('');

    // She signs out: said again at once (signing out ends her presence now, not after the grace period).
    await annaPage.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => anna.isDisabled(), { timeout: 20_000 }).toBe(true);
    expect(await anna.getAttribute('placeholder')).toBe('Sin sesión');

    // The operators' overview says so too, and its Change status offers only appearing offline.
    await owner.goto(`${env.server.url}${workspace}/operators`);
    const row = owner.locator('tr[data-operator="anna@demo.parley.test"]');
    await expect.poll(() => row.getByTestId('operator-status').textContent()).toBe('Sin sesión');
    await owner.getByRole('button', { name: 'Acciones para Anna Operator' }).click();
    await owner.getByRole('menuitem', { name: 'Cambiar estado' }).click();
    await owner.getByRole('dialog').getByText('Sin sesión: su estado se fija al iniciarla').waitFor();
    // The row's menu fades out as the dialog opens: audited once it has gone, as a reader finds it.
    await owner.getByRole('menu').waitFor({ state: 'hidden' });
    expect(await seriousViolations(owner)).toEqual([]);
    await owner.getByRole('dialog').getByRole('combobox', { name: 'Nuevo estado' }).click();
    expect(await owner.getByRole('option', { name: 'En pausa' }).getAttribute('aria-disabled')).toBe('true');
    expect(await owner.getByRole('option', { name: 'Desconectado' }).getAttribute('aria-disabled')).not.toBe(
      'true',
    );
    await owner.screenshot({ path: screenshotPath('operators-signed-out-es') });
  });
});
