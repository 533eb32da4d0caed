// The workbench in a browser against the real `lockstep serve`: real logs,
// real SQLite, real ingest. Expected numbers come from the logs themselves
// (the demo pair, a generated pair, files written here) through
// `bin/lockstep diff`, whose report is checked byte for byte against the
// reference elsewhere; never from what the UI shows.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { DEMO, expect, lockstepDiff, parseSummary, ROOT, screenshot, test, type SummaryRow } from './fixtures';

// --- what the logs contain, according to `lockstep diff` ---------------------

type ReferencePair = SummaryRow;

interface ReferenceReport {
  text: string;
  pairs: ReferencePair[];
}

function referenceReport(canary: string, ours: string): ReferenceReport {
  const text = lockstepDiff(canary, ours);
  const pairs = parseSummary(text);
  if (pairs.length === 0) throw new Error(`no summary table in:\n${text}`);
  return { text, pairs };
}

/** tid_event_idx of every event of one thread, in log order, read straight from a log. */
function threadIndices(path: string, tid: string): number[] {
  const out: number[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const ev = JSON.parse(line) as { tid?: unknown; tid_event_idx?: unknown; kind?: string };
    if (ev.kind === 'schema_version' || String(ev.tid) !== tid) continue;
    out.push(Number(ev.tid_event_idx));
  }
  return out;
}

const num = (s: string): number => Number(s.replace(/[,\s]/g, ''));

// --- the page, as a user sees it ----------------------------------------------

const pairRows = (page: Page): Locator => page.getByRole('table', { name: 'Thread pairs' }).locator('tbody tr');
const selectedRow = (page: Page): Locator => page.locator('[role="option"][aria-selected="true"]');
const listbox = (page: Page): Locator => page.getByRole('listbox');

async function expectSummaryMatches(page: Page, ref: ReferenceReport): Promise<void> {
  await expect(pairRows(page)).toHaveCount(ref.pairs.length);
  const diverging = ref.pairs.filter((p) => p.divergence !== null).length;
  await expect(page.getByTestId('summary-counts')).toContainText(`${ref.pairs.length} pairs`);
  await expect(page.getByTestId('summary-counts')).toContainText(`${diverging} diverge`);
  for (const [i, p] of ref.pairs.entries()) {
    const cells = pairRows(page).nth(i).locator('td');
    await expect(cells.nth(0)).toHaveText(p.canaryTid);
    await expect(cells.nth(1)).toHaveText(p.oursTid);
    expect(num(await cells.nth(2).innerText())).toBe(p.matched);
    expect(num(await cells.nth(3).innerText())).toBe(p.canaryTotal);
    expect(num(await cells.nth(4).innerText())).toBe(p.oursTotal);
    if (p.divergence === null) await expect(cells.nth(5)).toContainText('none');
    else {
      expect(num(await cells.nth(5).locator('.at').innerText())).toBe(p.divergence);
      await expect(cells.nth(5)).toContainText(p.description!);
    }
    await expect(cells.nth(6)).toContainText('first call');
  }
}

/** The summary row of a pair, by its canary tid. */
const rowOf = (page: Page, canaryTid: string): Locator =>
  pairRows(page).filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${canaryTid}$`) }) });

async function openPair(page: Page, canaryTid: string): Promise<void> {
  await rowOf(page, canaryTid).click();
  await expect(listbox(page)).toBeVisible();
}

async function selectedPosition(page: Page): Promise<number> {
  await expect(selectedRow(page)).toHaveCount(1);
  return Number(await selectedRow(page).getAttribute('data-position'));
}

async function openFromOpenView(page: Page, canary: string, ours: string): Promise<void> {
  await page.getByLabel(/^canary/i).fill(canary);
  await page.getByLabel(/^ours/i).fill(ours);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}

// --- a pair large enough to watch its ingest ----------------------------------

let bigDir = '';
let big = { canary: '', ours: '' };
let bigRef: ReferenceReport | null = null;
let demoRef: ReferenceReport;

test.beforeAll(() => {
  demoRef = referenceReport(DEMO.canary, DEMO.ours);
});

/** About 100 MB of logs, generated once per run (deterministic: the same seed gives the same pair). */
function bigPair(): { canary: string; ours: string; ref: () => ReferenceReport } {
  if (!bigDir) {
    bigDir = mkdtempSync(join(tmpdir(), 'lockstep-e2e-big-'));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/lockstep'), 'generate', '--out-dir', bigDir, '--events', '400000', '--threads', '6'], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`lockstep generate failed: ${r.stderr}`);
    big = { canary: join(bigDir, 'canary.jsonl'), ours: join(bigDir, 'ours.jsonl') };
  }
  return { ...big, ref: () => (bigRef ??= referenceReport(big.canary, big.ours)) };
}

test.afterAll(() => {
  if (bigDir) rmSync(bigDir, { recursive: true, force: true });
});

// --- the tests ----------------------------------------------------------------

test('(a) first start opens the demo; a large pair shows its ingest progress, then its summary', async ({ page, serve }) => {
  test.setTimeout(120_000);
  const pair = bigPair();
  await page.goto(serve.url);

  // No recent sessions and a demo: the demo opens by itself, and shows real divergences.
  await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText(DEMO.canary);
  await expect(page.getByRole('banner')).toContainText(DEMO.ours);
  await expectSummaryMatches(page, demoRef);
  await screenshot(page, 'a1-first-start-demo-summary');

  // Open the large pair from the open view and watch both logs being indexed.
  await page.getByRole('button', { name: 'Open logs…' }).click();
  await expect(page.getByRole('heading', { name: 'Open two event logs' })).toBeVisible();
  await openFromOpenView(page, pair.canary, pair.ours);
  const canaryBar = page.getByRole('progressbar', { name: 'canary ingest' });
  const oursBar = page.getByRole('progressbar', { name: 'ours ingest' });
  await expect(canaryBar).toBeVisible();
  await expect(oursBar).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  // Progress arrives: bytes of the whole file, an event rate and a time left (or, done, the count).
  await expect.poll(async () => Number(await canaryBar.getAttribute('aria-valuenow')), { timeout: 30_000, intervals: [50] }).toBeGreaterThan(0);
  await expect(page.getByLabel('canary log')).toContainText(/MiB|indexed/);
  await screenshot(page, 'a2-ingest-progress');

  await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible({ timeout: 60_000 });
  await expectSummaryMatches(page, pair.ref());
  const events = (p: string): number =>
    readFileSync(p, 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.includes('"schema_version"')).length;
  await expect(page.getByRole('banner')).toContainText(`${events(pair.canary).toLocaleString('en-US')} events`);
  await screenshot(page, 'a3-large-pair-summary');
});

test('(b) a pair’s context shows its divergence, the differing field highlighted, and exports the report', async ({ page, serve }) => {
  await page.goto(serve.url);
  await expect(pairRows(page)).toHaveCount(demoRef.pairs.length);

  // The demo pair whose first divergence is in a payload field.
  const p = demoRef.pairs.find((x) => x.description?.startsWith('payload.'))!;
  const key = /^payload\.([^:]+):/.exec(p.description!)![1]!;
  await openPair(page, p.canaryTid);

  await expect(page.getByTestId('divergence')).toContainText(p.description!);
  await expect(page.getByTestId('divergence')).toContainText(`Reference's first divergence at position ${p.divergence}`);
  // The viewer starts at the divergence, selected, marked as differing.
  expect(await selectedPosition(page)).toBe(p.divergence);
  await expect(selectedRow(page)).toHaveAttribute('data-status', 'differs');
  await expect(page.getByTestId('row-status')).toHaveText(/differs/i);
  // The first differing leaf, and a click away the reference's own line, whole.
  await expect(page.getByTestId('field-path')).toHaveText(`payload.${key}`);
  await page.getByRole('button', { name: 'More' }).click();
  await expect(page.getByTestId('difference-full')).toContainText(p.description!);
  // The differing field, highlighted in the field table and in both raw events.
  const hot = page.locator('[data-differs="true"]');
  await expect(hot).toHaveCount(1);
  await expect(hot.locator('th')).toContainText(key);
  await expect(page.getByLabel('canary event JSON').locator('.line.hot')).toContainText(`"${key}":`);
  await expect(page.getByLabel('ours event JSON').locator('.line.hot')).toContainText(`"${key}":`);
  await screenshot(page, 'b1-context-payload-divergence');

  // A pair whose first divergence is the kind: the kind row is the highlighted one.
  const kindPair = demoRef.pairs.find((x) => x.description?.startsWith('kind:'))!;
  await page.keyboard.press('Escape');
  await expect(pairRows(page)).toHaveCount(demoRef.pairs.length);
  await openPair(page, kindPair.canaryTid);
  await expect(page.getByTestId('divergence')).toContainText(kindPair.description!);
  // Aligned, there is no kind difference (ours has one event more); by position, as the reference compares, there is.
  await page.keyboard.press('v');
  await expect(page.locator('[data-differs="true"] th')).toHaveText(/kind/);
  await screenshot(page, 'b2-context-kind-divergence');

  // The report, as a download, is the reference's report of these logs.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export report' }).click();
  const file = await (await download).path();
  expect(readFileSync(file, 'utf8')).toBe(demoRef.text);
});

test('(c) the viewer scrolls a large thread, fetching only windows around what is visible', async ({ page, serve }) => {
  test.setTimeout(120_000);
  const pair = bigPair();
  const windows: number[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/diff/rows')) windows.push((JSON.parse(r.postData() ?? '{}') as { arg: { count: number } }).arg.count);
  });
  await page.goto(serve.url);
  await expect(pairRows(page)).toHaveCount(demoRef.pairs.length);
  await page.getByRole('button', { name: 'Open logs…' }).click();
  await openFromOpenView(page, pair.canary, pair.ours);
  await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible({ timeout: 60_000 });

  // The longest thread of the pair.
  const longest = [...pair.ref().pairs].sort((a, b) => Math.max(b.canaryTotal, b.oursTotal) - Math.max(a.canaryTotal, a.oursTotal))[0]!;
  const total = Math.max(longest.canaryTotal, longest.oursTotal);
  await openPair(page, longest.canaryTid);
  await expect(listbox(page)).toHaveAttribute('data-total', String(total));

  // Wheel scrolling: rows come in below, loaded.
  await page.keyboard.press('Home');
  await listbox(page).hover();
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, 1200);
  const firstVisible = async (): Promise<number> => listbox(page).evaluate((el) => Math.floor(el.scrollTop / 22));
  await expect.poll(firstVisible).toBeGreaterThan(100);
  const after = await firstVisible();
  await expect(page.locator(`[data-position="${after + 5}"]`)).not.toHaveAttribute('data-status', 'loading');
  await screenshot(page, 'c1-scrolled-by-wheel');

  // Dragging the scrollbar to the middle, then to the end: the rows there load.
  for (const fraction of [0.5, 1]) {
    await listbox(page).evaluate((el, f) => (el.scrollTop = (el.scrollHeight - el.clientHeight) * f), fraction);
    const target = fraction === 1 ? total - 1 : Math.floor((await firstVisible()) + 3);
    const row = page.locator(`[data-position="${target}"]`);
    await expect(row).toBeVisible();
    await expect(row).not.toHaveAttribute('data-status', 'loading');
    await expect(row.locator('.idx').first()).not.toHaveText('');
  }
  // The selection (row 0) stayed where it was, and its details are still shown.
  await expect(page.getByTestId('row-status')).toBeVisible();
  await expect(page.locator('tr[data-field="tid_event_idx"] td').first()).toHaveText(/\d/);
  await screenshot(page, 'c2-scrolled-to-end');

  // Virtualised: a few dozen rows in the page, and no request for more than a window.
  expect(await page.locator('[role="option"]').count()).toBeLessThan(120);
  expect(windows.length).toBeGreaterThan(2);
  expect(Math.max(...windows)).toBeLessThanOrEqual(2000);
  expect(windows.reduce((a, b) => a + b, 0)).toBeLessThan(total / 4);
});

test('(d) g jumps to a tid_event_idx of the canary thread', async ({ page, serve }) => {
  await page.goto(serve.url);
  await expect(pairRows(page)).toHaveCount(demoRef.pairs.length);
  const p = demoRef.pairs.find((x) => x.divergence !== null)!;
  await openPair(page, p.canaryTid);

  // Where tid_event_idx 500 (or the first index past it) is in the canary thread, from the file itself.
  const indices = threadIndices(DEMO.canary, p.canaryTid);
  const wanted = Math.min(500, indices[indices.length - 1]!);
  const expected = indices.findIndex((i) => i >= wanted);

  await page.keyboard.press('g');
  const input = page.getByLabel(/Go to tid_event_idx/);
  await expect(input).toBeFocused();
  await page.keyboard.type(String(wanted));
  await expect(input).toHaveValue(String(wanted));
  await screenshot(page, 'd1-jump-box');
  await page.keyboard.press('Enter');
  await expect(input).toBeHidden();
  // The row of that canary event (in the aligned view its row may lie past its position).
  await expect(selectedRow(page).locator('.half.canary .idx')).toHaveText(String(indices[expected]));
  await expect(page.locator('tr[data-field="tid_event_idx"] td').first()).toHaveText(String(indices[expected]));
  await expect(page.getByLabel('canary event JSON')).toContainText(`"tid_event_idx": ${indices[expected]}`);
  await screenshot(page, 'd2-jumped');

  // Escape closes the box without leaving the viewer; Escape again goes back to the summary.
  await page.keyboard.press('g');
  await page.keyboard.press('Escape');
  await expect(listbox(page)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(pairRows(page)).toHaveCount(demoRef.pairs.length);
  await expect(rowOf(page, p.canaryTid)).toBeFocused();
});

test('(e) by position, as the reference: n / p move between differing rows; ] / [ between pairs; the place is remembered', async ({ page, serve }) => {
  await page.goto(serve.url);
  await expect(pairRows(page)).toHaveCount(demoRef.pairs.length);
  const diverging = demoRef.pairs.filter((x) => x.divergence !== null);
  const first = diverging[0]!;
  await openPair(page, first.canaryTid);
  // v: the reference's view, the i-th event of each thread side by side.
  await page.keyboard.press('v');
  await expect(page.getByRole('button', { name: 'By position' })).toHaveAttribute('aria-pressed', 'true');

  // From the top, n finds the reference's first divergence.
  await page.keyboard.press('Home');
  expect(await selectedPosition(page)).toBe(0);
  await page.keyboard.press('n');
  await expect.poll(() => selectedPosition(page)).toBe(first.divergence);
  await expect(selectedRow(page)).toHaveAttribute('data-status', 'differs');

  // p from there: nothing differs before the first divergence.
  await page.keyboard.press('p');
  await expect(page.getByRole('status').filter({ hasText: 'No differing row before this one' })).toBeVisible();
  expect(await selectedPosition(page)).toBe(first.divergence);

  // n again: a later differing row (or a row only one side has), then p comes back.
  await page.keyboard.press('n');
  await expect.poll(() => selectedPosition(page)).toBeGreaterThan(first.divergence!);
  await expect(selectedRow(page)).toHaveAttribute('data-status', /differs|only-canary|only-ours/);
  const second = await selectedPosition(page);
  await screenshot(page, 'e1-next-difference');
  await page.keyboard.press('p');
  await expect.poll(() => selectedPosition(page)).toBe(first.divergence);

  // PageDown / PageUp move by a screen.
  await page.keyboard.press('Home');
  await page.keyboard.press('PageDown');
  const paged = await selectedPosition(page);
  expect(paged).toBeGreaterThan(5);
  await page.keyboard.press('PageDown');
  expect(await selectedPosition(page)).toBe(2 * paged);
  await page.keyboard.press('PageUp');
  expect(await selectedPosition(page)).toBe(paged);
  await page.keyboard.press('n');
  await expect.poll(() => selectedPosition(page)).toBe(first.divergence);

  // j / k and arrows move one row.
  await page.keyboard.press('j');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('k');
  expect(await selectedPosition(page)).toBe(first.divergence! + 1);
  expect(second).toBeGreaterThan(first.divergence!);

  // ] opens the next pair with a divergence (aligned again, at its first hunk: the demo's changed status, where the reference diverges too); [ comes back.
  await page.keyboard.press(']');
  await expect(page.getByTestId('divergence')).toContainText(diverging[1]!.description!);
  await expect.poll(() => selectedPosition(page)).toBe(diverging[1]!.divergence);
  await page.keyboard.press('[');
  await expect(page.getByTestId('divergence')).toContainText(first.description!);
  await page.keyboard.press('v');

  // Leave the viewer somewhere, reload: the recent session reopens there.
  await page.keyboard.press('End');
  const end = Math.max(first.canaryTotal, first.oursTotal) - 1;
  expect(await selectedPosition(page)).toBe(end);
  await page.waitForTimeout(700); // the place is saved after a short pause
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Recent sessions' })).toBeVisible();
  await page
    .getByRole('button', { name: /Reopen/ })
    .first()
    .click();
  await expect(page.getByTestId('divergence')).toContainText(first.description!);
  expect(await selectedPosition(page)).toBe(end);
  await screenshot(page, 'e2-place-restored');
});

test('(f) an invalid line is reported with its file and line; a good pair opens from the same screen', async ({ page, serve, dataDir }) => {
  const bad = join(dataDir, 'broken-canary.jsonl');
  const lines = readFileSync(DEMO.canary, 'utf8').split('\n').slice(0, 6);
  lines[3] = lines[3]!.slice(0, -12); // line 4: cut short, no longer JSON
  writeFileSync(bad, `${lines.join('\n')}\n`);

  await page.goto(serve.url);
  await expect(pairRows(page)).toHaveCount(demoRef.pairs.length);
  await page.getByRole('button', { name: 'Open logs…' }).click();
  await openFromOpenView(page, bad, DEMO.ours);

  const alert = page.getByRole('alert');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(bad);
  await expect(alert).toContainText('line 4');
  await expect(page.getByLabel(/^canary/i)).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/^line 4: /)).toBeVisible();
  await screenshot(page, 'f1-invalid-line');

  // A missing file: named too.
  await openFromOpenView(page, join(dataDir, 'missing.jsonl'), DEMO.ours);
  await expect(page.getByRole('alert')).toContainText('missing.jsonl');

  // Fix the path on the same screen and open.
  await page.getByLabel(/^canary/i).fill(DEMO.canary);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expectSummaryMatches(page, demoRef);
});

test('(g) a long ingest can be cancelled, back to the open view', async ({ page, serve }) => {
  test.setTimeout(120_000);
  const pair = bigPair();
  await page.goto(serve.url);
  await expect(pairRows(page)).toHaveCount(demoRef.pairs.length);
  await page.getByRole('button', { name: 'Open logs…' }).click();
  await openFromOpenView(page, pair.canary, pair.ours);

  // Once the ingest is under way (the first progress has arrived: checked every frame), cancel it.
  await page.waitForFunction(
    () => Number(document.querySelector('[role="progressbar"][aria-label="canary ingest"]')?.getAttribute('aria-valuenow') ?? 0) > 0,
    null,
    { polling: 'raf', timeout: 30_000 },
  );
  await screenshot(page, 'g1-before-cancel');
  await page.getByRole('button', { name: 'Cancel' }).click();

  await expect(page.getByRole('heading', { name: 'Open two event logs' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('cancelled');
  await expect(page.getByRole('alert')).toHaveCount(0);
  // The paths stay, ready to try again; the cancelled pair is not among the recent sessions.
  await expect(page.getByLabel(/^canary/i)).toHaveValue(pair.canary);
  await expect(page.getByLabel(/^ours/i)).toHaveValue(pair.ours);
  await expect(page.getByRole('button', { name: /Reopen/ })).toHaveCount(1);
  await screenshot(page, 'g2-cancelled');
});

test('(h) the summary sorts by any column, by mouse or keyboard, and lists the unmapped threads', async ({ page, serve, dataDir }) => {
  // A "hostile" generated pair: threads without kernel.call stay unmapped.
  const dir = join(dataDir, 'hostile');
  const g = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/lockstep'), 'generate', '--out-dir', dir, '--events', '3000', '--threads', '6', '--profile', 'hostile', '--seed', '1'],
    { encoding: 'utf8' },
  );
  expect(g.status, g.stderr).toBe(0);
  const pair = { canary: join(dir, 'canary.jsonl'), ours: join(dir, 'ours.jsonl') };
  const ref = referenceReport(pair.canary, pair.ours);
  const tidsOf = (path: string): string[] => {
    const seen = new Set<string>();
    for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
      if (!line.trim()) continue;
      const ev = JSON.parse(line) as { kind?: string; tid?: unknown };
      if (ev.kind !== 'schema_version' && ev.tid !== undefined) seen.add(String(ev.tid));
    }
    return [...seen];
  };
  const unmappedCanary = tidsOf(pair.canary).filter((t) => !ref.pairs.some((p) => p.canaryTid === t));
  const unmappedOurs = tidsOf(pair.ours).filter((t) => !ref.pairs.some((p) => p.oursTid === t));

  await page.goto(serve.url);
  await expect(pairRows(page)).toHaveCount(demoRef.pairs.length);
  await page.getByRole('button', { name: 'Open logs…' }).click();
  await openFromOpenView(page, pair.canary, pair.ours);
  await expectSummaryMatches(page, ref);

  for (const [side, tids] of [
    ['canary', unmappedCanary],
    ['ours', unmappedOurs],
  ] as const) {
    const list = page.getByLabel(`unmapped ${side} threads`);
    if (unmappedCanary.length + unmappedOurs.length === 0) await expect(list).toHaveCount(0);
    else for (const t of tids) await expect(list).toContainText(`tid ${t}`);
    if (tids.length > 0) await expect(list.locator('li')).toHaveCount(tids.length);
  }
  await screenshot(page, 'h1-summary-unmapped');

  const canaryTidsShown = async (): Promise<string[]> => pairRows(page).locator('td:first-child').allInnerTexts();
  const sortedBy = (key: (p: ReferencePair) => number, dir: 1 | -1): string[] =>
    ref.pairs
      .map((p, i) => ({ p, i }))
      .sort((a, b) => dir * (key(a.p) - key(b.p)) || a.i - b.i)
      .map((x) => x.p.canaryTid);

  // Mouse: matched, ascending.
  await page.getByRole('columnheader', { name: 'matched' }).getByRole('button').click();
  await expect(page.getByRole('columnheader', { name: 'matched' })).toHaveAttribute('aria-sort', 'ascending');
  expect(await canaryTidsShown()).toEqual(sortedBy((p) => p.matched, 1));
  // Keyboard: ours total, ascending then descending.
  await page.getByRole('columnheader', { name: 'ours total' }).getByRole('button').focus();
  await page.keyboard.press('Enter');
  expect(await canaryTidsShown()).toEqual(sortedBy((p) => p.oursTotal, 1));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('columnheader', { name: 'ours total' })).toHaveAttribute('aria-sort', 'descending');
  expect(await canaryTidsShown()).toEqual(sortedBy((p) => p.oursTotal, -1));
  // First divergence: pairs without one last.
  await page.getByRole('columnheader', { name: 'first divergence' }).getByRole('button').click();
  expect(await canaryTidsShown()).toEqual(sortedBy((p) => p.divergence ?? Infinity, 1));
  await screenshot(page, 'h2-summary-sorted');

  // Enter on a row opens its context.
  const target = sortedBy((p) => p.divergence ?? Infinity, 1)[0]!;
  await rowOf(page, target).focus();
  await page.keyboard.press('Enter');
  await expect(listbox(page)).toBeVisible();
  const p = ref.pairs.find((x) => x.canaryTid === target)!;
  if (p.divergence !== null) await expect(page.getByTestId('divergence')).toContainText(p.description!);
});

test('themes: the toggle switches and is remembered', async ({ page, serve }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(serve.url);
  await expect(pairRows(page)).toHaveCount(demoRef.pairs.length);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await openPair(page, demoRef.pairs.find((x) => x.divergence !== null)!.canaryTid);
  await expect(selectedRow(page)).not.toHaveAttribute('data-status', 'loading');
  await expect(page.getByTestId('row-status')).toBeVisible();
  await screenshot(page, 'theme-dark-context');
  await page.getByRole('button', { name: 'Switch to the light theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});
