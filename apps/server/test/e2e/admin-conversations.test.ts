import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { setContactPhone } from '../../src/modules/contacts/commands.ts';
import { contacts } from '../../src/platform/db/schema.ts';
import { transaction } from '../../src/platform/db/tx.ts';
import { browserAvailable, demoPassword, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';
import { Client, openSocket, waitFor } from '../harness.ts';

/**
 * ADM-1…5 in Chromium on the demo workspace: an admin filters by team and tag, searches a phone
 * number, sorts by response time, opens the history and the notes, transfers a conversation to a
 * team, and exports the filtered list; the downloaded file has the rows on screen.
 */
describe.runIf(browserAvailable)('administrator conversations view in Chromium', { timeout: 180_000 }, () => {
  const env = useBrowserServer({ demo: true });

  const login = async (email: string) => {
    const client = new Client(env.server.url);
    const res = await client.post('/api/auth/login', { email, password: demoPassword });
    expect(res.status).toBe(200);
    return { client, workspaceId: res.body.currentWorkspaceId as string };
  };

  it('filters, searches, sorts, reads history and notes, transfers and exports', async () => {
    const db = env.server.parley.ctx.db;
    const { client: adminApi, workspaceId } = await login('admin@demo.parley.test');
    const w = `/api/workspaces/${workspaceId}`;
    // A tag on Tom's conversation, a phone on Lucía, a note on Priya's.
    const vip = await adminApi.post(`${w}/tags`, { name: 'vip', colour: '#c2410c' });
    expect(vip.status).toBe(200);
    const list = (await adminApi.get(`${w}/admin/conversations?limit=50`)).body.items as {
      id: string;
      customer: { id: string; name: string };
      status: string;
    }[];
    const byName = (name: string) => list.find((r) => r.customer.name === name)!;
    expect(
      (await adminApi.put(`${w}/conversations/${byName('Tom Becker').id}/tags`, { tagIds: [vip.body.id] }))
        .status,
    ).toBe(200);
    await transaction(db, (tx) =>
      setContactPhone(tx, {
        workspaceId,
        contactId: byName('Lucía Fernández').customer.id,
        phone: '+34 612 345 678',
      }),
    );
    expect(
      (
        await db
          .select()
          .from(contacts)
          .where(eq(contacts.id, byName('Lucía Fernández').customer.id))
      )[0]!.country,
    ).toBe('ES');
    const note = await adminApi.post(`${w}/conversations/${byName('Priya Shah').id}/messages`, {
      clientId: 'admin-note-1',
      text: 'Customer asked for a refund twice',
      private: true,
    });
    expect(note.status).toBe(200);
    // Oscar has a console open and is Connected: the Support team can receive a transfer.
    const oscar = await login('oscar@demo.parley.test');
    const socket = await openSocket(
      env.server.url,
      `/api/realtime?workspaceId=${workspaceId}`,
      oscar.client.cookie,
    );
    await waitFor(() => socket.messages.some((m) => m.type === 'ready'), 15_000);
    expect((await oscar.client.put(`${w}/me/status`, { status: 'connected' })).status).toBe(200);

    const page = await openConsole(env, {
      email: 'admin@demo.parley.test',
      acceptDownloads: true,
      viewport: { width: 1500, height: 1000 },
    });
    await page.getByRole('link', { name: 'All conversations' }).click();
    await page.getByRole('heading', { name: 'Conversations', exact: true }).waitFor();
    const rows = page.locator('tbody tr');
    const total = page.getByText(/^\d+ conversations?$/);
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(list.length);
    // Headline figures, from the metrics module.
    await expect.poll(() => page.getByText('Active chats').isVisible()).toBe(true);

    // Team, then tag: the URL carries both.
    const pick = async (label: string, option: string) => {
      await page.getByRole('combobox', { name: label, exact: true }).click();
      await page.getByRole('option', { name: option, exact: true }).click();
      await page.keyboard.press('Escape');
    };
    // An empty choice filter says it keeps everything; a chosen one shows its choice instead.
    const team = page.getByRole('combobox', { name: 'Team', exact: true });
    expect(await team.getAttribute('placeholder')).toBe('Any');
    await pick('Team', 'Support');
    await expect.poll(() => new URL(page.url()).searchParams.get('teamId')).toBeTruthy();
    await expect.poll(() => team.getAttribute('placeholder')).toBeNull();
    await pick('Tags', 'vip');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => rows.first().textContent()).toContain('Tom Becker');
    await expect.poll(() => total.textContent()).toBe('1 conversation');
    // A reload keeps the filtered view.
    await page.reload();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    await page.goto(`${env.server.url}/w/${workspaceId}/conversations`);

    // Search by phone number.
    await page.getByRole('textbox', { name: 'Search' }).fill('612 345');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => rows.first().textContent()).toContain('Lucía Fernández');
    await page.getByRole('textbox', { name: 'Search' }).fill('');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(list.length);

    // Country typed key by key: the first letter stays in the field, the second filters (Lucía's
    // Spanish number makes her the one customer in ES).
    const country = page.getByRole('textbox', { name: 'Country' });
    await country.pressSequentially('es');
    await expect.poll(() => country.inputValue()).toBe('ES');
    await expect.poll(() => new URL(page.url()).searchParams.get('country')).toBe('ES');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => rows.first().textContent()).toContain('Lucía Fernández');
    await country.press('Backspace');
    await expect.poll(() => country.inputValue()).toBe('E');
    await expect.poll(() => new URL(page.url()).searchParams.get('country')).toBeNull();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(list.length);
    await country.press('Backspace');
    await expect.poll(() => country.inputValue()).toBe('');

    // A "to" day before the "from" day is refused as it is typed: the list keeps loading.
    const fromField = page.getByRole('textbox', { name: 'From', exact: true });
    const toField = page.getByRole('textbox', { name: 'To', exact: true });
    await fromField.fill('06/15/2026');
    await fromField.press('Tab');
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBeTruthy();
    await toField.fill('06/01/2026');
    await toField.press('Tab');
    await expect.poll(() => toField.inputValue()).toBe('');
    expect(new URL(page.url()).searchParams.get('to')).toBeNull();
    expect(await page.getByText('This page could not be loaded.').count()).toBe(0);
    await page.getByRole('button', { name: 'Clear “From”' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBeNull();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(list.length);

    // Sort by response time from creation: ascending, unanswered last.
    await page.getByRole('button', { name: 'Sort by Response (creation)' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('responseFromCreation');
    await expect
      .poll(() => page.locator('th[aria-sort="ascending"]').textContent())
      .toContain('Response (creation)');
    await expect.poll(async () => (await rows.last().textContent()) ?? '').toContain('Lucía Fernández');

    // On a laptop's screen the table scrolls sideways, but each row's actions stay in view.
    await page.setViewportSize({ width: 1024, height: 800 });
    const actions = rows.first().getByRole('button', { name: /^Actions for conversation/ });
    await expect
      .poll(async () => {
        const box = await actions.boundingBox();
        return box !== null && box.x >= 0 && box.x + box.width <= 1024;
      })
      .toBe(true);
    await page.setViewportSize({ width: 1500, height: 1000 });

    // History and notes of Priya's conversation.
    const priya = rows.filter({ hasText: 'Priya Shah' });
    await priya.getByRole('button', { name: /^Actions for conversation/ }).click();
    await page.getByRole('menuitem', { name: 'Conversation history' }).click();
    const drawer = page.getByRole('dialog');
    await expect
      .poll(() => drawer.locator('[data-history="conversation"] [data-message]').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await page.getByRole('tab', { name: 'Notes' }).click();
    await expect
      .poll(() => drawer.locator('[data-history="notes"]').textContent())
      .toContain('Customer asked for a refund twice');
    await page.screenshot({ path: screenshotPath('admin-conversations-history') });
    await page.getByRole('button', { name: 'Close' }).first().click();

    // Noah's closed conversation says who closed it among its notes, in the console's words.
    await rows
      .filter({ hasText: 'Noah Smith' })
      .getByRole('button', { name: /^Actions for conversation/ })
      .click();
    await page.getByRole('menuitem', { name: 'Conversation history' }).click();
    await page.getByRole('tab', { name: 'Notes' }).click();
    await expect
      .poll(() => drawer.locator('[data-history="notes"]').textContent())
      .toContain('Closed by Oscar Operator');
    await page.getByRole('button', { name: 'Close' }).first().click();

    // Transfer Anna's conversation with Tom to the Support team: its rule gives it to Oscar, the one
    // other member who is Connected (Lucía, who was queued, went to him when he connected).
    const tom = rows.filter({ hasText: 'Tom Becker' });
    await tom.getByRole('button', { name: /^Actions for conversation/ }).click();
    await page.getByRole('menuitem', { name: 'Transfer' }).click();
    await page.getByRole('radio', { name: 'To a team' }).check();
    await page.getByRole('dialog').getByLabel('Team', { exact: true }).first().click();
    await page.getByRole('option', { name: /^Support — [1-9]\d* available/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Transfer conversation' }).click();
    // The row follows live: assigned to Oscar, in progress.
    await expect.poll(() => tom.textContent(), { timeout: 15_000 }).toContain('Oscar Operator');
    await expect.poll(() => tom.textContent()).toContain('In progress');

    // Export the filtered list (team Support): the file has the rows on screen.
    await pick('Team', 'Support');
    await expect.poll(() => new URL(page.url()).searchParams.get('teamId')).toBeTruthy();
    const onScreen = await page.locator('tbody tr td:first-child p:first-child').allTextContents();
    expect(onScreen.length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const link = page.getByRole('link', { name: /^Download CSV/ });
    await link.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('admin-conversations'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = await download.path();
    const text = (await import('node:fs')).readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const lines = text.trim().split(/\r?\n/);
    const header = lines[0]!.split(',');
    const customerAt = header.indexOf('Customer');
    expect(lines.slice(1).map((l) => l.split(',')[customerAt])).toEqual(onScreen);
    socket.ws.close();
  });
});
