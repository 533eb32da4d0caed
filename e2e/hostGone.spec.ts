// The browser host stops while the user is writing a note: the page says so in
// the middle of the screen, with how to start it again, and the note is not
// lost: opening the session on the next host brings it back unsaved.
import type { Page } from '@playwright/test';
import { expect, screenshot, startServe, test } from './fixtures';

const gone = (page: Page) => page.getByRole('alertdialog', { name: 'The workbench host has stopped' });

test('the host stops during a note: said in the middle of the screen; the note comes back with the session', async ({ page, serve, dataDir }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(serve.url);
  // First start: the demo opens by itself.
  await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
  await page
    .getByRole('button', { name: /^Bookmark the first divergence/ })
    .first()
    .click();
  const editor = page.getByRole('form', { name: 'New bookmark' });
  await editor.getByLabel('Title').fill('Status differs after the wait');
  const note = 'ours returns **early**; canary waits.\n\n- look at KeWaitForSingleObject';
  await editor.getByLabel('Note', { exact: true }).fill(note);

  // The host keeps the draft a moment after the last key (the page's storage at once).
  await page.waitForTimeout(800);
  await serve.stop();
  await expect(gone(page)).toBeVisible({ timeout: 10_000 });
  await expect(gone(page)).toContainText('bin/lockstep serve');
  await expect(gone(page)).toContainText('(“Status differs after the wait”) is not saved, and not lost');
  await expect(gone(page).getByRole('button', { name: 'Copy the note' })).toBeVisible();
  await screenshot(page, 'host-gone-1440-light');
  await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
  await screenshot(page, 'host-gone-1440-dark');
  await page.setViewportSize({ width: 1024, height: 700 });
  await screenshot(page, 'host-gone-1024-dark');
  await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
  await screenshot(page, 'host-gone-1024-light');

  const next = await startServe(dataDir);
  try {
    await page.goto(next.url);
    await page
      .getByRole('button', { name: /^Reopen / })
      .first()
      .click();
    const restored = page.getByRole('form', { name: 'New bookmark' });
    await expect(restored).toBeVisible();
    await expect(restored.getByRole('status')).toContainText('Not saved yet: brought back as you left it');
    await expect(restored.getByLabel('Title')).toHaveValue('Status differs after the wait');
    await expect(restored.getByLabel('Note', { exact: true })).toHaveValue(note);
    await screenshot(page, 'host-gone-restored-1024');
    await restored.getByRole('button', { name: 'Add bookmark' }).click();
    await expect(restored).toBeHidden();
    const saved = page.getByRole('complementary', { name: 'Bookmarks' }).locator('li[data-bookmark-id]').filter({ hasText: 'Status differs after the wait' });
    await expect(saved).toBeVisible();
    // Saved: it is not brought back again.
    await page.reload();
    await page
      .getByRole('button', { name: /^Reopen / })
      .first()
      .click();
    await expect(page.getByRole('form', { name: 'New bookmark' })).toBeHidden();
  } finally {
    await next.stop();
  }
});
