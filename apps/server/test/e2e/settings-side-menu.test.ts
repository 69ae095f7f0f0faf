import { describe, expect, it } from 'vitest';
import { browserAvailable, demoPassword, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';

/** The side menu on a settings page, where it is at its tallest: the settings group unfolded. */
describe.runIf(browserAvailable)('settings side menu in Chromium', { timeout: 120_000 }, () => {
  const env = useBrowserServer({ demo: true });

  it('overlaps and clips nothing at 1024×900 in French: the menu scrolls instead', async () => {
    const page = await (
      await env.browser.newContext({ locale: 'fr-FR', viewport: { width: 1024, height: 900 } })
    ).newPage();
    await page.goto(`${env.server.url}/login`);
    await page.getByLabel(/^E-mail/).fill('owner@demo.parley.test');
    await page.getByLabel(/^Mot de passe/).fill(demoPassword);
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Paramètres' }).click();
    await page.getByRole('link', { name: 'Routage' }).click();
    const menu = page
      .getByRole('navigation', { name: /./ })
      .filter({ has: page.getByRole('link') })
      .first();
    await menu.getByRole('button', { name: 'Créer un espace de travail' }).waitFor();

    // Every control of the menu, where it is drawn and whether its text fits in it.
    const boxes = await menu
      .locator('a, button, button span, input:not([type="hidden"]), p')
      .evaluateAll((elements) =>
        elements.map((el) => {
          const r = el.getBoundingClientRect();
          return {
            what: (el.textContent || el.getAttribute('aria-label') || '').trim(),
            top: r.top,
            bottom: r.bottom,
            // A button squeezed below its wrapped label cuts the label's second line.
            clipped: el.scrollHeight > el.clientHeight + 2,
          };
        }),
      );
    expect(boxes.filter((b) => b.clipped).map((b) => b.what)).toEqual([]);
    const inOrder = [...boxes].sort((a, b) => a.top - b.top);
    const overlaps = inOrder.flatMap((box, i) => {
      const next = inOrder[i + 1];
      // A link's own text (the p inside it) is drawn inside it: only boxes that do not nest count.
      if (!next || next.bottom <= box.bottom || box.what.includes(next.what)) return [];
      return next.top < box.bottom - 1 ? [`${box.what} / ${next.what}`] : [];
    });
    expect(overlaps).toEqual([]);

    // The last settings page is still there to click.
    await menu.getByRole('link', { name: 'Réponses prédéfinies' }).click();
    await page.getByRole('heading', { name: 'Réponses prédéfinies' }).waitFor();
    await page.screenshot({ path: screenshotPath('settings-side-menu-fr-1024') });
  });

  it('unfolds the settings group at once: its links are where a click lands the next frame', async () => {
    // It used to grow for 200 ms, its links in a box clipped to the height reached so far: a link
    // scrolled into view scrolled that box, which snapped back when it finished, and a click begun
    // on the link ended on its neighbour (the browser tests' "the page never came", under load).
    const page = await openConsole(env, {
      email: 'owner@demo.parley.test',
      viewport: { width: 1280, height: 900 },
    });
    const settings = page.getByRole('button', { name: 'Settings' });
    await settings.waitFor();
    // Run in the page (as text: this file is compiled without the DOM's types).
    const links = await page.evaluate<{ name: string; reachable: boolean }[]>(`(async () => {
      const button = [...document.querySelectorAll('nav button')].find((b) => b.textContent === 'Settings');
      button.click();
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      return [...button.nextElementSibling.querySelectorAll('a')].map((link) => {
        const r = link.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return { name: link.textContent, reachable: !!hit && link.contains(hit) };
      });
    })()`);
    expect(links.map((l) => l.name)).toEqual([
      'Teams',
      'Routing',
      'Statuses',
      'Chat widget',
      'Conversations',
      'Surveys',
      'Canned answers',
    ]);
    expect(links.filter((l) => !l.reachable).map((l) => l.name)).toEqual([]);
    expect(await settings.getAttribute('aria-expanded')).toBe('true');
  });
});
