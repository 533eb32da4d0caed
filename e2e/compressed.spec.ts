// Compressed logs in the browser: a gzip pair opened by path shows the summary
// the plain pair gives (and its rows, read back from the decompressed copies),
// the progress counts compressed bytes, and the open view shows the copies
// with a Clear.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO, expect, lockstepDiff, parseSummary, ROOT, screenshot, test } from './fixtures';

function gzip(from: string, to: string): void {
  const r = spawnSync('gzip', ['-c', from], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`gzip failed: ${r.stderr}`);
  writeFileSync(to, r.stdout);
}

test('a .gz pair opens as the plain pair does, and its decompressed copies are shown and cleared', async ({ page, serve }) => {
  const work = mkdtempSync(join(tmpdir(), 'lockstep-gz-'));
  try {
    const logs = { canary: join(work, 'canary.jsonl.gz'), ours: join(work, 'ours.jsonl.gz') };
    gzip(DEMO.canary, logs.canary);
    gzip(DEMO.ours, logs.ours);
    const expected = parseSummary(lockstepDiff(DEMO.canary, DEMO.ours));

    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(serve.url);
    await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
    await page.getByRole('button', { name: 'Open logs…' }).click();
    await page.getByLabel(/^canary/i).fill(logs.canary);
    await page.getByLabel(/^ours/i).fill(logs.ours);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByRole('banner')).toContainText(logs.canary);
    await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
    // The header says how each log is kept, and its size decompressed.
    await expect(page.getByRole('banner')).toContainText(/KiB gzip \(\d+(\.\d)? KiB\)/);

    // The summary is the plain pair's: every mapped pair, its counts and its first divergence.
    const rows = page.locator('table[aria-label="Thread pairs"] tbody tr');
    await expect(rows).toHaveCount(expected.length);
    const table = page.locator('table[aria-label="Thread pairs"]');
    for (const r of expected) {
      await expect(table).toContainText(r.canaryTotal.toLocaleString('en-US'));
      if (r.divergence !== null) await expect(table).toContainText(r.divergence.toLocaleString('en-US'));
    }
    // Events are read back (from the decompressed copies): the viewer shows them.
    await rows.first().click();
    await expect(page.locator('[role="row"], .row').first()).toBeVisible();
    await expect(page.getByText('kernel.call').first()).toBeVisible();
    await screenshot(page, 'gz-viewer-1440-light');
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, 'gz-viewer-1024-dark');
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await page.setViewportSize({ width: 1440, height: 900 });

    // The open view lists the copies, where they are and how much they take.
    await page.getByRole('button', { name: 'Open logs…' }).click();
    const copies = page.getByRole('region', { name: 'Decompressed copies' });
    await expect(copies).toContainText('2 copies');
    await expect(copies).toContainText(join(serve.dataDir, 'index.sqlite-decompressed'));
    for (const [w, h] of [
      [1440, 900],
      [1024, 700],
    ] as const) {
      for (const theme of ['light', 'dark'] as const) {
        await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
        await page.setViewportSize({ width: w, height: h });
        await copies.scrollIntoViewIfNeeded();
        await screenshot(page, `gz-copies-${w}-${theme}`);
      }
    }
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    // The open session reads from its copies: they are kept, and the view says so.
    await copies.getByRole('button', { name: 'Clear' }).click();
    await expect(page.getByRole('status')).toContainText("Nothing cleared: the open session's 2 copies are in use: kept.");
    await screenshot(page, 'gz-copies-cleared-1024-light');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('a large .gz log: the progress counts compressed bytes, with what they decompressed to', async ({ page, serve }) => {
  test.setTimeout(240_000); // a pair large enough to watch it read, on a shared machine
  const work = mkdtempSync(join(tmpdir(), 'lockstep-gz-big-'));
  try {
    const gen = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/lockstep'), 'generate', '--out-dir', work, '--events', '300000', '--threads', '4', '--seed', 'e2e-gz'],
      {
        encoding: 'utf8',
      },
    );
    expect(gen.status, gen.stderr).toBe(0);
    const logs = { canary: join(work, 'canary.jsonl.gz'), ours: join(work, 'ours.jsonl.gz') };
    gzip(join(work, 'canary.jsonl'), logs.canary);
    gzip(join(work, 'ours.jsonl'), logs.ours);
    await page.goto(serve.url);
    await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
    await page.getByRole('button', { name: 'Open logs…' }).click();
    await page.getByLabel(/^canary/i).fill(logs.canary);
    await page.getByLabel(/^ours/i).fill(logs.ours);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByLabel('canary log').getByText(/decompressed$/)).toBeVisible({ timeout: 90_000 });
    await expect(page.getByLabel('canary log')).toContainText(/ compressed/);
    await screenshot(page, 'gz-progress-1440-light');
    // While it still reads: the other size and theme.
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, 'gz-progress-1024-dark');
    await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible({ timeout: 150_000 });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
