// Triage across runs as a user meets it: yesterday's run and today's of one
// title (generated: engine bugs 1, 2, 3 yesterday; 2, 3, 4 today), the
// Signatures view groups today's hunks by kind of divergence across threads,
// a group's hunk opens its pair there, comparing with yesterday's run marks
// them new, known and fixed, "only new" leaves bug 4, and "mark as known"
// writes the user's baseline file, after which nothing is new. Expectations
// come from the logs: a bug's hunks are the events of ours with its status.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { plannedBug } from '../src/main/generator/generateLogs';
import { expect, ROOT, screenshot, test } from './fixtures';

const SEED = 'e2e-signatures';
const THREADS = 7;
let dir = '';

interface BugShow {
  call: string;
  value: string;
  hunks: number;
  threads: number;
}

/** What a bug did to ours: its call and status (the generator's plan, as `lockstep generate --bugs` uses it), and where it shows in the log. */
function bugShow(ours: string, id: number): BugShow {
  const bug = plannedBug(SEED, id, THREADS);
  const tids = new Set<number>();
  let hunks = 0;
  for (const text of readFileSync(ours, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    const ev = JSON.parse(text) as { tid?: number; kind?: string; payload?: { name?: string; status?: string } };
    if (ev.kind === 'kernel.return' && ev.payload?.name === bug.call && ev.payload.status === bug.value) {
      hunks++;
      tids.add(ev.tid!);
    }
  }
  return { ...bug, hunks, threads: tids.size };
}

function lockstep(...args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/lockstep'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`lockstep ${args.join(' ')}: ${r.stderr}`);
}

const run = (name: string): { canary: string; ours: string } => ({ canary: join(dir, name, 'canary.jsonl'), ours: join(dir, name, 'ours.jsonl') });
let bugs: Record<number, BugShow> = {};

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-e2e-signatures-'));
  for (const [name, ids] of [
    ['run1', '1,2,3'],
    ['run2', '2,3,4'],
  ] as const) {
    lockstep('generate', '--out-dir', join(dir, name), '--events', '14000', '--threads', String(THREADS), '--divergences', '0', '--seed', SEED, '--bugs', ids);
  }
  bugs = Object.fromEntries([1, 2, 3, 4].map((id) => [id, bugShow(run(id === 1 ? 'run1' : 'run2').ours, id)]));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openLogs(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Open logs…' }).click();
  await page.getByLabel(/^canary/i).fill(run(name).canary);
  await page.getByLabel(/^ours/i).fill(run(name).ours);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('banner')).toContainText(run(name).ours);
}

const group = (page: Page, b: BugShow): Locator =>
  page
    .getByRole('list', { name: 'Signatures' })
    .locator(':scope > li')
    .filter({ hasText: `'${b.value}'` });

for (const scheme of ['light', 'dark'] as const) {
  test(`signature groups across threads, a baseline comparison with only-new filtering, mark as known (${scheme})`, async ({ page, serve }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(serve.url);
    await expect(page.getByRole('heading', { name: 'Per-thread summary' })).toBeVisible();

    // Yesterday's run, looked at once: its signatures are kept for later comparisons.
    await openLogs(page, 'run1');
    await page.keyboard.press('s');
    await expect(page.getByTestId('signature-counts')).toContainText('3 signatures');

    // Today's run: one group per bug, across the threads it shows in.
    await openLogs(page, 'run2');
    await expect(page.getByRole('tab', { name: /Signatures/ })).toHaveAttribute('aria-selected', 'false');
    await page.keyboard.press('s');
    await expect(page.getByRole('tab', { name: /Signatures/ })).toHaveAttribute('aria-selected', 'true');
    const total = bugs[2]!.hunks + bugs[3]!.hunks + bugs[4]!.hunks;
    await expect(page.getByTestId('signature-counts')).toHaveText(`3 signatures · ${total.toLocaleString('en-US')} hunks`);
    for (const id of [2, 3, 4]) {
      const b = bugs[id]!;
      const g = group(page, b);
      await expect(g).toHaveCount(1);
      await expect(g).toContainText(`payload.status of ${b.call}'s return differs`);
      await expect(g).toContainText(`${b.threads} ${b.threads === 1 ? 'thread' : 'threads'}, ${b.hunks} hunks`);
      await expect(g).toContainText(`replace kernel.return ${b.call}: payload.status '0x00000000' → '${b.value}'`);
    }
    await screenshot(page, `sig-1-groups-${scheme}`);

    // Compared with yesterday's run: bug 4 is new, 2 and 3 known, 1 fixed.
    await page.getByLabel('Earlier run').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Compare with run' }).click();
    await expect(page.getByTestId('baseline-label')).toContainText('canary.jsonl ↔ ours.jsonl, run of');
    await expect(page.getByTestId('signature-counts')).toContainText(`${bugs[4]!.hunks} new · ${bugs[2]!.hunks + bugs[3]!.hunks} known · 1 fixed`);
    await expect(group(page, bugs[4]!).locator('[data-baseline]')).toHaveText('new');
    await expect(group(page, bugs[2]!).locator('[data-baseline]')).toHaveText('known');
    await expect(group(page, bugs[3]!).locator('[data-baseline]')).toHaveText('known');
    await expect(group(page, bugs[1]!).locator('[data-baseline]')).toHaveText('fixed');
    await expect(group(page, bugs[1]!)).toContainText('not seen any more');
    await screenshot(page, `sig-2-baseline-${scheme}`);

    // Only what is new (n).
    await page.keyboard.press('n');
    await expect(page.getByRole('button', { name: /Only new/ })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('list', { name: 'Signatures' }).locator(':scope > li')).toHaveCount(1);
    await expect(group(page, bugs[4]!)).toHaveCount(1);
    await screenshot(page, `sig-3-only-new-${scheme}`);

    // Its hunks: one opens its pair at the hunk, the bug's event on ours' side; the pair's hunk list carries the marks.
    await page.keyboard.press('Enter');
    const hunkButtons = group(page, bugs[4]!).getByRole('list', { name: 'Hunks with this signature' }).getByRole('button');
    await expect(hunkButtons.first()).toBeVisible();
    const row = Number(await hunkButtons.first().getAttribute('data-row'));
    await hunkButtons.first().click();
    const selected = page.locator('[role="option"][aria-selected="true"]');
    await expect(selected).toHaveAttribute('data-position', String(row));
    await expect(selected).toHaveAttribute('data-status', 'differs');
    await expect(selected.locator('.half.ours')).toContainText(bugs[4]!.call);
    await page.keyboard.press('h');
    const current = page.getByRole('complementary', { name: 'Hunks of this pair' }).locator('li.current');
    await expect(current.locator('[data-baseline]')).toHaveText('new');
    await screenshot(page, `sig-4-hunk-list-${scheme}`);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('tab', { name: /Signatures/ })).toHaveAttribute('aria-selected', 'true');

    // Mark as known, with a note: a new baseline file beside the logs, holding what yesterday's run knew; then nothing is new.
    const file = join(dir, `known-${scheme}.json`);
    await group(page, bugs[4]!).getByRole('button', { name: 'Mark as known…' }).click();
    const form = page.getByRole('form', { name: 'Mark as known' });
    await form.getByRole('textbox', { name: /Why it is harmless/ }).fill('the title retries the call');
    await form.getByLabel('Baseline file to write to').fill(file);
    await screenshot(page, `sig-5-mark-known-${scheme}`);
    await form.getByRole('button', { name: 'Mark as known' }).click();
    await expect(page.getByText('Nothing new: every divergence of this run is in the baseline.')).toBeVisible();
    await expect(page.getByTestId('signature-counts')).toContainText(`0 new · ${total} known · 1 fixed`);
    await expect(page.getByTestId('baseline-label')).toHaveText(file);
    expect(existsSync(file)).toBe(true);
    const written = JSON.parse(readFileSync(file, 'utf8')) as { known: { text: string; note: string }[] };
    expect(written.known).toHaveLength(4);
    expect(written.known.at(-1)).toMatchObject({ note: 'the title retries the call', text: expect.stringContaining(bugs[4]!.value) });
    await page.keyboard.press('n');
    await expect(group(page, bugs[4]!).locator('[data-baseline]')).toHaveText('known');
    await expect(group(page, bugs[4]!)).toContainText('the title retries the call');
    await screenshot(page, `sig-6-known-${scheme}`);

    await page.setViewportSize({ width: 1024, height: 700 });
    // Nothing scrolls sideways at the smaller size.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, `sig-7-known-1024-${scheme}`);
    await page.keyboard.press('n');
    await screenshot(page, `sig-8-only-new-1024-${scheme}`);
  });
}
