import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { browserAvailable, logIn, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';

/** MON-7: a supervisor watches the live monitoring page while a customer arrives; nothing is reloaded. */
describe.runIf(browserAvailable)('live monitoring in Chromium', { timeout: 120_000 }, () => {
  const env = useBrowserServer({ demo: true });

  it('shows the figures and cases, and follows a new conversation live', async () => {
    const page = await openConsole(env, { email: 'sam@demo.parley.test' });
    await page.getByRole('link', { name: 'Monitoring' }).click();
    await page.getByRole('heading', { name: 'Live monitoring' }).waitFor();
    // The demo's conversations are from the last three hours: the last 7 days hold them whatever the
    // time of day (just after midnight in the workspace's time zone, today has none yet). Opened from
    // its address, so every figure shown is of that period.
    const monitoring = new URL(page.url());
    monitoring.searchParams.set('period', '7d');
    await page.goto(monitoring.toString());
    await page.getByRole('heading', { name: 'Live monitoring' }).waitFor();
    await expect.poll(() => page.getByRole('radio', { name: 'Last 7 days' }).isChecked()).toBe(true);
    const tile = (name: string) => page.getByRole('group', { name, exact: true });
    await expect.poll(() => tile('Total').textContent(), { timeout: 15_000 }).toMatch(/^Total[1-9]\d*$/);
    const before = Number((await tile('Total').textContent())!.replace('Total', ''));
    // Demo conversations were answered: the averages show their counts.
    await expect.poll(() => tile('Avg first response').textContent()).toMatch(/over \d+/);

    const widgetKey = (await env.server.parley.ctx.db.query.workspaces.findFirst())!.widgetKey;
    const session = (await (
      await fetch(`${env.server.url}/api/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspaceKey: widgetKey, locale: 'en' }),
      })
    ).json()) as { token: string };
    const sent = await fetch(`${env.server.url}/api/widget/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'monitor-1', text: 'Where is my parcel?' }),
    });
    expect(sent.status).toBe(200);

    // Pushed: the total grows and the new case is listed (queued, or current once routed).
    await expect.poll(() => tile('Total').textContent(), { timeout: 15_000 }).toBe(`Total${before + 1}`);
    await page
      .getByRole('cell', { name: /^Visitor #\d+$/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await page.screenshot({ path: screenshotPath('monitoring'), fullPage: true });

    // The service level, overall and per team, against the workspace's goal.
    const serviceLevel = page.getByRole('region', { name: 'Service level' });
    await serviceLevel.getByText('goal: 80 % answered within 1 min').waitFor();
    await serviceLevel.getByRole('group', { name: 'All teams' }).waitFor();
    // A supervisor transfers a current case from its row, with the conversation's transfer dialog.
    await page
      .getByRole('button', { name: /^Transfer conversation \d+$/ })
      .first()
      .click();
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.waitFor();
    await page.screenshot({ path: screenshotPath('monitoring-transfer') });
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await dialog.waitFor({ state: 'hidden' });
    // Every tile opens the conversations behind its number (keyboard: Enter; Escape closes).
    const total = Number((await tile('Total').textContent())!.replace('Total', ''));
    const totalButton = tile('Total').getByRole('button', { name: /^Total \d+$/ });
    expect(await totalButton.getAttribute('aria-description')).toBe('Show the conversations');
    await totalButton.focus();
    await page.keyboard.press('Enter');
    const behind = page.getByRole('dialog', { name: 'Conversations behind “Total”' });
    await behind.waitFor();
    const rows = behind.locator('tbody tr');
    await rows.first().waitFor();
    const more = behind.getByRole('button', { name: 'Load more' });
    while ((await more.count()) > 0) {
      const shown = await rows.count();
      await more.click();
      await expect.poll(() => rows.count()).toBeGreaterThan(shown);
    }
    await expect.poll(() => rows.count()).toBe(total);
    await behind
      .getByRole('cell', { name: /^Visitor #\d+$/ })
      .first()
      .waitFor();
    await page.screenshot({ path: screenshotPath('monitoring-behind-total') });
    await page.keyboard.press('Escape');
    await behind.waitFor({ state: 'hidden' });
    await expect
      .poll(() =>
        totalButton.evaluate(
          (el) => el === (el as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement,
        ),
      )
      .toBe(true);
    // An average lists each conversation's value; a row opens the conversation.
    await tile('Avg first response').getByRole('button').click();
    const firsts = page.getByRole('dialog', { name: 'Conversations behind “Avg first response”' });
    await firsts.getByRole('columnheader', { name: 'Value' }).waitFor();
    await page.screenshot({ path: screenshotPath('monitoring-behind-first-response') });
    await firsts
      .getByRole('link', { name: /^Open conversation \d+$/ })
      .first()
      .click();
    await expect.poll(() => page.url()).toMatch(/\/c\/[0-9a-f-]{36}$/);
    await page.goBack();
    await page.getByRole('heading', { name: 'Live monitoring' }).waitFor();
    // Settings are for owners and admins only.
    expect(await page.getByRole('button', { name: 'Monitoring settings' }).count()).toBe(0);

    // The view is in the URL: a choice sets it, a reload keeps it, and Today (the default) has none.
    await page.locator('label', { hasText: /^Yesterday$/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('period')).toBe('yesterday');
    await page.reload();
    await expect.poll(() => page.getByRole('radio', { name: 'Yesterday' }).isChecked()).toBe(true);
    await page.locator('label', { hasText: /^Today$/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('period')).toBeNull();
  });

  it('tells an operator without the monitor permission so, at its address, with no request refused', async () => {
    const page = await (await env.browser.newContext({ locale: 'en-US' })).newPage();
    const refused: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 403) refused.push(r.url());
    });
    await page.goto(`${env.server.url}/login`);
    await logIn(page, 'anna@demo.parley.test');
    await page.waitForURL(/\/w\/[^/]+/);
    // The link is not offered; the address still answers with what is the matter.
    expect(await page.getByRole('link', { name: 'Monitoring' }).count()).toBe(0);
    const workspace = new URL(page.url()).pathname.match(/^\/w\/[^/]+/)![0];
    await page.goto(`${env.server.url}${workspace}/monitoring`);
    await page.getByText('You do not have permission to do this.').waitFor();
    expect(await page.getByText('This page could not be loaded.').count()).toBe(0);
    // Under a heading, as every page (and the audit log's address likewise).
    await page.getByRole('heading', { name: 'You cannot open this page' }).waitFor();
    await page.goto(`${env.server.url}${workspace}/audit`);
    await page.getByRole('heading', { name: 'You cannot open this page' }).waitFor();
    expect(refused).toEqual([]);
  });

  it('lets the owner set the service level goal', async () => {
    const page = await openConsole(env, { email: 'owner@demo.parley.test' });
    await page.getByRole('link', { name: 'Monitoring' }).click();
    await page.getByRole('button', { name: 'Monitoring settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Monitoring settings' });
    await dialog.getByLabel('Target share answered in time').fill('90');
    await dialog.getByLabel('Within (seconds)').fill('30');
    await page.screenshot({ path: screenshotPath('monitoring-settings') });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page
      .getByRole('region', { name: 'Service level' })
      .getByText('goal: 90 % answered within 30 s')
      .waitFor({ timeout: 15_000 });
    // A team given business hours (here straight in the database): the time tiles also show their business-hours variant and its count.
    const support = (await env.server.parley.ctx.db.query.teams.findFirst())!;
    await env.server.parley.ctx.db.execute(
      sql`UPDATE teams SET business_hours = ${JSON.stringify({
        timezone: 'UTC',
        weekly: { mon: [['09:00', '18:00']] },
        holidays: [],
      })}::jsonb WHERE id = ${support.id}`,
    );
    await page.reload();
    await page
      .getByRole('group', { name: 'Avg first response', exact: true })
      .getByText(/^in business hours: /)
      .waitFor({ timeout: 15_000 });
    await page.screenshot({ path: screenshotPath('monitoring-business-hours') });
  });
});
