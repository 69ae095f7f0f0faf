import { describe, expect, it } from 'vitest';
import { browserAvailable, logIn, screenshotPath, useBrowserServer } from '../browser.ts';

describe.runIf(browserAvailable)('console in Chromium', { timeout: 90_000 }, () => {
  const env = useBrowserServer();

  it('sets up, logs in, switches language and logs out', async () => {
    const context = await env.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(env.server.url);

    await page.getByLabel('Your name').fill('Olivia Owner');
    await page.getByLabel('Email').fill('olivia@example.com');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByLabel('Workspace name').fill('Acme Support');
    await page.screenshot({ path: screenshotPath('setup') });
    await page.getByRole('button', { name: 'Create workspace' }).click();

    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await expect(page.getByRole('combobox', { name: 'Workspace' }).inputValue()).resolves.toBe(
      'Acme Support',
    );
    await page.screenshot({ path: screenshotPath('workspace') });

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();

    await logIn(page, 'olivia@example.com', 'correct horse');
    await page.getByRole('button', { name: 'Log out' }).waitFor();

    await page.getByRole('combobox', { name: 'Language' }).click();
    await page.getByRole('option', { name: 'Español' }).click();
    await page.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    await page.screenshot({ path: screenshotPath('workspace-es') });

    // The choice survives a reload.
    await page.reload();
    await page.getByRole('button', { name: 'Cerrar sesión' }).click();
    await page.getByRole('button', { name: 'Iniciar sesión' }).waitFor();

    await page.getByRole('combobox', { name: 'Idioma' }).click();
    await page.getByRole('option', { name: 'Français' }).click();
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
    await page.screenshot({ path: screenshotPath('login-fr') });
    await context.close();
  });

  it('changes the password from the account menu; the old one stops working', async () => {
    const context = await env.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(env.server.url);
    await logIn(page, 'olivia@example.com', 'correct horse');

    await page.getByRole('button', { name: 'Account: Olivia Owner' }).click();
    await page.getByRole('menuitem', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change password' });
    // A wrong current password is named on its field and changes nothing.
    await dialog.getByLabel('Current password').fill('not my password');
    await dialog.getByLabel('New password').fill('violet kettle parade 42');
    await dialog.getByLabel('Confirm password').fill('violet kettle parade 42');
    await dialog.getByRole('button', { name: 'Save password' }).click();
    await dialog.getByText('This is not your current password.').waitFor();
    await page.screenshot({ path: screenshotPath('change-password-wrong') });

    await dialog.getByLabel('Current password').fill('correct horse');
    await dialog.getByRole('button', { name: 'Save password' }).click();
    await page.getByText('Your password was changed.').waitFor();
    await expect.poll(() => dialog.count()).toBe(0);

    await page.getByRole('button', { name: 'Log out' }).click();
    await logIn(page, 'olivia@example.com', 'correct horse');
    await page.getByText('Wrong email or password.').waitFor();
    await page.getByLabel('Password').fill('violet kettle parade 42');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await context.close();
  });
});
