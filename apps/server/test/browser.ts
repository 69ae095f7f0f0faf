import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';

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
