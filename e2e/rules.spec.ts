// The Rules panel, as a user meets it: the reference's rules, marked as such;
// a field skipped from the keyboard and applied; the summary recomputed from
// the index and equal to what `lockstep diff` prints under the same rule; the
// rules kept with the session; back to the reference's. Expectations come
// from the CLI on the same logs, never from the page itself.
import type { Locator, Page } from '@playwright/test';
import { DEMO, expect, lockstepDiff, parseSummary, screenshot, test, type SummaryRow } from './fixtures';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './fixtures';

/** lockstep diff under extra rule flags: the summary the page must show. */
function summaryUnder(...flags: string[]): SummaryRow[] {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/lockstep'), 'diff', '--canary', DEMO.canary, '--ours', DEMO.ours, '--quiet', ...flags], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return parseSummary(r.stdout);
}

const pairRow = (page: Page, canaryTid: string): Locator =>
  page
    .getByRole('table', { name: 'Thread pairs' })
    .locator('tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${canaryTid}$`) }) });

/** What the page's summary says of each pair: its first divergence (null: none). */
async function divergences(page: Page, rows: SummaryRow[]): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  for (const r of rows) {
    const label = (await pairRow(page, r.canaryTid).getAttribute('aria-label')) ?? '';
    const m = /first divergence at (\d+)/.exec(label);
    out.push(m ? Number(m[1]) : null);
  }
  return out;
}

const panel = (page: Page): Locator => page.getByTestId('rules-panel');

for (const scheme of ['light', 'dark'] as const) {
  test(`edit a rule and watch the summary change (${scheme})`, async ({ page, serve }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(serve.url);
    const reference = parseSummary(lockstepDiff(DEMO.canary, DEMO.ours));
    const skipped = summaryUnder('--skip-field', '*:payload.status');
    // The rule changes the summary: canary 8 differs only in payload.status.
    expect(skipped.map((r) => r.divergence)).not.toEqual(reference.map((r) => r.divergence));
    await expect.poll(() => divergences(page, reference)).toEqual(reference.map((r) => r.divergence));

    // r opens the panel: the reference's rules, marked as theirs.
    await page.keyboard.press('r');
    await expect(panel(page)).toBeVisible();
    await expect(page.getByTestId('rules-mode')).toHaveText("the reference's");
    const refSkip = panel(page).getByTestId('rule-skip').filter({ hasText: 'payload.wait_duration_cycles' });
    await expect(refSkip).toContainText('reference');
    await expect(panel(page).getByTestId('rule-allocator')).toHaveCount(5);
    // The focus is in the panel, on the new skip's path: type it, Enter adds it.
    await expect(panel(page).locator('input[name="skip-path"]')).toBeFocused();
    await page.keyboard.type('payload.status');
    await page.keyboard.press('Enter');
    const added = panel(page).getByTestId('rule-skip').filter({ hasText: 'payload.status' });
    await expect(added).toHaveCount(1);
    await expect(added).not.toContainText('reference');
    await expect(page.getByTestId('rules-state')).toHaveText('Not applied yet.');
    // The summary is unchanged until the rules are applied.
    expect(await divergences(page, reference)).toEqual(reference.map((r) => r.divergence));
    await screenshot(page, `rules-1-draft-1440-${scheme}`);

    // Ctrl+Enter applies: the summary is recomputed from the index, as lockstep diff computes it under the rule.
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('rules-mode')).toHaveText("1 rule differs from the reference's");
    await expect.poll(() => divergences(page, skipped)).toEqual(skipped.map((r) => r.divergence));
    await expect(page.getByTestId('summary-rules')).toHaveText('1 rule changed');
    await expect(page.getByTestId('rules-state')).toContainText('Recomputed');
    // The summary shown is the new rules' own: no longer marked as the one before.
    await expect(page.getByTestId('summary-recomputing')).toHaveCount(0);
    await expect(panel(page).locator('details.file pre')).toContainText('skip * payload.status');
    await screenshot(page, `rules-2-applied-1440-${scheme}`);

    // At 1024x700 the panel fits: nothing scrolls sideways.
    await page.setViewportSize({ width: 1024, height: 700 });
    await panel(page).scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await screenshot(page, `rules-3-applied-1024-${scheme}`);
    await page.setViewportSize({ width: 1440, height: 900 });

    // The rules are the session's: a reload keeps them (Open recent reopens the session under them).
    await page.reload();
    await page
      .getByRole('button', { name: /Reopen/ })
      .first()
      .click();
    await expect(page.getByRole('table', { name: 'Thread pairs' })).toBeVisible();
    if (await page.getByRole('listbox').isVisible()) await page.keyboard.press('Escape');
    await expect.poll(() => divergences(page, skipped)).toEqual(skipped.map((r) => r.divergence));
    await expect(page.getByTestId('summary-rules')).toBeVisible();

    // Keyboard only: the added rule's × and Delete take it away; the reference's summary comes back.
    if (!(await panel(page).isVisible())) await page.keyboard.press('r');
    await panel(page).getByRole('button', { name: 'Compare payload.status of * again' }).focus();
    await page.keyboard.press('Delete');
    await expect(panel(page).getByTestId('rule-skip').filter({ hasText: 'payload.status' })).toHaveCount(0);
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('rules-mode')).toHaveText("the reference's");
    await expect.poll(() => divergences(page, reference)).toEqual(reference.map((r) => r.divergence));
    await expect(page.getByTestId('summary-rules')).toHaveCount(0);
  });
}

test('rules the host cannot read are one line in the panel, and change nothing', async ({ page, serve }) => {
  await page.goto(serve.url);
  await expect(page.getByRole('table', { name: 'Thread pairs' })).toBeVisible();
  await page.keyboard.press('r');
  await page.keyboard.type('kind');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('rules-state')).toContainText('kind says what an event is');
  await expect(page.getByTestId('rules-mode')).toHaveText("the reference's");
  await screenshot(page, 'rules-4-refused-1440-light');
});
