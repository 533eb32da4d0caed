// A log rewritten in place while its session is open: the viewer shows nothing
// of it as what it was, says so above the screen, and "Index again" opens the
// session over what the file holds now.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyDemo, expect, screenshot, test } from './fixtures';

test('a log rewritten in place: refused, said above the screen, indexed again on one click', async ({ page, serve }) => {
  const work = mkdtempSync(join(tmpdir(), 'lockstep-changed-'));
  try {
    const logs = copyDemo(join(work, 'logs'));
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(serve.url);
    await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
    await page.getByRole('button', { name: 'Open logs…' }).click();
    await page.getByLabel(/^canary/i).fill(logs.canary);
    await page.getByLabel(/^ours/i).fill(logs.ours);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByRole('banner')).toContainText(logs.canary);

    // The engine runs again over the same file: same size, other values.
    const text = readFileSync(logs.ours, 'utf8');
    writeFileSync(logs.ours, text.replaceAll('"result": 0', '"result": 1'));
    await page.locator('table[aria-label="Thread pairs"] tbody tr').first().click();
    const banner = page.getByRole('alert').filter({ hasText: 'A log changed since it was indexed.' });
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(logs.ours);
    await screenshot(page, 'changed-log-1440-light');
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, 'changed-log-1024-dark');
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));

    await banner.getByRole('button', { name: 'Index again' }).click();
    await expect(banner).toBeHidden();
    await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('a log cut short by a crash: refused as the reference refuses it, with a button to use the lines before the cut', async ({ page, serve }) => {
  const work = mkdtempSync(join(tmpdir(), 'lockstep-cut-'));
  try {
    const logs = copyDemo(join(work, 'logs'));
    const text = readFileSync(logs.ours, 'utf8').trimEnd();
    const cut = text.slice(0, text.length - 40); // the last line loses its end, as when the engine crashed writing it
    writeFileSync(logs.ours, cut);
    const lastLine = cut.split('\n').length;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(serve.url);
    await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
    await page.getByRole('button', { name: 'Open logs…' }).click();
    await page.getByLabel(/^canary/i).fill(logs.canary);
    await page.getByLabel(/^ours/i).fill(logs.ours);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    const error = page.getByRole('alert').filter({ hasText: 'This log cannot be read' });
    await expect(error).toContainText(`line ${lastLine}`);
    await expect(error).toContainText('cut short');
    await screenshot(page, 'cut-log-error-1440-light');
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, 'cut-log-error-1024-dark');
    await error.getByRole('button', { name: `Use it up to line ${lastLine - 1}` }).click();
    await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Warnings' })).toContainText(`was cut at line ${lastLine}`);
    await screenshot(page, 'cut-log-summary-1024-dark');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
