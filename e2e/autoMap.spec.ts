// The mapping that explains itself, in Chromium against a real `lockstep
// serve`: on logs where the reference's pairing by first call is wrong (six
// threads sharing a first call created in another order by ours, one first
// call that differs), the mapping panel proposes the generator's own pairing
// with reasons and confidence; `a` applies it, `z` undoes it, a click applies
// it again and the session keeps it across a restart of the host. The summary after the
// apply is `lockstep diff --tid-map <the generator's pairing>`'s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { generatedTidMap } from '../src/main/generator/generateLogs';
import { expect, lockstepDiff, parseSummary, ROOT, screenshot, startServe, test } from './fixtures';

const TRAP = { threads: 8, events: 2400, seed: 'e2e-auto-map', shared: 6, differs: 1 };
const truth = generatedTidMap({
  seed: TRAP.seed,
  eventsPerThread: Math.round(TRAP.events / TRAP.threads),
  threads: TRAP.threads,
  profile: 'realistic',
  mappingTrap: { sharedFirstCall: TRAP.shared, firstCallDiffers: TRAP.differs },
});

let dir: string;
let logs: { canary: string; ours: string };
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-e2e-automap-'));
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin/lockstep'),
      'generate',
      '--out-dir',
      dir,
      '--threads',
      String(TRAP.threads),
      '--events',
      String(TRAP.events),
      '--seed',
      TRAP.seed,
      '--shared-first-call',
      String(TRAP.shared),
      '--first-call-differs',
      String(TRAP.differs),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  logs = { canary: join(dir, 'canary.jsonl'), ours: join(dir, 'ours.jsonl') };
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pairRows = (page: Page): Locator => page.getByRole('table', { name: 'Thread pairs' }).locator('tbody tr');
const mapping = (page: Page): Locator => page.getByRole('region', { name: 'Thread mapping' });
const proposal = (page: Page): Locator => page.getByTestId('mapping-proposal');

async function openLogs(page: Page): Promise<void> {
  const openButton = page.getByRole('button', { name: 'Open logs…' });
  const form = page.getByRole('heading', { name: 'Open two event logs' });
  await expect(openButton.or(form).first()).toBeVisible();
  if (await openButton.isVisible()) await openButton.click();
  await page.getByLabel(/^canary/i).fill(logs.canary);
  await page.getByLabel(/^ours/i).fill(logs.ours);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
}

/** The summary's pairs, canary=ours, in its order. */
async function summaryPairs(page: Page): Promise<string> {
  const rows = await pairRows(page).all();
  const out: string[] = [];
  for (const r of rows) out.push(`${(await r.locator('td').nth(0).innerText()).trim()}=${(await r.locator('td').nth(1).innerText()).trim()}`);
  return out.join(',');
}

/** The summary is the reference's report for these pairs given as --tid-map (matched, totals, first divergence). */
async function expectReferenceSummary(page: Page, tidMap: string): Promise<void> {
  const rows = parseSummary(lockstepDiff(logs.canary, logs.ours, { tidMap }));
  await expect(pairRows(page)).toHaveCount(rows.length);
  for (const [i, r] of rows.entries()) {
    const cells = pairRows(page).nth(i).locator('td');
    await expect(cells.nth(0)).toHaveText(r.canaryTid);
    await expect(cells.nth(1)).toHaveText(r.oursTid);
    expect(Number((await cells.nth(2).innerText()).replace(/[,\s]/g, ''))).toBe(r.matched);
    if (r.divergence === null) await expect(cells.nth(5)).toContainText('none');
    else expect(Number((await cells.nth(5).locator('.at').innerText()).replace(/[,\s]/g, ''))).toBe(r.divergence);
  }
}

test('the proposed mapping is the generated one, applied with a and a click, undone with z, kept across a reload', async ({ page, serve, dataDir }) => {
  await page.goto(serve.url);
  await openLogs(page);
  // The reference's pairing: the six sharing a first call are zipped in tid order (wrong), the differing one left out.
  const reference = await summaryPairs(page);
  expect(reference).not.toBe(truth);
  expect(reference.split(',')).toHaveLength(TRAP.threads - 1);

  await page.keyboard.press('t');
  await expect(mapping(page)).toBeVisible();
  await expect(proposal(page)).toBeVisible();
  const rows = proposal(page).getByRole('table', { name: 'Proposed pairs' }).locator('tbody tr');
  await expect(rows).toHaveCount(TRAP.threads);
  const proposed: string[] = [];
  for (const r of await rows.all()) proposed.push(`${await r.getAttribute('data-canary-tid')}=${await r.getAttribute('data-ours-tid')}`);
  expect(proposed.join(',')).toBe(truth);
  await expect(proposal(page).getByTestId('proposal-counts')).toHaveText(/8 pairs · 7 changes to the mapping now · 0 unsure/);
  // Every pair shows its confidence and why; the one whose first call differs says so.
  for (const r of await rows.all()) {
    await expect(r.locator('.confidence')).toHaveText(/\d+%/);
    await expect(r.locator('td.reason')).toHaveText(/^first call .*; \d+% of call sequence shared; /);
  }
  await expect(rows.filter({ hasText: 'first call differs' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'first call differs' }).locator('td.change')).toHaveText('not compared now');

  // Keyboard: the focus is in the panel (t put it on the first canary thread); a applies.
  await expect(mapping(page).locator('button.thread').first()).toBeFocused();
  await page.keyboard.press('a');
  await expect(proposal(page).getByTestId('proposal-applied')).toBeVisible();
  await expect(page.getByTestId('mapping-mode')).toHaveText('by similarity · as proposed');
  await expect(page.getByTestId('map-changes')).toContainText('applied the similarity mapping: 8 pairs, 7 changed, 0 unsure');
  expect(await summaryPairs(page)).toBe(truth);
  await expectReferenceSummary(page, truth);
  await expect(pairRows(page).locator('td.mapped')).toHaveText(Array(TRAP.threads).fill(/^similarity · \d+%$/));

  // z undoes: the reference's pairing again.
  await page.keyboard.press('z');
  await expect(page.getByTestId('mapping-mode')).toHaveText('automatic · by first kernel.call name');
  await expect(page.getByTestId('map-changes')).toContainText('undone: applied the similarity mapping');
  expect(await summaryPairs(page)).toBe(reference);

  // One click applies it again; after a restart of the host the recent session comes back with it, explained.
  await proposal(page)
    .getByRole('button', { name: /Apply proposal/ })
    .click();
  await expect(page.getByTestId('mapping-mode')).toHaveText('by similarity · as proposed');
  await serve.stop();
  const host = await startServe(dataDir);
  try {
    await page.goto(host.url);
    await page.getByRole('button', { name: new RegExp(`Reopen .*${logs.canary.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`) }).click();
    await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();
    expect(await summaryPairs(page)).toBe(truth);
    await expect(pairRows(page).first().locator('td.mapped span')).toHaveAttribute('title', /^by similarity: first call /);
    await page.keyboard.press('t');
    await expect(page.getByTestId('mapping-mode')).toHaveText('by similarity · as proposed');
    await expect(proposal(page).getByTestId('proposal-applied')).toBeVisible();
  } finally {
    await host.stop();
  }
});

for (const scheme of ['light', 'dark'] as const) {
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 700 },
  ]) {
    test(`screenshots of the proposal and the applied mapping (${scheme}, ${size.width}×${size.height})`, async ({ page, serve }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize(size);
      await page.goto(serve.url);
      await openLogs(page);
      await page.keyboard.press('t');
      await expect(proposal(page)).toBeVisible();
      await proposal(page).scrollIntoViewIfNeeded();
      await screenshot(page, `automap-1-proposal-${scheme}-${size.width}`);
      await page.keyboard.press('a');
      await expect(proposal(page).getByTestId('proposal-applied')).toBeVisible();
      await page.getByRole('heading', { name: 'Per-thread summary' }).scrollIntoViewIfNeeded();
      await screenshot(page, `automap-2-applied-${scheme}-${size.width}`);
    });
  }
}

test('pairs of threads that look alike are flagged unsure, naming the rival', async ({ page, serve }) => {
  const twin = ['KeInitializeThread', 'NtReadFile', 'NtClose', 'NtReadFile', 'NtWriteFile', 'KeSetEvent'];
  const other = ['XamTaskSchedule', 'KeWaitForSingleObject', 'KeSetEvent', 'KeDelayExecutionThread'];
  const log = (threads: [number, string[]][]): string =>
    ['{"kind": "schema_version", "schema_version": 1}']
      .concat(threads.flatMap(([tid, calls]) => calls.map((name, i) => JSON.stringify({ tid, tid_event_idx: i, kind: 'kernel.call', payload: { name } }))))
      .join('\n') + '\n';
  writeFileSync(
    join(dir, 'twins-canary.jsonl'),
    log([
      [6, twin],
      [7, twin],
      [8, other],
    ]),
  );
  writeFileSync(
    join(dir, 'twins-ours.jsonl'),
    log([
      [1, other],
      [2, twin],
      [3, twin],
    ]),
  );
  await page.goto(serve.url);
  logs = { canary: join(dir, 'twins-canary.jsonl'), ours: join(dir, 'twins-ours.jsonl') };
  await openLogs(page);
  await page.keyboard.press('t');
  const rows = proposal(page).getByRole('table', { name: 'Proposed pairs' }).locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(proposal(page).getByTestId('proposal-counts')).toContainText('2 unsure');
  await expect(rows.filter({ hasText: 'unsure' })).toHaveCount(2);
  await expect(rows.filter({ hasText: 'unsure' }).first().locator('td.reason')).toHaveText(/unsure: (ours|canary) \d+ fits (nearly )?as well \(\d+%\)$/);
  await expect(page.locator('tr[data-canary-tid="8"][data-ours-tid="1"]')).not.toContainText('unsure');
  await proposal(page).scrollIntoViewIfNeeded();
  await screenshot(page, 'automap-3-unsure-light-1440');
  await page.keyboard.press('a');
  await expect(pairRows(page).locator('td.mapped').filter({ hasText: 'unsure' })).toHaveCount(2);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('heading', { name: 'Per-thread summary' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'automap-4-unsure-applied-dark-1440');
});
