// The find box as a user meets it (issue 13, item 5): / opens it, a query typed
// at full speed loses no key, the count and the first match come as it is
// typed, Enter and Shift+Enter go from match to match (on either side), the
// ruler marks the matches, the filter shows only them with context and a gap
// line between runs, Esc closes it; the search across every pair lists the
// pairs with matches and a hit opens its pair at its row; a bad regex is said
// at once. Expected rows come from the logs themselves (JSON.parse of their
// lines) and the alignment `lockstep diff --format json` writes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { DEMO, expect, ROOT, screenshot, test } from './fixtures';

interface Hunk {
  canary: [number, number];
  ours: [number, number];
}

/** Positions (per thread) of the events of a log that satisfy `keep`. */
function positions(path: string, tid: string, keep: (ev: { kind?: string; payload?: Record<string, unknown> }) => boolean): number[] {
  const out: number[] = [];
  let pos = 0;
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    if (!line.trim()) continue;
    const ev = JSON.parse(line) as { tid: unknown; kind?: string; payload?: Record<string, unknown> };
    if (String(ev.tid) !== tid) continue;
    if (keep(ev)) out.push(pos);
    pos++;
  }
  return out;
}

/** The alignment of each pair, as the CLI writes it. */
function alignment(): Map<string, Hunk[]> {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/lockstep'), 'diff', '--canary', DEMO.canary, '--ours', DEMO.ours, '--format', 'json', '--quiet'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const doc = JSON.parse(r.stdout) as { pairs: { canaryTid: number; oursTid: number; hunks: Hunk[] }[] };
  return new Map(doc.pairs.map((p) => [`${p.canaryTid}`, p.hunks]));
}

/** The aligned view's row of a side's event: equal runs side by side, each hunk as tall as its longer side. */
function rowOf(hunks: Hunk[], side: 'canary' | 'ours', position: number): number {
  let row = 0;
  let at = 0; // position on this side where the current equal run starts
  for (const h of hunks) {
    const [from, to] = h[side];
    if (position < from) return row + (position - at);
    row += from - at;
    if (position < to) return row + (position - from);
    row += Math.max(h.canary[1] - h.canary[0], h.ours[1] - h.ours[0]);
    at = to;
  }
  return row + (position - at);
}

const selectedRow = (page: Page): Locator => page.locator('[role="option"][aria-selected="true"]');
const findInput = (page: Page): Locator => page.locator('#find-input');
const count = (page: Page): Locator => page.getByTestId('find-count');
const pairRow = (page: Page, canaryTid: string): Locator =>
  page
    .getByRole('table', { name: 'Thread pairs' })
    .locator('tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${canaryTid}$`) }) });

async function selected(page: Page): Promise<number> {
  await expect(selectedRow(page)).toHaveCount(1);
  return Number(await selectedRow(page).getAttribute('data-position'));
}

const NT_READ_RETURNS = 'name:NtReadFile kind:kernel.return';
const isNtReadReturn = (ev: { kind?: string; payload?: Record<string, unknown> }): boolean => ev.kind === 'kernel.return' && ev.payload?.name === 'NtReadFile';

let expectedRows: number[];
let canaryMatches: number[];
let oursMatches: number[];
test.beforeAll(() => {
  // Demo pair canary 6 ↔ ours 4.
  canaryMatches = positions(DEMO.canary, '6', isNtReadReturn);
  oursMatches = positions(DEMO.ours, '4', isNtReadReturn);
  const hunks = alignment().get('6')!;
  expectedRows = [...new Set([...canaryMatches.map((p) => rowOf(hunks, 'canary', p)), ...oursMatches.map((p) => rowOf(hunks, 'ours', p))])].sort(
    (a, b) => a - b,
  );
});

for (const scheme of ['light', 'dark'] as const) {
  test(`/ finds by name and kind, Enter goes from match to match, the filter shows only them (${scheme})`, async ({ page, serve }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(serve.url);
    await pairRow(page, '6').click();
    await expect(page.getByRole('listbox')).toBeVisible();
    await page.keyboard.press('Home');

    // / and the query at full speed: the box is there before the next key, none is lost.
    await page.keyboard.press('/');
    await page.keyboard.type(NT_READ_RETURNS, { delay: 0 });
    await expect(findInput(page)).toHaveValue(NT_READ_RETURNS);
    await expect(findInput(page)).toBeFocused();
    // The first search builds the search index, then lands on the first match.
    await expect(count(page)).toHaveText(`1 of ${expectedRows.length}`);
    await expect(count(page)).toHaveAttribute('title', `canary ${canaryMatches.length} · ours ${oursMatches.length} events`);
    expect(await selected(page)).toBe(expectedRows[0]);
    await expect(selectedRow(page)).toHaveAttribute('data-match', 'both');
    await expect(selectedRow(page)).toContainText('NtReadFile');
    await screenshot(page, `find-a1-first-match-${scheme}`);

    // Enter three times, quickly: three matches on; Shift+Enter one back.
    for (let k = 0; k < 3; k++) await page.keyboard.press('Enter');
    await expect(count(page)).toHaveText(`4 of ${expectedRows.length}`);
    expect(await selected(page)).toBe(expectedRows[3]);
    await page.keyboard.press('Shift+Enter');
    await expect(count(page)).toHaveText(`3 of ${expectedRows.length}`);
    expect(await selected(page)).toBe(expectedRows[2]);

    // The ruler marks the matches beside the hunks.
    const marks = page.getByTestId('overview-ruler').locator('[data-found-row]');
    expect(await marks.count()).toBeGreaterThan(0);
    const marked = await marks.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.foundRow)));
    for (const row of marked) expect(expectedRows).toContain(row);

    // Only matches: the rows shown are matches or within three rows of one, with a gap line between runs.
    await page.keyboard.press('Alt+f');
    const list = page.getByRole('listbox');
    await expect(list).toHaveAttribute('data-filtered', 'true');
    await expect(page.locator('[data-gap]').first()).toBeVisible();
    const shown = await list.locator('[role="option"]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.position)));
    expect(shown.length).toBeGreaterThan(0);
    for (const row of shown) expect(expectedRows.some((m) => Math.abs(m - row) <= 3)).toBe(true);
    expect(await selected(page)).toBe(expectedRows[2]);
    await screenshot(page, `find-a2-filter-${scheme}`);

    // In the list, ↓ moves through the rows it shows (over the gaps), Enter still goes to the next match.
    await list.focus();
    for (let k = 0; k < 8; k++) await page.keyboard.press('ArrowDown');
    const after = await selected(page);
    expect(expectedRows.some((m) => Math.abs(m - after) <= 3)).toBe(true);
    expect(after).toBeGreaterThan(expectedRows[2]!);
    await page.keyboard.press('Enter');
    // The next match after the row the arrows reached (polled: the step is a request, slow on a loaded machine).
    await expect.poll(() => selected(page)).toBe(expectedRows.find((m) => m > after));

    // Esc: the box and the filter close, the selection stays where it is.
    const here = await selected(page);
    await page.keyboard.press('Escape');
    await expect(findInput(page)).toHaveCount(0);
    await expect(page.getByRole('listbox')).not.toHaveAttribute('data-filtered', 'true');
    expect(await selected(page)).toBe(here);

    // At 1024×700 the box and its count fit.
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.keyboard.press('/');
    await expect(count(page)).toContainText(`of ${expectedRows.length}`);
    await expect(count(page)).toBeInViewport();
    await screenshot(page, `find-a3-1024-${scheme}`);
    await page.keyboard.press('Alt+f');
    await expect(page.getByRole('listbox')).toHaveAttribute('data-filtered', 'true');
    await screenshot(page, `find-a4-filter-1024-${scheme}`);
  });

  test(`the search across every pair lists the pairs with matches; a hit opens its pair at its row (${scheme})`, async ({ page, serve }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(serve.url);
    await pairRow(page, '6').click();
    await page.keyboard.press('/');
    const query = 'name:NtCreateFile kind:kernel.return';
    await page.keyboard.type(query);
    await expect(count(page)).toContainText('of');
    await page.getByRole('button', { name: 'All pairs' }).click();
    const panel = page.getByRole('complementary', { name: 'Matches in every pair' });
    await expect(panel).toBeVisible();
    // From the logs: which canary threads have a NtCreateFile return (the demo maps tid 6..10 to 4,2,5,3,1).
    const map: Record<string, string> = { '6': '4', '7': '5', '8': '2', '9': '3', '10': '1' };
    const isIt = (ev: { kind?: string; payload?: Record<string, unknown> }): boolean => ev.kind === 'kernel.return' && ev.payload?.name === 'NtCreateFile';
    const withHits = Object.entries(map).filter(([c, o]) => positions(DEMO.canary, c, isIt).length + positions(DEMO.ours, o, isIt).length > 0);
    await expect(panel.locator('[data-pair]')).toHaveCount(withHits.length);
    await screenshot(page, `find-b1-every-pair-${scheme}`);

    // A hit in another pair: that pair opens, at that row, on an NtCreateFile return.
    const other = panel
      .locator('[data-pair]')
      .filter({ hasNot: page.locator('.here') })
      .last();
    const hit = other.locator('button.hit[data-row]').first();
    const row = Number(await hit.getAttribute('data-row'));
    await hit.click();
    await expect.poll(() => selected(page)).toBe(row);
    await expect(selectedRow(page)).toContainText('NtCreateFile');
    await expect(panel).toBeVisible();
    // The find box kept its query in the new pair.
    await expect(findInput(page)).toHaveValue(query);
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, `find-b2-every-pair-1024-${scheme}`);
  });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`matches on events the rules leave out are not counted or stepped to, and the note says so (${scheme})`, async ({ page, serve }) => {
    const isNtReadCall = (ev: { kind?: string; payload?: Record<string, unknown> }): boolean => ev.kind === 'kernel.call' && ev.payload?.name === 'NtReadFile';
    const calls = { canary: positions(DEMO.canary, '6', isNtReadCall).length, ours: positions(DEMO.ours, '4', isNtReadCall).length };
    const hidden = canaryMatches.length + oursMatches.length; // the returns, left out by the rule
    expect(hidden).toBeGreaterThan(0);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(serve.url);
    await expect(pairRow(page, '6')).toBeVisible();
    // Leave kernel.return out, from the Rules panel.
    await page.keyboard.press('r');
    await page.getByTestId('rules-panel').locator('input[name="ignore-kind"]').fill('kernel.return');
    await page.getByTestId('rules-panel').locator('input[name="ignore-kind"]').press('Enter');
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('rules-mode')).toHaveText("1 rule differs from the reference's");
    await page.keyboard.press('Escape');
    await pairRow(page, '6').click();
    await expect(page.getByRole('listbox')).toBeVisible();
    await page.keyboard.press('Home');
    await page.keyboard.press('/');
    await page.keyboard.type('name:NtReadFile', { delay: 0 });
    // Only the calls are in the view: counted, each side's events, and every Enter lands on one.
    await expect(count(page)).toHaveAttribute('title', `canary ${calls.canary} · ours ${calls.ours} events`);
    await expect(page.locator('#find-problem')).toHaveText(
      `${hidden} matching events are of kinds the rules leave out (ignore-kind kernel.return): not in this view, not counted`,
    );
    for (let k = 0; k < 4; k++) {
      await expect(selectedRow(page)).toContainText('NtReadFile');
      await expect(selectedRow(page)).not.toContainText('kernel.return');
      await page.keyboard.press('Enter');
    }
    await screenshot(page, `find-f1-rules-leave-out-${scheme}`);
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, `find-f2-rules-leave-out-1024-${scheme}`);
  });
}

test('a bad regular expression is said at once, and the keys typed after it still arrive', async ({ page, serve }) => {
  await page.goto(serve.url);
  await pairRow(page, '6').click();
  await page.keyboard.press('/');
  await page.keyboard.type('kind:kernel.call /Nt(Read/');
  await expect(page.getByRole('alert')).toHaveText('/Nt(Read/ is not a valid regular expression: Unterminated group');
  await expect(findInput(page)).toHaveAttribute('aria-invalid', 'true');
  await screenshot(page, 'find-c1-bad-regex');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('|Write)File/');
  await expect(findInput(page)).toHaveValue('kind:kernel.call /Nt(Read|Write)File/');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(count(page)).toContainText(/of|matches/);
  await expect(selectedRow(page)).toContainText(/Nt(Read|Write)File/);
});

test('the first search of a large pair builds its search index with a progress bar; Esc cancels it, / builds it again', async ({ page, serve }) => {
  test.setTimeout(600_000);
  // Two logs of 300,000 events in one thread: the build takes long enough to be seen and cancelled.
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-e2e-find-'));
  const gen = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/lockstep'), 'generate', '--out-dir', dir, '--events', '300000', '--threads', '1', '--divergences', '0'],
    {
      encoding: 'utf8',
    },
  );
  expect(gen.status, gen.stderr).toBe(0);
  await page.goto(serve.url);
  await expect(pairRow(page, '6')).toBeVisible(); // first start: the demo
  await page.getByRole('button', { name: 'Open logs…' }).click();
  await page.getByLabel(/^canary/i).fill(join(dir, 'canary.jsonl'));
  await page.getByLabel(/^ours/i).fill(join(dir, 'ours.jsonl'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('table', { name: 'Thread pairs' }).locator('tbody tr').first().click();
  await expect(page.getByRole('listbox')).toBeVisible();

  await page.keyboard.press('/');
  await page.keyboard.type('name:NtReadFile');
  const building = page.getByRole('status').filter({ hasText: 'Building the search index of these logs' });
  await expect(building).toBeVisible();
  await screenshot(page, 'find-d1-building');
  // Esc: the build stops and the box closes; the list has the keys again.
  await page.keyboard.press('Escape');
  await expect(findInput(page)).toHaveCount(0);
  await expect(building).toHaveCount(0);
  await page.keyboard.press('End');
  // / again: built this time, to the end, and the query answered.
  await page.keyboard.press('/');
  await expect(findInput(page)).toHaveValue('name:NtReadFile');
  await expect(count(page)).toContainText(/matches|of/, { timeout: 180_000 });
  rmSync(dir, { recursive: true, force: true });
});

test('a gzip pair is searched as the plain pair is: the same count, the same first match', async ({ page, serve }) => {
  // The search index of a compressed log reads its decompressed copy (docs/compressed-logs.md).
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-e2e-find-gz-'));
  try {
    for (const [from, to] of [
      [DEMO.canary, join(dir, 'canary.jsonl.gz')],
      [DEMO.ours, join(dir, 'ours.jsonl.gz')],
    ] as const) {
      const r = spawnSync('gzip', ['-c', from], { maxBuffer: 1 << 30 });
      expect(r.status).toBe(0);
      writeFileSync(to, r.stdout);
    }
    await page.goto(serve.url);
    await expect(pairRow(page, '6')).toBeVisible(); // first start: the demo
    await page.getByRole('button', { name: 'Open logs…' }).click();
    await page.getByLabel(/^canary/i).fill(join(dir, 'canary.jsonl.gz'));
    await page.getByLabel(/^ours/i).fill(join(dir, 'ours.jsonl.gz'));
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByRole('banner')).toContainText('canary.jsonl.gz');
    await pairRow(page, '6').click();
    await expect(page.getByRole('listbox')).toBeVisible();
    await page.keyboard.press('Home');
    await page.keyboard.press('/');
    await page.keyboard.type(NT_READ_RETURNS, { delay: 0 });
    await expect(count(page)).toHaveText(`1 of ${expectedRows.length}`);
    await expect(count(page)).toHaveAttribute('title', `canary ${canaryMatches.length} · ours ${oursMatches.length} events`);
    expect(await selected(page)).toBe(expectedRows[0]);
    await expect(selectedRow(page)).toContainText('NtReadFile');
    await screenshot(page, 'find-e1-gzip-pair');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
