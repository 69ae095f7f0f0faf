import { launchBrowser } from '/work/main/apps/server/test/browser.ts';
const base = 'http://127.0.0.1:3999';
const { browser, close } = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.goto(`${base}/login`);
await page.getByLabel('Email').fill('owner@demo.parley.test');
await page.getByLabel('Password').fill('parley-demo');
await page.getByRole('button', { name: /log in|sign in/i }).click();
await page.waitForURL(/\/w\//);
const ws = page.url().match(/\/w\/([^/]+)/)![1];
for (const [name, path] of [['inbox', ''], ['monitoring', '/monitoring'], ['operators', '/operators'], ['all', '/conversations'], ['audit', '/audit'], ['myinbox', '/inbox'], ['canned', '/settings/canned']]) {
  await page.goto(`${base}/w/${ws}${path}`);
  await page.waitForTimeout(2500);
  await page.screenshot({ path: `/tmp/shots/${name}.png` });
}
await page.goto(`${base}/w/${ws}`);
await page.waitForTimeout(1500);
const first = page.locator('[data-testid="conversation-row"], a[href*="/c/"]').first();
if (await first.count()) { await first.click(); await page.waitForTimeout(2500); await page.screenshot({ path: '/tmp/shots/conversation.png' }); }
await close();
