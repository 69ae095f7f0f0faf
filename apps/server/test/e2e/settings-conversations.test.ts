import { describe, expect, it } from 'vitest';
import { browserAvailable, openConsole, screenshotPath, useBrowserServer } from '../browser.ts';

/** Settings → Conversations: the customer panel's fields, as a screen reader and a reload see them. */
describe.runIf(browserAvailable)('conversation settings in Chromium', { timeout: 120_000 }, () => {
  const env = useBrowserServer({ demo: true });

  it('names each field’s label and editable box after the field, and keeps what was saved', async () => {
    const page = await openConsole(env, { email: 'owner@demo.parley.test' });
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Conversations' }).last().click();
    const email = page.getByRole('textbox', { name: 'Label of Email' });
    await email.waitFor();

    // One name per control: thirteen "Label" boxes could not be told apart.
    const names = async (role: 'textbox' | 'checkbox') =>
      page
        .getByRole('main')
        .getByRole(role)
        .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
    for (const role of ['textbox', 'checkbox'] as const) {
      const labels = (await names(role)).filter((name) => name !== null);
      expect(labels.length, role).toBeGreaterThan(5);
      expect(new Set(labels).size, role).toBe(labels.length);
    }

    await email.fill('Correo ✉️ البريد');
    await page.getByRole('checkbox', { name: 'Phone: editable by operators' }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings saved').waitFor();
    await page.reload();
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Label of Email' }).inputValue())
      .toBe('Correo ✉️ البريد');
    expect(await page.getByRole('checkbox', { name: 'Phone: editable by operators' }).isChecked()).toBe(
      false,
    );
    expect(await page.getByRole('checkbox', { name: 'Email: editable by operators' }).isChecked()).toBe(true);
    await page.screenshot({ path: screenshotPath('settings-conversations'), fullPage: true });
  });
});
