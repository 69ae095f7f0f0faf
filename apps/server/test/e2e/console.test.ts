import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, screenshotPath } from '../browser.ts';
import { startTestServer, type TestServer } from '../harness.ts';

describe.runIf(browserAvailable)('console in Chromium', { timeout: 90_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    server = await startTestServer({ serveWeb: true });
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  it('sets up, logs in, switches language and logs out', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(server.url);

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

    await page.getByLabel('Email').fill('olivia@example.com');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Log in' }).click();
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
});
