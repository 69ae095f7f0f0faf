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
  });
});
