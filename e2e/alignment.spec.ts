// The aligned context viewer, as a user meets it: an event only ours has is a
// gap row on canary's side and the rows after it are equal again; n goes from
// hunk to hunk; a click on the overview ruler jumps; the field diff names the
// nested path; the keys work after reopening from Open recent; at 1024x700
// nothing scrolls sideways. Expectations come from the alignment the CLI
// writes (lockstep diff --format json) and from the logs themselves.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { DEMO, expect, ROOT, screenshot, test } from './fixtures';

interface JsonHunk {
  op: string;
  canary: [number, number];
  ours: [number, number];
}
interface JsonPair {
  canaryTid: number;
  hunks: JsonHunk[];
}

/** The CLI's JSON report of a pair of logs: the alignment the workbench must show. */
function cliAlignment(canary: string, ours: string): JsonPair[] {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/lockstep'), 'diff', '--canary', canary, '--ours', ours, '--format', 'json', '--quiet'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { pairs: JsonPair[] }).pairs;
}

const pairRow = (page: Page, canaryTid: string): Locator =>
  page
    .getByRole('table', { name: 'Thread pairs' })
    .locator('tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${canaryTid}$`) }) });
const listbox = (page: Page): Locator => page.getByRole('listbox');
const selectedRow = (page: Page): Locator => page.locator('[role="option"][aria-selected="true"]');
const rowAt = (page: Page, row: number): Locator => page.locator(`[role="option"][data-position="${row}"]`);

async function selected(page: Page): Promise<number> {
  await expect(selectedRow(page)).toHaveCount(1);
  return Number(await selectedRow(page).getAttribute('data-position'));
}

let demo: JsonPair[];
test.beforeAll(() => {
  demo = cliAlignment(DEMO.canary, DEMO.ours);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`an inserted event is a gap row; the rows after it are equal; n goes to the next hunk; the ruler jumps (${scheme})`, async ({ page, serve }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(serve.url);
    // The demo: ours calls NtYieldExecution at position 343 of canary tid 6.
    const six = demo.find((p) => p.canaryTid === 6)!;
    expect(six.hunks).toEqual([
      {
        op: 'insert',
        canary: [343, 343],
        ours: [343, 344],
        canaryLines: null,
        oursLines: expect.any(Array),
        description: expect.any(String),
        difference: null,
        // The kind of divergence, as the triage groups it (docs/report-json.md).
        signature: { id: expect.stringMatching(/^[0-9a-f]{12}$/), text: 'insert kernel.call NtYieldExecution' },
      },
    ]);
    await expect(pairRow(page, '6').getByTestId('alignment-cell')).toContainText('+1 −0 ~0');
    await screenshot(page, `align-a1-summary-${scheme}`);
    await pairRow(page, '6').click();
    await expect(listbox(page)).toBeVisible();
    await expect(listbox(page)).toHaveAttribute('data-view', 'aligned');

    // It opens at the hunk: a gap on canary's side, ours' extra event, and equal rows after it.
    expect(await selected(page)).toBe(343);
    await expect(rowAt(page, 343)).toHaveAttribute('data-status', 'only-ours');
    await expect(rowAt(page, 343).locator('.half.canary')).toContainText('only in ours');
    await expect(rowAt(page, 343).locator('.half.ours')).toContainText('NtYieldExecution');
    for (let r = 344; r < 352; r++) await expect(rowAt(page, r)).toHaveAttribute('data-status', 'same');
    await expect(page.getByTestId('alignment')).toContainText('back in step from canary 343 / ours 344');
    await expect(page.getByTestId('divergence')).toContainText("Reference's first divergence at position 343");
    await screenshot(page, `align-a2-gap-row-${scheme}`);

    // By position (the reference's view), every row from 343 on differs.
    await page.keyboard.press('v');
    await expect(listbox(page)).toHaveAttribute('data-view', 'positional');
    await expect(rowAt(page, 345)).toHaveAttribute('data-status', 'differs');
    await page.keyboard.press('v');
    await expect(listbox(page)).toHaveAttribute('data-view', 'aligned');

    // n: from the top to the hunk, and no further (the one hunk of this pair).
    await page.keyboard.press('Home');
    await page.keyboard.press('n');
    await expect.poll(() => selected(page)).toBe(343);
    await page.keyboard.press('n');
    await expect(page.getByRole('status').filter({ hasText: 'No hunk after this one' })).toBeVisible();

    // The overview ruler marks the hunk; a click on it goes there.
    await page.keyboard.press('End');
    const mark = page.getByTestId('overview-ruler').locator('.mark.insert');
    await expect(mark).toHaveCount(1);
    await mark.click();
    await expect.poll(() => selected(page)).toBe(343);
    await screenshot(page, `align-a3-ruler-${scheme}`);

    // The hunk list, and its entry goes there too.
    await page.keyboard.press('Home');
    await page.keyboard.press('h');
    const list = page.getByRole('complementary', { name: 'Hunks of this pair' });
    await expect(list).toContainText('ours has 1 event canary does not');
    await list.locator('[data-hunk="0"]').click();
    await expect.poll(() => selected(page)).toBe(343);
    await screenshot(page, `align-a4-hunk-list-${scheme}`);
  });
}

test('a quick run of n presses is never dropped: each moves one hunk', async ({ page, serve, dataDir }) => {
  // One thread, an event changed every 50 events: 20 hunks.
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-e2e-n-'));
  const line = (i: number, v: number): string =>
    JSON.stringify({ tid: 1, tid_event_idx: i, kind: 'kernel.call', payload: { name: 'NtReadFile', args_resolved: { a0: i, a1: v } } });
  const head = '{"kind": "schema_version", "schema_version": 1}';
  const n = 1000;
  writeFileSync(join(dir, 'c.jsonl'), [head, ...Array.from({ length: n }, (_, i) => line(i, i))].join('\n') + '\n');
  writeFileSync(join(dir, 'o.jsonl'), [head, ...Array.from({ length: n }, (_, i) => line(i, i % 50 === 25 ? i + 1 : i))].join('\n') + '\n');
  void dataDir;
  await page.goto(serve.url);
  await expect(pairRow(page, '6')).toBeVisible(); // first start: the demo
  await page.getByRole('button', { name: 'Open logs…' }).click();
  await page.getByLabel(/^canary/i).fill(join(dir, 'c.jsonl'));
  await page.getByLabel(/^ours/i).fill(join(dir, 'o.jsonl'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await pairRow(page, '1').click();
  await expect(listbox(page)).toBeVisible();
  await page.keyboard.press('Home');
  for (let k = 0; k < 7; k++) await page.keyboard.press('n');
  // The seventh hunk: rows 25, 75, …, 325.
  await expect.poll(() => selected(page)).toBe(325);
  // The field diff names the nested leaf, its characters marked.
  await expect(page.getByTestId('field-path')).toHaveText('payload.args_resolved.a1');
  await expect(page.getByTestId('field-diff')).toContainText('325');
  await expect(page.getByTestId('field-diff')).toContainText('326');
  await expect(page.getByTestId('field-diff').locator('.val.canary mark')).toHaveText('5');
  await expect(page.getByTestId('field-diff').locator('.val.ours mark')).toHaveText('6');
  await page.getByRole('button', { name: 'More' }).click();
  await expect(page.getByTestId('difference-full')).toContainText("payload.args_resolved: canary={'a0': 325, 'a1': 325} ours={'a0': 325, 'a1': 326}");
  await screenshot(page, 'align-b1-field-diff');
  rmSync(dir, { recursive: true, force: true });
});

test('after reopening a session from Open recent the keys work at once; at 1024x700 nothing scrolls sideways', async ({ page, serve }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(serve.url);
  await pairRow(page, '6').click();
  await expect(listbox(page)).toBeVisible();
  await page.keyboard.press('End');
  await page.waitForTimeout(700); // the place is saved after a short pause
  const sideways = (): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(await sideways()).toBe(0);
  await expect(page.getByRole('button', { name: 'next pair ]' })).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Open logs…' })).toBeInViewport();
  await screenshot(page, 'align-c1-1024');

  // The footer at 1024 px: whole key hints only, and a message (no hunk after the last row) in full sight beside them.
  await page.keyboard.press('n');
  const message = page.locator('footer.hints [role=status]');
  await expect(message).toHaveText('No hunk after this one');
  await expect(message).toBeInViewport({ ratio: 1 });
  expect(await message.evaluate((m) => m.scrollWidth <= m.clientWidth)).toBe(true); // not cut by an ellipsis
  const messageLeft = (await message.boundingBox())!.x;
  const cut = await page.locator('footer.hints .hint').evaluateAll((hints, left) => {
    const footer = hints[0]!.closest('footer')!.getBoundingClientRect();
    return hints
      .map((h) => ({ text: h.textContent, r: h.getBoundingClientRect() }))
      .filter(({ r }) => r.top < footer.bottom && r.bottom > footer.top && r.right > left)
      .map(({ text }) => text);
  }, messageLeft);
  expect(cut).toEqual([]);
  await screenshot(page, 'align-c3-footer-message-1024');

  // The bookmarks panel open (shown again with the session, it once took the focus from the list); then Open logs…, and Open recent by keyboard.
  await page.keyboard.press('m');
  const panel = page.getByRole('complementary', { name: 'Bookmarks' });
  await expect(panel).toBeVisible();
  await panel.focus();
  await page.getByRole('button', { name: 'Open logs…' }).click();
  const reopen = page.getByRole('button', { name: /Reopen/ }).first();
  await reopen.focus();
  await page.keyboard.press('Enter');
  await expect(listbox(page)).toBeVisible();
  const at = await selected(page);
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => selected(page)).toBe(at - 1);
  await page.keyboard.press('Home');
  await page.keyboard.press('n');
  await expect.poll(() => selected(page)).toBe(343);
  expect(await sideways()).toBe(0);
  await screenshot(page, 'align-c2-reopened-1024');
});

for (const width of [1024, 1440]) {
  test(`the summary beside the bookmarks panel at ${width} px: no header overlaps the next, every cell shows what it says`, async ({ page, serve }) => {
    await page.setViewportSize({ width, height: width === 1024 ? 700 : 900 });
    await page.goto(serve.url);
    await expect(pairRow(page, '6')).toBeVisible();
    await page.keyboard.press('m');
    await expect(page.getByRole('complementary', { name: 'Bookmarks' })).toBeVisible();
    const table = page.getByRole('table', { name: 'Thread pairs' });
    // Headers: each visible label fits its cell, and cells do not overlap.
    const headers = await table.locator('thead th').evaluateAll((ths) =>
      ths
        .filter((th) => (th as HTMLElement).offsetParent !== null)
        .map((th) => {
          const r = th.getBoundingClientRect();
          const label = th.querySelector('button');
          return { left: r.left, right: r.right, fits: !label || label.scrollWidth <= label.clientWidth + 1, text: th.textContent?.trim() ?? '' };
        }),
    );
    for (let i = 1; i < headers.length; i++) expect(headers[i]!.left, headers[i]!.text).toBeGreaterThanOrEqual(headers[i - 1]!.right - 1);
    for (const h of headers) expect(h.fits, `header "${h.text}" is cut`).toBe(true);
    // The table stays inside its pane, and what matters most keeps its room.
    const box = (await table.boundingBox())!;
    const panel = (await page.getByRole('complementary', { name: 'Bookmarks' }).boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(panel.x + 1);
    const row = pairRow(page, '6');
    await expect(row.locator('td.divergence .at')).toBeVisible();
    expect((await row.locator('td.divergence').boundingBox())!.width).toBeGreaterThan(140);
    await expect(row.locator('[data-testid="alignment-cell"] .badge')).toBeInViewport();
    await expect(row.locator('td.notes .mark')).toBeInViewport({ ratio: 1 });
    await screenshot(page, `align-d1-summary-beside-bookmarks-${width}`);
  });
}
