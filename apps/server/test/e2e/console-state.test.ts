import { sql } from 'drizzle-orm';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, demoPassword, screenshotPath, useBrowserServer } from '../browser.ts';
import { Client, cuttableProxy } from '../harness.ts';

/**
 * The console's screens follow reality (issue 13, items 9, 10, 12, 14, 15): a conversation handed to
 * someone else, a reply written while the server was unreachable, switching workspaces, who may
 * create a workspace, business hours' time zone, translated errors and locations.
 */
describe.runIf(browserAvailable)('console state in Chromium', { timeout: 150_000 }, () => {
  const env = useBrowserServer({ demo: true });
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;
  let owner: Client;
  let workspaceId: string;
  let ownerId: string;
  let anna: Page;

  /** Everything the browsers open goes through a line the test can cut. */
  const base = () => proxy.url;

  const login = async (email: string, options: BrowserContextOptions = {}) => {
    const page = await (await env.browser.newContext({ locale: 'en-US', ...options })).newPage();
    await page.goto(`${base()}/login`);
    await page.getByLabel(/^(Email|Correo|E-mail)/).fill(email);
    await page.getByLabel(/^(Password|Contraseña|Mot de passe)/).fill(demoPassword);
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: /Log out|Cerrar sesión|Se déconnecter/ }).waitFor();
    return page;
  };

  const visitorWrites = async (text: string, options: BrowserContextOptions = {}) => {
    const page = await (await env.browser.newContext({ locale: 'en-US', ...options })).newPage();
    await page.goto(`${base()}/demo`);
    await page.getByRole('button', { name: /chat/i }).first().click();
    const panel = page.frameLocator('iframe');
    await panel.getByRole('textbox').last().fill(text);
    await panel.getByRole('textbox').last().press('Enter');
    await panel.getByRole('log').getByText(text).waitFor();
    return page;
  };

  const row = (page: Page, text: string) => page.getByRole('link').filter({ hasText: text });

  /** Opens the conversation with that text in Mine; returns its id from the address. */
  const openMine = async (page: Page, text: string) => {
    await page.getByRole('tab', { name: 'Mine', exact: true }).click();
    await row(page, text).first().waitFor({ timeout: 20_000 });
    await row(page, text).first().click();
    await page.waitForURL(/\/c\//);
    return page.url().split('/c/')[1]!;
  };

  beforeAll(async () => {
    proxy = await cuttableProxy(env.server.url);
    env.server.parley.ctx.config.publicUrl = proxy.url;
    await env.server.parley.ctx.db.execute(sql`UPDATE teams SET capacity = 10`);
    owner = new Client(env.server.url);
    const session = await owner.post('/api/auth/login', {
      email: 'owner@demo.parley.test',
      password: demoPassword,
    });
    workspaceId = session.body.currentWorkspaceId;
    ownerId = session.body.user.id;
    // Anna is the only operator online: new visitors are hers.
    anna = await login('anna@demo.parley.test');
  }, 90_000);

  afterAll(async () => {
    await proxy?.close();
  });

  it('closes the pane of a conversation taken over by someone else, with a note (item 9)', async () => {
    await visitorWrites('a question about my invoice');
    const id = await openMine(anna, 'a question about my invoice');
    await anna.getByRole('textbox', { name: 'Reply' }).waitFor();

    // A supervisor takes it over.
    const taken = await owner.post(`/api/workspaces/${workspaceId}/conversations/${id}/assign`, {
      assigneeId: ownerId,
    });
    expect(taken.status).toBe(200);

    const note = anna.getByTestId('handed-over');
    await note.waitFor({ timeout: 15_000 });
    await expect(note.textContent()).resolves.toContain('now handled by Olivia Owner');
    // Nothing left that would answer "conversation not found".
    expect(await anna.getByRole('textbox', { name: 'Reply' }).count()).toBe(0);
    expect(await anna.getByRole('button', { name: 'Assign to me' }).count()).toBe(0);
    await anna.screenshot({ path: screenshotPath('console-handed-over') });
    await note.getByRole('button', { name: 'Back to my conversations' }).click();
    await anna.waitForURL((url) => !url.pathname.includes('/c/'));
  });

  it('sends a reply written while the server was unreachable once the connection is back (item 10)', async () => {
    await visitorWrites('is anybody there?');
    const id = await openMine(anna, 'is anybody there?');
    const reply = anna.getByRole('textbox', { name: 'Reply' });
    await reply.waitFor();

    proxy.cut();
    await reply.fill('Yes, written while the line was down');
    await reply.press('Enter');
    // The console's own retries (about 7 s) give up: the message waits, marked as not sent.
    await anna.getByText('Not sent').waitFor({ timeout: 20_000 });

    proxy.restore();
    // Nobody presses Retry: the reconnection sends it, once.
    await expect.poll(() => anna.getByText('Not sent').count(), { timeout: 30_000 }).toBe(0);
    // "Not sent" goes as soon as the resend starts: wait for the server to have it, then check once.
    const storedCopies = async () => {
      const messages = await owner.get(`/api/workspaces/${workspaceId}/conversations/${id}/messages`);
      const stored = messages.body.messages as { text: string }[];
      return stored.filter((m) => m.text === 'Yes, written while the line was down').length;
    };
    await expect.poll(storedCopies, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await storedCopies()).toBe(1);
  });

  it('offers "Create workspace" only to owners and admins, as the server allows (item 14)', async () => {
    await anna.goto(`${base()}/w/${workspaceId}`);
    await anna.getByRole('button', { name: 'Log out' }).waitFor();
    expect(await anna.getByRole('button', { name: 'Create workspace' }).count()).toBe(0);
    const annaApi = new Client(env.server.url);
    await annaApi.post('/api/auth/login', { email: 'anna@demo.parley.test', password: demoPassword });
    expect((await annaApi.post('/api/workspaces', { name: 'Anna’s own' })).status).toBe(403);
  });

  it('keeps incoming-conversation tabs in their workspace (items 12 and 14)', async () => {
    // Nobody is assigned automatically: new conversations stay incoming.
    await env.server.parley.ctx.db.execute(sql`UPDATE teams SET rule = 'manual'`);
    const page = await login('owner@demo.parley.test');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create workspace' });
    await dialog.getByLabel('Workspace name').fill('Second brand');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const workspace = page.getByRole('combobox', { name: 'Workspace' });
    await expect.poll(() => workspace.inputValue(), { timeout: 10_000 }).toBe('Second brand');
    const secondPath = new URL(page.url()).pathname;

    await page.goto(`${base()}/w/${workspaceId}`);
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await visitorWrites('nobody has taken me yet');
    // Incoming: a tab for a conversation nobody has taken.
    const incoming = page.locator('[role="tab"][data-unassigned]');
    await incoming.first().waitFor({ timeout: 20_000 });
    const count = await incoming.count();

    await workspace.click();
    await page.getByRole('option', { name: 'Second brand' }).click();
    await page.waitForURL((url) => url.pathname === secondPath);
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await expect.poll(() => workspace.inputValue()).toBe('Second brand');
    expect(await incoming.count()).toBe(0);
    await page.screenshot({ path: screenshotPath('console-second-workspace') });

    await workspace.click();
    await page.getByRole('option', { name: 'Parley Demo' }).click();
    await expect.poll(() => incoming.count(), { timeout: 10_000 }).toBe(count);
    await page.context().close();
  });

  it("starts a team's business hours in the workspace's time zone (item 14)", async () => {
    expect((await owner.patch(`/api/workspaces/${workspaceId}`, { timezone: 'Asia/Tokyo' })).status).toBe(
      200,
    );
    // A browser elsewhere: the default must not be the browser's zone, nor UTC.
    const page = await login('owner@demo.parley.test', { timezoneId: 'America/New_York' });
    await page.goto(`${base()}/w/${workspaceId}/settings/teams/new`);
    await page.getByRole('switch', { name: /Always open/ }).uncheck();
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Time zone' }).inputValue(), { timeout: 10_000 })
      .toBe('Asia/Tokyo');
    await page.context().close();
  });

  it('translates login errors by their code, and names countries in the console language (item 15)', async () => {
    const es = await (await env.browser.newContext({ locale: 'es-ES' })).newPage();
    await es.goto(`${base()}/login`);
    await es.getByLabel('Correo').fill('owner@demo.parley.test');
    await es.getByLabel('Contraseña').fill('not the password');
    await es.locator('button[type="submit"]').click();
    await expect(es.getByRole('alert').textContent()).resolves.toBe('Correo o contraseña incorrectos.');
    await es.context().close();

    await env.server.parley.ctx.db.execute(sql`UPDATE teams SET rule = 'round_robin'`);
    await visitorWrites('hola, ¿tenéis envíos?', { locale: 'es-ES', timezoneId: 'Europe/Madrid' });
    const fr = await login('owner@demo.parley.test', { locale: 'fr-FR' });
    await fr.getByRole('tab', { name: 'Toutes', exact: true }).click();
    await row(fr, 'hola, ¿tenéis envíos?').first().click();
    await fr.getByText('Madrid, Espagne').waitFor({ timeout: 10_000 });
    expect(await fr.getByText('Madrid, Spain').count()).toBe(0);
    await fr.context().close();
  });
});
