import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../axe.ts';
import { browserAvailable, demoPassword, screenshotPath, useBrowserServer } from '../browser.ts';

/** A supervisor's daily screens in Spanish and French, as axe-core sees them. */
describe.runIf(browserAvailable)(
  'a supervisor’s screens in Spanish and French (axe-core)',
  {
    timeout: 180_000,
  },
  () => {
    const env = useBrowserServer({ demo: true });

    const logIn = async (language: 'es' | 'fr') => {
      const context = await env.browser.newContext({ locale: `${language}-ES` });
      const page = await context.newPage();
      await page.goto(`${env.server.url}/login`);
      await page.locator('input[type="email"]').fill('sam@demo.parley.test');
      await page.locator('input[type="password"]').fill(demoPassword);
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(/\/w\//);
      expect(await page.locator('html').getAttribute('lang')).toBe(language);
      return page;
    };
    // Not `aria-required-children` on an open menu: Mantine puts a focus sentinel
    // (role="presentation" tabindex="-1") in every menu dropdown.
    const noViolations = (page: Page) =>
      expect
        .poll(() => seriousViolations(page, { ignore: ['aria-required-children'] }), { timeout: 20_000 })
        .toEqual([]);

    it('live monitoring: each figure is a button named by what it shows', async () => {
      for (const [language, total, show] of [
        ['es', 'Total', 'Ver las conversaciones'],
        ['fr', 'Total', 'Voir les conversations'],
      ] as const) {
        const page = await logIn(language);
        await page.goto(
          `${env.server.url}${new URL(page.url()).pathname.split('/').slice(0, 3).join('/')}/monitoring`,
        );
        const button = page.getByRole('group', { name: total, exact: true }).getByRole('button');
        await button.waitFor();
        expect(await button.getAttribute('aria-description')).toBe(show);
        await noViolations(page);
        await page.screenshot({ path: screenshotPath(`monitoring-${language}`), fullPage: true });
        await page.context().close();
      }
    });

    it('a conversation’s “more actions” menu marks the current priority with an allowed attribute', async () => {
      const page = await logIn('fr');
      await page.getByRole('tab', { name: 'Toutes', exact: true }).click();
      await page.getByRole('main').getByRole('link').first().click();
      await page.getByRole('log').first().waitFor();
      await page.getByRole('button', { name: 'Plus d’actions' }).click();
      const current = page.getByRole('menuitem', { name: 'Sans priorité' });
      await current.waitFor();
      expect(await current.getAttribute('aria-current')).toBe('true');
      expect(await page.getByRole('menuitem', { name: 'Urgent' }).getAttribute('aria-current')).toBeNull();
      await noViolations(page);
      await page.context().close();
    });
  },
);
