import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTeams } from '../../src/modules/routing/teams.ts';
import { seriousViolations } from '../axe.ts';
import { browserAvailable, launchBrowser, screenshotPath } from '../browser.ts';
import { type Owner, setupOwner, startTestServer, type TestServer, widgetSession } from '../harness.ts';

/**
 * The console's date fields speak the console's language, not the browser's: an English browser with
 * the console in Spanish types and reads 'DD/MM/YYYY', sees a Spanish calendar starting on Monday, and
 * the dates chosen filter the page as the browser's own date inputs did ('YYYY-MM-DD' in the address,
 * whole local days to the API). Times likewise: a 24-hour clock in Spanish, AM/PM in English, saved as
 * the browser's own time inputs saved them ('HH:mm', a snooze's instant in the operator's time zone).
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
    // A "Hasta" before "Desde" is refused: typed, the field goes back to the day it had.
    await to.fill('20/12/2024');
    await to.press('Tab');
    await expect.poll(() => to.inputValue()).toBe('31/12/2024');
    expect(new URL(page.url()).searchParams.get('to')).toBe('2024-12-31');
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
    // A day that has passed is refused under the field (days far ahead below: this test does not age).
    await day.click();
    await day.pressSequentially('1/1/2020');
    await expect.poll(() => day.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('Ese día ya ha pasado').waitFor();
    expect(await page.getByRole('button', { name: 'Añadir festivo' }).isDisabled()).toBe(true);
    // The button stays level with the field's box, the error below it.
    const tops = await Promise.all(
      [day, page.getByRole('button', { name: 'Añadir festivo' })].map((l) => l.boundingBox()),
    );
    expect(Math.abs(tops[0]!.y - tops[1]!.y)).toBeLessThan(1.5);
    await day.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('date-field-past-holiday-es') });
    await day.press('Enter');
    expect(await page.getByText('Sin festivos.').count()).toBe(1);
    await day.fill('');
    await day.pressSequentially('6/1/2099');
    await day.press('Enter');
    await page.getByText('martes, 6 de enero de 2099').waitFor();
    // The field is empty again, and still the one typed in, for the next day.
    const next = page.getByRole('textbox', { name: 'Fecha del festivo' });
    await expect.poll(() => next.inputValue()).toBe('');
    const nextId = await next.getAttribute('id');
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe(nextId);
    const calendar = page.locator('[data-dates-dropdown]');
    await next.pressSequentially('20/1/2099');
    await calendar.getByRole('button', { name: '19 enero 2099' }).click();
    await expect.poll(() => next.inputValue()).toBe('19/01/2099');
    await page.getByRole('button', { name: 'Añadir festivo' }).click();
    await page.getByText('lunes, 19 de enero de 2099').waitFor();
    await page.screenshot({ path: screenshotPath('date-field-holidays-es'), fullPage: true });
    await page.getByRole('button', { name: 'Crear equipo' }).click();
    await expect
      .poll(
        async () =>
          (await listTeams(server.parley.ctx.db, owner.workspaceId)).find((t) => t.name === 'Festivos')
            ?.businessHours?.holidays,
        { timeout: 10_000 },
      )
      .toEqual(['2099-01-06', '2099-01-19']);
    await page.context().close();
  });

  it('sets business hours typed on a 24-hour clock in Spanish, shown and typed with AM/PM in English', async () => {
    const page = await spanishConsole();
    await page.goto(`${server.url}/w/${owner.workspaceId}/settings/teams/new`);
    await page.getByRole('textbox', { name: 'Nombre' }).fill('Horario');
    await page.getByRole('switch', { name: 'Siempre abierto' }).uncheck();
    // Each part is named after the day and the range, as the browser's time input was.
    const part = (name: string) => page.getByRole('spinbutton', { name, exact: true });
    const opens = part('lunes, franja 1: abre, horas');
    await opens.click();
    await opens.pressSequentially('8:30');
    const closes = part('lunes, franja 1: cierra, horas');
    await closes.click();
    await closes.pressSequentially('17:30');
    expect(await opens.inputValue()).toBe('08');
    expect(await part('lunes, franja 1: abre, minutos').inputValue()).toBe('30');
    expect(await closes.inputValue()).toBe('17');
    expect(await part('lunes, franja 1: cierra, minutos').inputValue()).toBe('30');
    // A 24-hour clock: no AM/PM, and the list of hours under the field goes to 23.
    expect(await page.getByRole('textbox', { name: /a\. m\. o p\. m\./ }).count()).toBe(0);
    await part('martes, franja 1: cierra, horas').click();
    const dropdown = page.locator('.mantine-TimePicker-dropdown');
    const lists = dropdown.locator('.mantine-TimePicker-controlsList');
    await dropdown.waitFor();
    expect(await lists.count()).toBe(2);
    expect(await lists.first().getByRole('button').allTextContents()).toEqual(
      Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')),
    );
    await page.screenshot({ path: screenshotPath('time-field-es') });
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dropdown.waitFor({ state: 'detached' });

    // In English the same hours read 08:30 AM and 05:30 PM, and a time is typed with its AM/PM.
    await page.getByRole('combobox', { name: 'Idioma' }).click();
    await page.getByRole('option', { name: 'English' }).click();
    const en = (field: string) => ({
      hours: page.getByRole('spinbutton', { name: `${field}, hours`, exact: true }),
      minutes: page.getByRole('spinbutton', { name: `${field}, minutes`, exact: true }),
      amPm: page.getByRole('textbox', { name: `${field}, AM or PM`, exact: true }),
    });
    const mondayOpens = en('Monday, range 1: opens');
    const mondayCloses = en('Monday, range 1: closes');
    await expect.poll(() => mondayOpens.hours.inputValue()).toBe('08');
    expect(await mondayOpens.minutes.inputValue()).toBe('30');
    expect(await mondayOpens.amPm.inputValue()).toBe('AM');
    expect(await mondayCloses.hours.inputValue()).toBe('05');
    expect(await mondayCloses.minutes.inputValue()).toBe('30');
    expect(await mondayCloses.amPm.inputValue()).toBe('PM');
    const tuesdayCloses = en('Tuesday, range 1: closes');
    await tuesdayCloses.hours.click();
    await tuesdayCloses.hours.pressSequentially('6:15');
    await tuesdayCloses.amPm.press('p');
    expect(await tuesdayCloses.amPm.inputValue()).toBe('PM');
    // Its lists: hours 1 to 12, then AM and PM.
    await en('Wednesday, range 1: opens').hours.click();
    await dropdown.waitFor();
    expect(await lists.count()).toBe(3);
    expect(await lists.first().getByRole('button').allTextContents()).toEqual(
      Array.from({ length: 12 }, (_, h) => String(h + 1).padStart(2, '0')),
    );
    expect(await lists.last().getByRole('button').allTextContents()).toEqual(['AM', 'PM']);
    await page.screenshot({ path: screenshotPath('time-field-en') });
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dropdown.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Create team' }).click();
    await expect
      .poll(
        async () =>
          (await listTeams(server.parley.ctx.db, owner.workspaceId)).find((t) => t.name === 'Horario')
            ?.businessHours?.weekly,
        { timeout: 10_000 },
      )
      .toMatchObject({ mon: [['08:30', '17:30']], tue: [['09:00', '18:15']], wed: [['09:00', '17:00']] });
    await page.context().close();
  });

  it('snoozes a conversation to a day and time typed in Spanish, in the operator’s time zone', async () => {
    const workspaceKey = (await owner.client.get(`/api/workspaces/${owner.workspaceId}`)).body.widgetKey;
    const visitor = await widgetSession(server.url, workspaceKey);
    const sent = await fetch(`${server.url}/api/widget/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${visitor.token}` },
      body: JSON.stringify({ clientId: 'snooze-1', text: 'Hola, ¿me llamáis mañana?' }),
    });
    expect(sent.status).toBe(200);
    const [row] = (
      await server.parley.ctx.db.execute(
        sql`SELECT id FROM conversations WHERE workspace_id = ${owner.workspaceId} AND visitor_id = ${visitor.visitorId}`,
      )
    ).rows as { id: string }[];
    const conversation = () =>
      owner.client.get(`/api/workspaces/${owner.workspaceId}/conversations/${row!.id}`);

    const page = await spanishConsole();
    const snoozeRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/snooze')) snoozeRequests.push(request.postData() ?? '');
    });
    await page.goto(`${server.url}/w/${owner.workspaceId}/c/${row!.id}`);
    await page.getByRole('button', { name: 'Más acciones' }).click();
    await page.getByRole('menuitem', { name: 'Elegir fecha y hora' }).click();
    const dialog = page.getByRole('dialog', { name: 'Elegir fecha y hora' });
    const when = dialog.getByRole('group', { name: 'Posponer hasta' });
    const day = when.getByRole('textbox', { name: 'Día' });
    const hours = when.getByRole('spinbutton', { name: 'Hora, horas', exact: true });
    const minutes = when.getByRole('spinbutton', { name: 'Hora, minutos', exact: true });
    // The dialog starts in the day, its calendar closed: focus alone does not open it (over the
    // dialog's button).
    const calendar = page.locator('[data-dates-dropdown]');
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe(await day.getAttribute('id'));
    expect(await calendar.count()).toBe(0);
    // ArrowDown opens it, and Escape closes only it, not the dialog; so does a click.
    await day.press('ArrowDown');
    await calendar.waitFor();
    await day.press('Escape');
    await calendar.waitFor({ state: 'detached' });
    expect(await dialog.isVisible()).toBe(true);
    await day.click();
    await calendar.getByRole('button', { name: 'Mes siguiente' }).waitFor();
    // Faded in, for the screenshot and axe's contrast checks.
    await expect
      .poll(() => page.evaluate('getComputedStyle(document.querySelector("[data-dates-dropdown]")).opacity'))
      .toBe('1');
    await page.screenshot({ path: screenshotPath('date-field-snooze-es') });
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await calendar.waitFor({ state: 'detached' });
    expect(await dialog.isVisible()).toBe(true);
    // Tomorrow at 9, as before, on a 24-hour clock.
    expect(await hours.inputValue()).toBe('09');
    expect(await minutes.inputValue()).toBe('00');
    expect(await day.inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);

    // A moment already past is refused with its reason, and nothing is sent. The time is picked in
    // the lists under the field (0 to 23 in Spanish), which close once the minutes are picked.
    await day.fill('');
    await day.pressSequentially('3/2/2020');
    await hours.click();
    const lists = page.locator('.mantine-TimePicker-dropdown .mantine-TimePicker-controlsList');
    expect(await lists.count()).toBe(2);
    expect(await lists.first().getByRole('button').allTextContents()).toHaveLength(24);
    await lists.first().getByRole('button', { name: '10', exact: true }).click();
    await lists.last().getByRole('button', { name: '30', exact: true }).click();
    await page.locator('.mantine-TimePicker-dropdown').waitFor({ state: 'detached' });
    expect([await hours.inputValue(), await minutes.inputValue()]).toEqual(['10', '30']);
    await dialog.getByRole('button', { name: 'Posponer', exact: true }).click();
    await dialog.getByRole('alert').getByText('Esa hora ya ha pasado: elige una futura.').waitFor();
    expect(snoozeRequests).toEqual([]);
    expect((await conversation()).body.status).toBe('open');

    // The next 15 July at 16:45 in Madrid (summer time, UTC+2), typed: within the year a snooze may
    // go ahead (snoozeHorizonDays), whenever the test runs.
    const today = new Date();
    const year =
      today.getUTCFullYear() +
      (today.getUTCMonth() > 6 || (today.getUTCMonth() === 6 && today.getUTCDate() >= 15) ? 1 : 0);
    const until = `${year}-07-15T14:45:00.000Z`;
    await day.fill('');
    await day.pressSequentially(`15/7/${year}`);
    await hours.click();
    await hours.pressSequentially('16:45');
    expect(await page.getByRole('alert').count()).toBe(0);
    // Its lists open (for the screenshot and axe); Escape closes them, not the dialog.
    await hours.click();
    await page.locator('.mantine-TimePicker-dropdown').waitFor();
    await page.screenshot({ path: screenshotPath('time-field-snooze-es') });
    expect(await seriousViolations(page)).toEqual([]);
    await hours.press('Escape');
    await page.locator('.mantine-TimePicker-dropdown').waitFor({ state: 'detached' });
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Posponer', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await conversation()).body, { timeout: 10_000 })
      .toMatchObject({ status: 'snoozed', snoozedUntil: until });
    expect(snoozeRequests.map((body) => JSON.parse(body))).toEqual([{ until }]);
    await page.getByTestId('snoozed-until').getByText(/16:45/).waitFor();
    await page.context().close();
  });
});
