// The summary's panels (Rules, Thread mapping) and the viewer's side lists
// (Hunks, Every pair) at both window sizes and in both themes: each fits the
// window (nothing scrolls sideways) and is photographed for a person to look
// at. The rules the host refuses show as their one line in the panel.
import type { Page } from '@playwright/test';
import { expect, screenshot, test } from './fixtures';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
] as const;

async function sideways(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

for (const scheme of ['light', 'dark'] as const) {
  for (const size of SIZES) {
    const at = `${size.width}-${scheme}`;

    test(`the Rules panel, as the reference's and refused (${at})`, async ({ page, serve }) => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(serve.url);
      await expect(page.getByRole('table', { name: 'Thread pairs' })).toBeVisible();
      await page.keyboard.press('r');
      const panel = page.getByTestId('rules-panel');
      await expect(panel).toBeVisible();
      await expect(page.getByTestId('rules-mode')).toHaveText("the reference's");
      await panel.scrollIntoViewIfNeeded();
      expect(await sideways(page)).toBe(0);
      await screenshot(page, `rpanel-rules-${at}`);

      // Skipping the field that says what an event is: the host refuses it, in one line, and the rules stay the reference's.
      await page.keyboard.type('kind');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Control+Enter');
      await expect(page.getByTestId('rules-state')).toContainText('kind says what an event is');
      await expect(page.getByTestId('rules-mode')).toHaveText("the reference's");
      await page.getByTestId('rules-state').scrollIntoViewIfNeeded();
      expect(await sideways(page)).toBe(0);
      await screenshot(page, `rpanel-rules-refused-${at}`);

      // Delete on the refused rule's × takes it away; the focus stays in its card, on the rule before it (it was the last).
      await panel.getByRole('button', { name: 'Compare kind of * again' }).focus();
      await page.keyboard.press('Delete');
      await expect(panel.getByTestId('rule-skip')).toHaveCount(3);
      await expect(panel.getByRole('button', { name: 'Compare payload.wait_duration_cycles of wait.end again' })).toBeFocused();
      await expect(page.getByTestId('rules-state')).not.toContainText('kind says what an event is');
    });

    test(`the Thread mapping panel (${at})`, async ({ page, serve }) => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(serve.url);
      await expect(page.getByRole('table', { name: 'Thread pairs' })).toBeVisible();
      await page.keyboard.press('t');
      const mapping = page.getByRole('region', { name: 'Thread mapping' });
      await expect(mapping).toBeVisible();
      await expect(page.getByTestId('mapping-proposal')).toBeVisible();
      await mapping.scrollIntoViewIfNeeded();
      expect(await sideways(page)).toBe(0);
      await screenshot(page, `rpanel-mapping-${at}`);
    });

    test(`the Hunks and Every pair lists beside the viewer (${at})`, async ({ page, serve }) => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(serve.url);
      await page.getByRole('table', { name: 'Thread pairs' }).locator('tbody tr').first().click();
      await page.keyboard.press('/');
      await page.keyboard.type('name:NtCreateFile kind:kernel.return');
      await page.getByRole('button', { name: 'All pairs' }).click();
      const across = page.getByRole('complementary', { name: 'Matches in every pair' });
      await expect(across.locator('[data-pair]').first()).toBeVisible();
      expect(await sideways(page)).toBe(0);
      await screenshot(page, `rpanel-every-pair-${at}`);

      await across.getByRole('button', { name: 'Close the list of every pair' }).click();
      await page.keyboard.press('Escape');
      await page.keyboard.press('h');
      const hunks = page.getByRole('complementary', { name: 'Hunks of this pair' });
      await expect(hunks.locator('button[data-hunk]').first()).toBeVisible();
      expect(await sideways(page)).toBe(0);
      await screenshot(page, `rpanel-hunks-${at}`);
    });
  }
}
