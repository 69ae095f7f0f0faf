import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../axe.ts';
import { browserAvailable, demoPassword, screenshotPath, useBrowserServer } from '../browser.ts';

/**
 * The supervisors' and administrators' screens, in Spanish, where QA found them wrong: a signed-out
 * operator's status, conversations in the audit log, the dates of a tile's dialog, and addresses
 * edited by hand.
 */
describe.runIf(browserAvailable)('a supervisor’s screens in Spanish', { timeout: 180_000 }, () => {
  const env = useBrowserServer({ demo: true });

  const logIn = async (email: string) => {
    const page = await (await env.browser.newContext({ locale: 'es-ES' })).newPage();
    await page.goto(`${env.server.url}/login`);
    await page.locator('input[type="email"]').fill(email);
    await page.locator('input[type="password"]').fill(demoPassword);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/\/w\/[^/]+/);
    return page;
  };
  const workspaceOf = (page: Page) => new URL(page.url()).pathname.match(/^\/w\/[^/]+/)![0];
  const db = () => env.server.parley.ctx.db;
  const one = async <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) =>
    (await db().execute<T>(query)).rows[0]!;

  it('says that a signed-out operator’s status is set when they sign in, and changes nothing', async () => {
    const page = await logIn('sam@demo.parley.test');
    await page.goto(`${env.server.url}${workspaceOf(page)}/operators`);
    await page.getByRole('heading', { name: 'Operadores' }).waitFor();
    const changes = async () =>
      Number(
        (
          await one<{ n: string }>(
            sql`SELECT count(*) AS n FROM connection_history h JOIN users u ON u.id = h.user_id
              WHERE u.email = 'oscar@demo.parley.test' AND h.kind = 'status_change'`,
          )
        ).n,
      );
    const before = await changes();
    await page.getByRole('button', { name: 'Acciones para Oscar Operator' }).click();
    await page.getByRole('menuitem', { name: 'Cambiar estado' }).click();
    const dialog = page.getByRole('dialog');
    // Only appearing offline can be chosen for him (the server refuses the rest); the dialog says why.
    await dialog.getByText('Sin sesión: su estado se fija al iniciarla').waitFor();
    await dialog.getByRole('combobox', { name: 'Nuevo estado' }).click();
    await expect
      .poll(() => page.getByRole('option', { name: 'En pausa' }).getAttribute('aria-disabled'))
      .toBe('true');
    await page.keyboard.press('Escape');
    await page.screenshot({ path: screenshotPath('status-signed-out-es') });
    expect(await changes()).toBe(before);
    await page.context().close();
  });

  it('shows the conversations an audit entry names by number and customer', async () => {
    const page = await logIn('owner@demo.parley.test');
    const named = await one<{ id: string; number: number; name: string; workspace_id: string }>(
      sql`SELECT c.id, c.number, ct.name, c.workspace_id FROM conversations c
        JOIN contacts ct ON ct.id = c.contact_id WHERE ct.name IS NOT NULL ORDER BY c.number LIMIT 1`,
    );
    const owner = await one<{ id: string }>(sql`SELECT id FROM users WHERE email = 'owner@demo.parley.test'`);
    const anna = await one<{ id: string }>(sql`SELECT id FROM users WHERE email = 'anna@demo.parley.test'`);
    await db().execute(sql`INSERT INTO audit_log (workspace_id, actor_id, action, target_type, target_id, after)
      VALUES (${named.workspace_id}, ${owner.id}, 'operator.conversations_transferred', 'user', ${anna.id},
        ${JSON.stringify({ toUserId: null, toTeamId: null, moved: [named.id], refused: [] })}::jsonb)`);
    await page.goto(`${env.server.url}${workspaceOf(page)}/audit`);
    const entry = page.locator('tr[data-action="operator.conversations_transferred"]').first();
    await entry.waitFor();
    await expect
      .poll(() => entry.locator('td').nth(4).textContent())
      .toContain(`#${named.number} (${named.name})`);
    expect(await entry.locator('td').nth(4).textContent()).not.toContain(named.id);
    await page.screenshot({ path: screenshotPath('audit-conversations-es'), fullPage: true });
    await page.context().close();
  });

  it('writes a tile’s dates as the conversations list does', async () => {
    const page = await logIn('owner@demo.parley.test');
    const workspace = workspaceOf(page);
    await page.goto(`${env.server.url}${workspace}/conversations`);
    const first = page.locator('tr[data-conversation]').first();
    await first.waitFor({ timeout: 15_000 });
    const id = await first.getAttribute('data-conversation');
    const listed = (await first.locator('td').nth(3).textContent())!;

    await page.goto(`${env.server.url}${workspace}/monitoring?period=7d`);
    await page.getByRole('heading', { name: 'Monitorización en vivo' }).waitFor();
    await page.getByRole('group', { name: 'Total', exact: true }).getByRole('button').click();
    const behind = page.getByRole('dialog', { name: 'Conversaciones de «Total»' });
    const row = behind.locator('tbody tr', { has: page.locator(`a[href$="/c/${id}"]`) });
    const more = behind.getByRole('button', { name: 'Cargar más' });
    await behind.locator('tbody tr').first().waitFor();
    while ((await row.count()) === 0 && (await more.count()) > 0) {
      const shown = await behind.locator('tbody tr').count();
      await more.click();
      await expect.poll(() => behind.locator('tbody tr').count()).toBeGreaterThan(shown);
    }
    expect(await row.locator('td').nth(5).textContent()).toBe(listed);
    await page.screenshot({ path: screenshotPath('monitoring-behind-dates-es') });
    await page.context().close();
  });

  it('says an address edited by hand leads nowhere, and offers a retry only when trying again can help', async () => {
    const page = await logIn('owner@demo.parley.test');
    const workspace = workspaceOf(page);
    const notFound = async (path: string, heading: 1 | 2, back: string) => {
      await page.goto(`${env.server.url}${workspace}${path}`);
      await page.getByRole('heading', { name: 'Página no encontrada', level: heading }).waitFor();
      // The way back comes with the page's answer, which may follow the heading by a render.
      await expect.poll(() => page.getByRole('link', { name: back }).count(), { message: path }).toBe(1);
      expect(await page.getByRole('button', { name: 'Reintentar' }).count(), path).toBe(0);
      expect(await page.getByText('No se pudo cargar esta página.').count(), path).toBe(0);
    };
    await notFound('/operators/not-a-uuid', 1, 'Todos los operadores');
    await page.screenshot({ path: screenshotPath('operator-not-found-es') });
    expect(await seriousViolations(page)).toEqual([]);
    await notFound('/operators/00000000-0000-4000-8000-000000000000', 1, 'Todos los operadores');
    await notFound('/operators/00000000-0000-4000-8000-000000000000/connections', 1, 'Todos los operadores');
    await notFound('/monitoring?team=not-a-uuid', 1, 'Abrir esta página sin filtros');
    await notFound('/audit?actor=not-a-uuid', 2, 'Abrir esta página sin filtros');
    await page.screenshot({ path: screenshotPath('audit-bad-filter-es'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await notFound('/operators?team=not-a-uuid', 2, 'Abrir esta página sin filtros');
    await notFound('/conversations?teamId=not-a-uuid', 2, 'Abrir esta página sin filtros');
    // A conversation's address with a malformed id: not found beside the inbox's list, no retry.
    await page.goto(`${env.server.url}${workspace}/c/not-a-uuid`);
    await page.getByRole('heading', { name: 'Página no encontrada' }).waitFor();
    expect(await page.getByRole('button', { name: 'Reintentar' }).count()).toBe(0);
    await page.goto(`${env.server.url}${workspace}/conversations?teamId=not-a-uuid`);
    await page.getByRole('heading', { name: 'Página no encontrada', level: 2 }).waitFor();
    // The way back opens the page without the filter.
    await page.getByRole('link', { name: 'Abrir esta página sin filtros' }).click();
    await page.locator('tr[data-conversation]').first().waitFor({ timeout: 15_000 });

    // A server that fails is another matter: the page can be loaded again.
    let failing = true;
    await page.route('**/api/workspaces/*/operators/*/detail*', (route) =>
      failing
        ? route.fulfill({
            status: 503,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'unavailable', message: 'database away' } }),
          })
        : route.continue(),
    );
    const anna = await one<{ id: string }>(sql`SELECT id FROM users WHERE email = 'anna@demo.parley.test'`);
    await page.goto(`${env.server.url}${workspace}/operators/${anna.id}`);
    await page.getByText('No se pudo cargar esta página.').waitFor({ timeout: 15_000 });
    failing = false;
    await page.getByRole('button', { name: 'Reintentar' }).click();
    await page.getByRole('heading', { name: 'Anna Operator', level: 1 }).waitFor();
    await page.context().close();
  });
});
