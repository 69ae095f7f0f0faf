import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { browserAvailable, demoPassword, logIn, useBrowserServer } from '../browser.ts';
import { Client } from '../harness.ts';

describe.runIf(browserAvailable)(
  'the console works under its Content-Security-Policy',
  { timeout: 120_000 },
  () => {
    const env = useBrowserServer({ demo: true });

    it('logs in and opens a conversation with no CSP violation, and cannot be framed', async () => {
      const page = await (await env.browser.newContext({ locale: 'en-US' })).newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
      // Runs in the page (a string: the server's TypeScript has no DOM types).
      await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
        window.reportViolation(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber))`);
      const response = await page.goto(`${env.server.url}/login`);
      expect(response!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
      await logIn(page, 'owner@demo.parley.test');
      // Open a conversation from the inbox (the demo has them in every state).
      await page.getByRole('tab', { name: 'All', exact: true }).click();
      const row = page.locator('a[href*="/c/"]').first();
      await row.waitFor();
      await row.click();
      await page.getByRole('log', { name: 'Messages' }).waitFor();
      await page.getByRole('textbox', { name: 'Reply' }).waitFor();
      expect(violations).toEqual([]);

      // Another site cannot frame the console, while the widget frame embeds anywhere.
      const framing = await (await env.browser.newContext()).newPage();
      const blocked: string[] = [];
      framing.on('console', (message) => blocked.push(message.text()));
      // Another site, served for real on another port (a fulfilled route would count as public and
      // Chromium would refuse its frames to a local server for that reason alone).
      const site = http.createServer((_req, res) => {
        res.setHeader('content-type', 'text/html');
        res.end(
          `<iframe id="console" src="${env.server.url}/login"></iframe><iframe id="widget" src="${env.server.url}/widget/frame.html"></iframe>`,
        );
      });
      await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
      const other = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
      onTestFinished(() => new Promise<void>((resolve) => site.close(() => resolve())));
      await framing.goto(other);
      await expect
        .poll(
          () =>
            framing
              .frames()
              .find((f) => f.url().includes('/widget/frame.html'))
              ?.url(),
          { timeout: 20_000 },
        )
        .toBeTruthy();
      await expect
        .poll(() => blocked.some((t) => /frame-ancestors|X-Frame-Options/i.test(t)), { timeout: 20_000 })
        .toBe(true);
      const consoleFrame = framing.frames().find((f) => f.url().includes('/login'));
      expect(
        (await consoleFrame
          ?.locator('input')
          .count()
          .catch(() => 0)) ?? 0,
      ).toBe(0);
    });

    it("shows the server's refusal of a weak password in the user's language", async () => {
      const owner = new Client(env.server.url);
      await owner.post('/api/auth/login', { email: 'owner@demo.parley.test', password: demoPassword });
      const wid = (await owner.get('/api/auth/session')).body.currentWorkspaceId;
      const invite = await owner.post(`/api/workspaces/${wid}/invites`, {
        email: 'nuevo@example.com',
        role: 'operator',
      });
      const token = String(invite.body.url).split('/invite/')[1];
      const page = await (await env.browser.newContext({ locale: 'es-ES' })).newPage();
      await page.goto(`${env.server.url}/invite/${token}`);
      await page.getByLabel('Tu nombre').fill('Nuevo');
      await page.getByLabel('Contraseña').fill('password');
      await page.getByRole('button', { name: 'Aceptar invitación' }).click();
      await page
        .getByText('Esta contraseña es demasiado común o fácil de adivinar', { exact: false })
        .waitFor();
      await page.getByLabel('Contraseña').fill('violeta pradera tambor');
      await page.getByRole('button', { name: 'Aceptar invitación' }).click();
      await page.waitForURL(/\/w\//);
    });
  },
);
