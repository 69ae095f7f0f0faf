import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Playwright gives every launch a fresh temporary profile of its own.

/** Browser tests run where Debian's chromium is installed; CI sets PARLEY_REQUIRE_BROWSER so they cannot silently skip. */
export const browserAvailable = fs.existsSync(chromiumPath) || process.env.PARLEY_REQUIRE_BROWSER === '1';

export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** Screenshots land in .tmp/screenshots for a human to look at. */
export function screenshotPath(name: string): string {
  const dir = path.resolve(import.meta.dirname, '../../../.tmp/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

/** The password of every user of the demo workspace a browser test's server is started with. */
export const demoPassword = 'demo-password';

export interface BrowserServer {
  /** The Parley serving the console and the widget. */
  readonly server: TestServer;
  readonly browser: Browser;
}

/**
 * A Parley that serves the console and the widget, and a Chromium, for the describe block this is
 * called in: started by the first beforeAll, closed by the last afterAll (after the block's own, so
 * those may still use them). With `demo`, the demo workspace, its users' password `demoPassword`.
 */
export function useBrowserServer(options: { demo?: boolean; heartbeatMs?: number } = {}): BrowserServer {
  const { demo, ...serverOptions } = options;
  let server: TestServer | undefined;
  let launched: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  beforeAll(async () => {
    server = await startTestServer(
      { serveWeb: true, ...(demo ? { demo, demoPassword } : {}) },
      serverOptions,
    );
    launched = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await launched?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useBrowserServer: used before its beforeAll ran');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(launched?.browser);
    },
  };
}

/** Fills the console's login page, in whatever language it speaks, and submits it; waits for nothing after. */
export async function logIn(page: Page, email: string, password = demoPassword): Promise<void> {
  await page.locator('input[type="email"]').fill(email);
  await page.locator('input[type="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
}

/**
 * A page of a new browser context (in American English unless `locale` says otherwise) that has
 * submitted the login page as `email`; waits for nothing after, as the screen that opens differs.
 */
export async function openConsole(
  { browser, server }: BrowserServer,
  {
    email,
    password = demoPassword,
    ...context
  }: { email: string; password?: string } & BrowserContextOptions,
): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'en-US', ...context })).newPage();
  await page.goto(`${server.url}/login`);
  await logIn(page, email, password);
  return page;
}
