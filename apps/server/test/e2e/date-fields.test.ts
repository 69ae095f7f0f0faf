import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTeams } from '../../src/modules/routing/teams.ts';
import { browserAvailable, launchBrowser, screenshotPath } from '../browser.ts';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../harness.ts';

/**
 * The console's date fields speak the console's language, not the browser's: an English browser with
 * the console in Spanish types and reads 'DD/MM/YYYY', sees a Spanish calendar starting on Monday, and
 * the dates chosen filter the page as the browser's own date inputs did ('YYYY-MM-DD' in the address,
 * whole local days to the API).
 */
describe.runIf(browserAvailable)('date fields in the console’s language', { timeout: 120_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let owner: Owner;

  beforeAll(async () => {
    server = await startTestServer({ serveWeb: true });
    ({ browser, close: closeBrowser } = await launchBrowser());
    owner = await setupOwner(server.url);
    // Three entries on known days, at noon in Madrid.
    for (const [action, at] of [
      ['tag.created', '2024-12-20T11:00:00Z'],
      ['tag.updated', '2024-12-25T11:00:00Z'],
      ['tag.deleted', '2025-01-05T11:00:00Z'],
    ])
      await server.parley.ctx.db.execute(
        sql`INSERT INTO audit_log (workspace_id, actor_id, action, created_at)
            VALUES (${owner.workspaceId}, ${owner.userId}, ${action}, ${at})`,
      );
  }, 60_000);

  afterAll(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  /** The owner, logged in from an English browser in Madrid, with the console switched to Spanish. */
  async function spanishConsole(): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Madrid' });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.getByRole('combobox', { name: 'Language' }).click();
    await page.getByRole('option', { name: 'Español' }).click();
    await page.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
    return page;
  }

  it('filters the audit log by days typed and picked as DD/MM/YYYY, in a Spanish calendar', async () => {
    const page = await spanishConsole();
    const auditRequests: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/audit-log')) auditRequests.push(url);
    });
    await page.goto(`${server.url}/w/${owner.workspaceId}/audit`);
    await page.getByRole('heading', { name: 'Registro de auditoría' }).waitFor();
    const actions = () =>
      page.locator('tr[data-action]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    await expect.poll(actions, { timeout: 10_000 }).toContain('tag.created');

    // "Desde": typed as a Spanish reader writes it, character by character.
    const from = page.getByRole('textbox', { name: 'Desde' });
    expect(await from.getAttribute('placeholder')).toBe('DD/MM/AAAA');
    await from.click();
    await from.pressSequentially('25/12/2024');
    await page.waitForURL((url) => url.searchParams.get('from') === '2024-12-25');
    await from.press('Escape');
    const calendar = page.locator('[data-dates-dropdown]');
    await calendar.waitFor({ state: 'detached' });
    expect(await from.inputValue()).toBe('25/12/2024');
    await expect.poll(actions, { timeout: 10_000 }).not.toContain('tag.created');
    expect(await actions()).toContain('tag.deleted');

    // "Hasta": picked in the calendar, which names months and weekdays in Spanish from Monday.
    const to = page.getByRole('textbox', { name: 'Hasta' });
    await to.click();
    await calendar.waitFor();
    const level = calendar.locator('.mantine-DateInput-calendarHeaderLevel');
    await level.click();
    // The year view: back to 2024, whatever year it is now.
    await expect.poll(() => level.textContent()).toMatch(/^\d{4}$/);
    while (Number(await level.textContent()) > 2024)
      await calendar.getByRole('button', { name: 'Año anterior' }).click();
    await expect.poll(() => level.textContent()).toBe('2024');
    await calendar.getByRole('button', { name: 'dic', exact: true }).click();
    await expect.poll(() => level.textContent()).toBe('diciembre 2024');
    expect(await calendar.locator('thead th').allTextContents()).toEqual([
      'lu',
      'ma',
      'mi',
      'ju',
      'vi',
      'sá',
      'do',
    ]);
    await calendar.getByRole('button', { name: 'Mes anterior' }).waitFor();
    await calendar.getByRole('button', { name: 'Mes siguiente' }).waitFor();
    await page.screenshot({ path: screenshotPath('date-field-es-calendar') });
    await calendar.getByRole('button', { name: '31 diciembre 2024' }).click();
    await page.waitForURL(
      (url) => url.searchParams.get('from') === '2024-12-25' && url.searchParams.get('to') === '2024-12-31',
    );
    await calendar.waitFor({ state: 'hidden' });
    expect(await to.inputValue()).toBe('31/12/2024');
    await expect.poll(actions, { timeout: 10_000 }).toEqual(['tag.updated']);
    // Whole days of Madrid, as before: [25 Dec 00:00, 1 Jan 00:00).
    const last = auditRequests.at(-1)!;
    expect(last.searchParams.get('from')).toBe('2024-12-24T23:00:00.000Z');
    expect(last.searchParams.get('to')).toBe('2024-12-31T23:00:00.000Z');
    await page.screenshot({ path: screenshotPath('date-field-es') });

    // Cleared by its button: the period is open-ended again.
    await page.getByRole('button', { name: 'Borrar «Hasta»' }).click();
    await page.waitForURL((url) => !url.searchParams.has('to'));
    expect(await to.inputValue()).toBe('');
    await expect.poll(actions, { timeout: 10_000 }).toContain('tag.deleted');
    expect(await actions()).not.toContain('tag.created');

    // In English the same day reads month first.
    await page.getByRole('combobox', { name: 'Idioma' }).click();
    await page.getByRole('option', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'From' }).inputValue()).toBe('12/25/2024');
    expect(new URL(page.url()).searchParams.get('from')).toBe('2024-12-25');
    await page.context().close();
  });

  it('adds a team holiday typed in Spanish with Enter, and another picked in the calendar', async () => {
    const page = await spanishConsole();
    await page.goto(`${server.url}/w/${owner.workspaceId}/settings/teams/new`);
    await page.getByRole('textbox', { name: 'Nombre' }).fill('Festivos');
    await page.getByRole('switch', { name: 'Siempre abierto' }).uncheck();
    const day = page.getByRole('textbox', { name: 'Fecha del festivo' });
    await day.click();
    await day.pressSequentially('6/1/2027');
    await day.press('Enter');
    await page.getByText('miércoles, 6 de enero de 2027').waitFor();
    // The field is empty again, and still the one typed in, for the next day.
    const next = page.getByRole('textbox', { name: 'Fecha del festivo' });
    await expect.poll(() => next.inputValue()).toBe('');
    const nextId = await next.getAttribute('id');
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe(nextId);
    const calendar = page.locator('[data-dates-dropdown]');
    await next.pressSequentially('20/1/2027');
    await calendar.getByRole('button', { name: '19 enero 2027' }).click();
    await expect.poll(() => next.inputValue()).toBe('19/01/2027');
    await page.getByRole('button', { name: 'Añadir festivo' }).click();
    await page.getByText('martes, 19 de enero de 2027').waitFor();
    await page.screenshot({ path: screenshotPath('date-field-holidays-es'), fullPage: true });
    await page.getByRole('button', { name: 'Crear equipo' }).click();
    await expect
      .poll(
        async () =>
          (await listTeams(server.parley.ctx.db, owner.workspaceId)).find((t) => t.name === 'Festivos')
            ?.businessHours?.holidays,
        { timeout: 10_000 },
      )
      .toEqual(['2027-01-06', '2027-01-19']);
    await page.context().close();
  });
});
