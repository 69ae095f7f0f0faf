import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../axe.ts';
import { browserAvailable, demoPassword, screenshotPath, useBrowserServer } from '../browser.ts';
import { Client } from '../harness.ts';

/** The operator's conversation screen on a laptop: its header, and who closed it in its history. */
describe.runIf(browserAvailable)(
  'a conversation’s header and history in Chromium',
  { timeout: 180_000 },
  () => {
    const env = useBrowserServer({ demo: true });
    let workspaceId: string;
    const api = async (email: string) => {
      const client = new Client(env.server.url);
      const login = await client.post('/api/auth/login', { email, password: demoPassword });
      expect(login.status).toBe(200);
      workspaceId = login.body.currentWorkspaceId;
      return client;
    };
    const w = () => `/api/workspaces/${workspaceId}`;
    let anna: Client;
    const conversationOf = async (client: Client, status: string, name: string) => {
      const list = await client.get(`${w()}/conversations?view=all&status=${status}`);
      const found = (list.body.items as { id: string; contact: { name: string } }[]).find(
        (c) => c.contact.name === name,
      );
      expect(found, `${name} (${status})`).toBeDefined();
      return found!.id;
    };

    beforeAll(async () => {
      anna = await api('anna@demo.parley.test');
    });

    const openAs = async (email: string, language: 'en' | 'es' | 'fr', conversationId: string) => {
      const context = await env.browser.newContext({
        locale: language === 'en' ? 'en-US' : `${language}-ES`,
        viewport: { width: 1024, height: 700 },
      });
      const page = await context.newPage();
      page.on('pageerror', (e) => console.log('console error:', e.message));
      await page.goto(`${env.server.url}/login`);
      await page.locator('input[type="email"]').fill(email);
      await page.locator('input[type="password"]').fill(demoPassword);
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(/\/w\//);
      await page.goto(`${env.server.url}/w/${workspaceId}/c/${conversationId}`);
      await page.getByRole('log').waitFor();
      return page;
    };
    const header = (page: Page) => page.locator('section header').first();
    /**
     * Rows as a reader sees them: who and what (name, state, facts), then each control; a control
     * that starts below the bottom of everything before it opens a new row.
     */
    const rowsOf = (box: Locator) =>
      box.evaluate((el) => {
        const items = [el.firstElementChild!, ...el.querySelectorAll('button')];
        const boxes = items
          .map((item) => item.getBoundingClientRect())
          .filter((b) => b.height > 0)
          .sort((a, b) => a.top - b.top);
        let count = 0;
        let bottom = Number.NEGATIVE_INFINITY;
        for (const b of boxes) {
          if (b.top >= bottom - 2) count++;
          bottom = Math.max(bottom, b.bottom);
        }
        return count;
      });
    const names = {
      en: ['Wake up now', 'Ask for help', 'Close conversation', 'More actions', 'Customer details'],
      es: ['Reactivar ahora', 'Pedir ayuda', 'Cerrar conversación', 'Más acciones', 'Datos del cliente'],
      fr: [
        'Réveiller maintenant',
        'Demander de l’aide',
        'Fermer la conversation',
        'Plus d’actions',
        'Fiche client',
      ],
    };

    it('a snoozed conversation’s header fits in two rows at 1024×700 in English, Spanish and French', async () => {
      const id = await conversationOf(anna, 'snoozed', 'Priya Shah');
      // Snoozed until a given moment, as an operator does it: the header then says until when.
      expect((await anna.post(`${w()}/conversations/${id}/unsnooze`, {})).status).toBe(200);
      const until = new Date(Date.now() + 2 * 86_400_000).toISOString();
      const snoozed = await anna.post(`${w()}/conversations/${id}/snooze`, { until });
      expect(snoozed.status, JSON.stringify(snoozed.body)).toBe(200);
      for (const language of ['en', 'es', 'fr'] as const) {
        const page = await openAs('anna@demo.parley.test', language, id);
        await page.getByTestId('snoozed-until').waitFor();
        await page.screenshot({ path: screenshotPath(`conversation-header-snoozed-${language}`) });
        const rows = await rowsOf(header(page));
        expect(rows, language).toBeLessThanOrEqual(2);
        const box = (await header(page).boundingBox())!;
        expect(box.height, language).toBeLessThanOrEqual(110);
        // Short labels, whole names.
        for (const name of names[language])
          expect(await header(page).getByRole('button', { name, exact: true }).count(), name).toBe(1);
        expect(await seriousViolations(page, { ignore: ['aria-required-children'] }), language).toEqual([]);
        await page.context().close();
      }
    });

    it('a supervisor’s header on a teammate’s conversation fits in two rows at 1024×700, with one way to take it', async () => {
      const id = await conversationOf(anna, 'open', 'Camille Martin');
      const takeOver = { en: 'Take over', es: 'Tomar el control', fr: 'Prendre la main' };
      for (const language of ['en', 'es', 'fr'] as const) {
        const page = await openAs('sam@demo.parley.test', language, id);
        const taking = header(page).getByRole('button', { name: takeOver[language], exact: true });
        await taking.waitFor();
        await page.screenshot({ path: screenshotPath(`conversation-header-supervisor-${language}`) });
        const rows = await rowsOf(header(page));
        expect(rows, language).toBeLessThanOrEqual(2);
        expect((await header(page).boundingBox())!.height, language).toBeLessThanOrEqual(110);
        expect(await seriousViolations(page, { ignore: ['aria-required-children'] }), language).toEqual([]);
        await page.context().close();
      }
    });

    it('a teammate’s close is in the history the assigned operator reads, by name', async () => {
      const oscar = await api('oscar@demo.parley.test');
      const id = await conversationOf(anna, 'open', 'Tom Becker');
      expect((await oscar.post(`${w()}/conversations/${id}/close`)).status).toBe(200);
      for (const [language, text] of [
        ['en', 'Closed by Oscar Operator'],
        ['fr', 'Fermée par Oscar Operator'],
      ] as const) {
        const page = await openAs('anna@demo.parley.test', language, id);
        await page.getByRole('log').getByText(text).waitFor();
        await page.screenshot({ path: screenshotPath(`conversation-closed-by-${language}`) });
        await page.context().close();
      }
      // Anna reopens it and closes it herself: her own close says so too.
      const page = await openAs('anna@demo.parley.test', 'es', id);
      await page.getByRole('button', { name: 'Reabrir conversación' }).click();
      await page.getByRole('button', { name: 'Cerrar conversación' }).click();
      await page.getByRole('log').getByText('Cerraste esta conversación').waitFor();
      await page.getByRole('log').getByText('Cerrada por Oscar Operator').waitFor();
      await page.context().close();
    });
  },
);
