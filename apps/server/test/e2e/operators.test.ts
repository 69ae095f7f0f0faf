import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';
import { addMember, type Owner, openSocket, setupOwner, waitFor } from '../harness.ts';

/**
 * OPS-1…8 as a supervisor uses them: find an operator, change their status, move two of their
 * conversations to a team, impersonate them (banner, actions recorded with both names), end it,
 * export the filtered list, open the detail and the connection history.
 */
describe.runIf(browserAvailable)('operator management in Chromium', { timeout: 180_000 }, () => {
  const env = useBrowserServer({ heartbeatMs: 500 });
  let owner: Owner;
  let olgaId: string;
  const sockets: Awaited<ReturnType<typeof openSocket>>[] = [];
  const conversations: string[] = [];
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    owner = await setupOwner(env.server.url);
    await addMember(owner, {
      email: 'sam@example.com',
      role: 'supervisor',
      name: 'Sam Supervisor',
      permissions: ['impersonate', 'export'],
    });
    const olga = await addMember(owner, {
      email: 'olga@example.com',
      role: 'operator',
      name: 'Olga Operator',
    });
    const pete = await addMember(owner, { email: 'pete@example.com', role: 'operator', name: 'Pete Peer' });
    olgaId = olga.userId;
    const team = await owner.client.post(`${w()}/teams`, {
      name: 'Support',
      rule: 'least_busy',
      capacity: 5,
    });
    await owner.client.put(`${w()}/teams/${team.body.id}/members`, { userIds: [olga.userId, pete.userId] });
    for (const m of [olga, pete]) {
      const socket = await openSocket(
        env.server.url,
        `/api/realtime?workspaceId=${owner.workspaceId}`,
        m.client.cookie,
      );
      sockets.push(socket);
      await waitFor(() => socket.messages.some((x) => x.type === 'ready'));
    }
    const widgetKey = (await owner.client.get(w())).body.widgetKey;
    for (const text of ['My parcel is late', 'Wrong size', 'Refund please']) {
      const session = (await (
        await fetch(`${env.server.url}/api/widget/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ workspaceKey: widgetKey, locale: 'en' }),
        })
      ).json()) as { token: string };
      const sent = (await (
        await fetch(`${env.server.url}/api/widget/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clientId: `browser-client-${conversations.length}`, text }),
        })
      ).json()) as { id: string };
      const { rows } = await env.server.parley.ctx.db.execute<{ conversation_id: string }>(
        sql`SELECT conversation_id FROM messages WHERE id = ${sent.id}`,
      );
      const id = rows[0]!.conversation_id;
      const assigned = await owner.client.post(`${w()}/conversations/${id}/assign`, {
        assigneeId: olga.userId,
      });
      expect(assigned.status).toBe(200);
      conversations.push(id);
    }
  }, 90_000);

  afterAll(async () => {
    for (const s of sockets) s.ws.close();
  });

  it('finds, manages, impersonates and exports an operator', async () => {
    const page = await openConsole(env, {
      email: 'sam@example.com',
      password: 'correct horse',
      acceptDownloads: true,
    });
    await page.getByRole('link', { name: 'Operators' }).click();
    await page.getByRole('heading', { name: 'Operators' }).waitFor();

    // Find by name: the search goes into the URL.
    await page.getByLabel('Search by name or e-mail').fill('Olga');
    await expect.poll(() => new URL(page.url()).searchParams.get('q'), { timeout: 10_000 }).toBe('Olga');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const olga = page.locator('tr[data-operator="olga@example.com"]');
    await expect.poll(() => olga.locator('td').nth(5).textContent()).toBe('3');
    await page.screenshot({ path: screenshotPath('operators-overview'), fullPage: true });

    // Change her status.
    await page.getByRole('button', { name: 'Actions for Olga Operator' }).click();
    await page.getByRole('menuitem', { name: 'Change status' }).click();
    await page.getByRole('dialog').getByRole('combobox', { name: 'New status' }).click();
    await page.getByRole('option', { name: 'On break' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => olga.getByTestId('operator-status').textContent(), { timeout: 10_000 })
      .toBe('On break');

    // Move two of her conversations to the team.
    await page.getByRole('button', { name: 'Actions for Olga Operator' }).click();
    await page.getByRole('menuitem', { name: 'Transfer conversations' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Team' }).click();
    await page.getByRole('option', { name: 'Support' }).click();
    await dialog.getByRole('radio', { name: 'Only the selected ones' }).check();
    const boxes = dialog.getByRole('checkbox');
    await expect.poll(() => boxes.count(), { timeout: 10_000 }).toBe(3);
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.screenshot({ path: screenshotPath('operators-transfer'), fullPage: true });
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await page.getByText('2 conversations moved').waitFor({ timeout: 15_000 });
    await expect.poll(() => olga.locator('td').nth(5).textContent(), { timeout: 15_000 }).toBe('1');

    // Impersonate her: the console is hers, with a banner.
    await page.getByRole('button', { name: 'Actions for Olga Operator' }).click();
    await page.getByRole('menuitem', { name: 'Impersonate' }).click();
    await page.getByRole('button', { name: 'Start impersonation' }).click();
    const banner = page.getByTestId('impersonation-banner');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain(
      'You are impersonating Olga Operator (you are Sam Supervisor)',
    );
    // An operator has no operator management: the menu does not offer it.
    await expect.poll(() => page.getByRole('link', { name: 'Operators' }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('operators-impersonating'), fullPage: true });
    // An action as her: she is available again.
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Connected', exact: true }).click();
    const log = async () =>
      (await owner.client.get(`${w()}/audit-log?action=impersonation.&limit=50`)).body.items as {
        action: string;
        actor: { name: string };
        impersonator: { name: string } | null;
        after: { route?: string };
      }[];
    const action = await expect
      .poll(async () => (await log()).find((e) => e.action === 'impersonation.action')?.actor.name, {
        timeout: 10_000,
      })
      .toBe('Olga Operator');
    void action;
    const recorded = (await log()).find((e) => e.action === 'impersonation.action')!;
    expect(recorded.impersonator?.name).toBe('Sam Supervisor');
    expect(recorded.after.route).toContain('/me/status');

    // End it: back to Sam's own session, on the operators page.
    await banner.getByRole('button', { name: 'End impersonation' }).click();
    await page.getByRole('heading', { name: 'Operators' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('impersonation-banner').count()).toBe(0);
    expect((await log()).map((e) => e.action)).toContain('impersonation.ended');

    // Export the filtered list.
    await page.getByLabel('Search by name or e-mail').fill('Olga');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('Olga Operator');
    expect(csv).not.toContain('Pete Peer');

    // Her detail and her connection history.
    await page.getByRole('link', { name: 'Olga Operator' }).click();
    await page.getByRole('heading', { name: 'Olga Operator' }).waitFor();
    await page.getByRole('group', { name: 'Total', exact: true }).waitFor();
    await page.getByRole('region', { name: 'Conversations' }).getByRole('link').first().waitFor();
    await page.screenshot({ path: screenshotPath('operator-detail'), fullPage: true });
    await page.getByRole('link', { name: 'Connection history' }).click();
    await page.getByRole('cell', { name: 'Status change' }).first().waitFor({ timeout: 10_000 });
    expect(await page.getByRole('cell', { name: 'Login' }).count()).toBeGreaterThan(0);
    expect(new URL(page.url()).pathname).toBe(`/w/${owner.workspaceId}/operators/${olgaId}/connections`);
    await page.screenshot({ path: screenshotPath('operator-connections'), fullPage: true });
    await page.context().close();

    // The owner reads the audit log: the impersonation and what was done in it, with both names.
    const ownerPage = await openConsole(env, { email: 'owner@example.com', password: 'correct horse' });
    await ownerPage.getByRole('link', { name: 'Audit log' }).click();
    await ownerPage.getByRole('heading', { name: 'Audit log' }).waitFor();
    const actionRow = ownerPage.locator('tr[data-action="impersonation.action"]').first();
    await actionRow.waitFor({ timeout: 10_000 });
    expect(await actionRow.textContent()).toContain('Olga Operator');
    expect(await actionRow.textContent()).toContain('impersonated by Sam Supervisor');
    // Sam's export of the operators is named as the console names that list, not by its code.
    const exportRow = ownerPage.locator('tr[data-action="export.created"]').first();
    expect(await exportRow.textContent()).toContain('Operators');
    expect(await exportRow.textContent()).not.toMatch(/\boperators\b/);
    await ownerPage.screenshot({ path: screenshotPath('audit-log'), fullPage: true });
    // At 1024 px its columns pass the edge: the table's scrollbar shows without the pointer on it.
    await ownerPage.setViewportSize({ width: 1024, height: 768 });
    await ownerPage.mouse.move(0, 0);
    await ownerPage
      .locator('.mantine-ScrollArea-scrollbar[data-orientation="horizontal"]')
      .first()
      .waitFor({ timeout: 10_000 });
    await ownerPage.setViewportSize({ width: 1280, height: 800 });
    // The action filter offers the actions by name: searched, chosen, and the list holds only those.
    const actionFilter = ownerPage.getByRole('combobox', { name: 'Action', exact: true });
    await actionFilter.click();
    await actionFilter.fill('impersonation started');
    await ownerPage.getByRole('option', { name: 'Impersonation started' }).click();
    await ownerPage.waitForURL((url) => url.searchParams.get('action') === 'impersonation.started');
    // Polled from the test, not with waitForFunction: a string predicate that is not true at once is
    // evaluated again inside the page, which the console's CSP (no unsafe-eval) refuses.
    await expect
      .poll(async () => {
        const actions = await ownerPage
          .locator('tr[data-action]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
        return actions.length > 0 && actions.every((a) => a === 'impersonation.started');
      })
      .toBe(true);
    await ownerPage.context().close();
  });
});
