// Triage that lasts, in a browser against the real `lockstep serve`: remap
// threads, bookmark divergences with notes, keep them across a restart, in a
// portable .lockstep file and past moved logs, and export every format.
// Expected numbers come from `bin/lockstep diff` run on the same files with
// the --tid-map the UI shows, never from what the UI itself computed.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Locator, Page } from '@playwright/test';
import { copyDemo, expect, lockstepDiff, parseSummary, screenshot, startServe, test, type SummaryRow } from './fixtures';

// --- the page, as a user sees it ----------------------------------------------

const pairRows = (page: Page): Locator => page.getByRole('table', { name: 'Thread pairs' }).locator('tbody tr');
const rowOf = (page: Page, canaryTid: string): Locator =>
  pairRows(page).filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${canaryTid}$`) }) });
const summaryHeading = (page: Page): Locator => page.getByRole('heading', { name: 'Per-thread summary' });
const mapping = (page: Page): Locator => page.getByRole('region', { name: 'Thread mapping' });
const thread = (page: Page, side: 'canary' | 'ours', tid: string): Locator =>
  mapping(page)
    .getByRole('group', { name: `${side} threads`, exact: true })
    .locator(`button.thread[data-tid="${tid}"]`);
const panel = (page: Page): Locator => page.getByRole('complementary', { name: 'Bookmarks' });
const bookmarkItem = (page: Page, title: string): Locator => panel(page).locator('li[data-bookmark-id]').filter({ hasText: title });
const selectedRow = (page: Page): Locator => page.locator('[role="option"][aria-selected="true"]');
const num = (s: string): number => Number(s.replace(/[,\s]/g, ''));

/** The summary table shows exactly these pairs, as the reference reports them. */
async function expectSummary(page: Page, rows: SummaryRow[], mappedBy: 'first call' | 'by hand'): Promise<void> {
  await expect(pairRows(page)).toHaveCount(rows.length);
  const diverging = rows.filter((r) => r.divergence !== null).length;
  await expect(page.getByTestId('summary-counts')).toContainText(`${rows.length} ${rows.length === 1 ? 'pair' : 'pairs'}`);
  await expect(page.getByTestId('summary-counts')).toContainText(`${diverging} ${diverging === 1 ? 'diverges' : 'diverge'}`);
  for (const [i, r] of rows.entries()) {
    const cells = pairRows(page).nth(i).locator('td');
    await expect(cells.nth(0)).toHaveText(r.canaryTid);
    await expect(cells.nth(1)).toHaveText(r.oursTid);
    expect(num(await cells.nth(2).innerText()), `matched of canary ${r.canaryTid}`).toBe(r.matched);
    expect(num(await cells.nth(3).innerText())).toBe(r.canaryTotal);
    expect(num(await cells.nth(4).innerText())).toBe(r.oursTotal);
    if (r.divergence === null) await expect(cells.nth(5)).toContainText('none');
    else {
      expect(num(await cells.nth(5).locator('.at').innerText()), `divergence of canary ${r.canaryTid}`).toBe(r.divergence);
      await expect(cells.nth(5)).toContainText(r.description!);
    }
    await expect(cells.nth(6)).toContainText(mappedBy);
  }
}

/** The --tid-map the mapping panel shows (what a user would copy). */
async function shownTidMap(page: Page): Promise<string> {
  return (await page.getByTestId('tid-map-arg').innerText()).trim();
}

/** The summary equals `lockstep diff --tid-map <the UI's text>` on the same logs. */
async function expectSummaryMatchesTidMap(page: Page, logs: { canary: string; ours: string }): Promise<string> {
  const tidMap = await shownTidMap(page);
  expect(tidMap).toMatch(/^(\d+=\d+)(,\d+=\d+)*$/);
  await expectSummary(page, parseSummary(lockstepDiff(logs.canary, logs.ours, { tidMap })), 'by hand');
  return tidMap;
}

/** From wherever the page is (the demo opens by itself on a first start): open these logs. */
async function openLogs(page: Page, logs: { canary: string; ours: string }): Promise<void> {
  const openButton = page.getByRole('button', { name: 'Open logs…' });
  const form = page.getByRole('heading', { name: 'Open two event logs' });
  await expect(openButton.or(form).first()).toBeVisible();
  if (await openButton.isVisible()) await openButton.click();
  await page.getByLabel(/^canary/i).fill(logs.canary);
  await page.getByLabel(/^ours/i).fill(logs.ours);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(summaryHeading(page)).toBeVisible();
  await expect(page.getByRole('banner')).toContainText(logs.canary);
}

/** The bookmarks panel, shown (it stays as the user left it, across screens). */
async function showBookmarks(page: Page): Promise<void> {
  if (!(await panel(page).isVisible())) await page.keyboard.press('m');
  await expect(panel(page)).toBeVisible();
}

async function showMapping(page: Page): Promise<void> {
  if (!(await mapping(page).isVisible())) await page.getByRole('button', { name: /^Thread mapping/ }).click();
  await expect(mapping(page)).toBeVisible();
}

/** Canary 6 (first call KeInitializeThread) paired by hand with ours 3, replacing canary 9's pair. */
async function remapSixToThree(page: Page): Promise<void> {
  await showMapping(page);
  await thread(page, 'canary', '6').click();
  await thread(page, 'ours', '3').click();
  await page
    .getByRole('alertdialog')
    .getByRole('button', { name: /^Replace/ })
    .click();
  await expect(page.getByTestId('map-changes')).toContainText('canary 6 was paired with ours 4; now with ours 3');
}

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const pending = page.waitForEvent('download');
  await click();
  const d: Download = await pending;
  return { name: d.suggestedFilename(), text: readFileSync((await d.path())!, 'utf8') };
}

async function exportAs(page: Page, label: string): Promise<{ name: string; text: string }> {
  await page.getByRole('button', { name: 'Export formats' }).click();
  const item = page.getByRole('menu', { name: 'Export formats' }).getByRole('menuitem', { name: new RegExp(`^${label}`) });
  return download(page, () => item.click());
}

/** Bookmark a pair's first divergence from the summary, with a title and a note; "saved" once the host has it. */
async function bookmarkDivergenceFromSummary(page: Page, canaryTid: string, title: string, note: string): Promise<void> {
  await rowOf(page, canaryTid)
    .getByRole('button', { name: /^Bookmark the first divergence/ })
    .click();
  const editor = page.getByRole('form', { name: 'New bookmark' });
  await expect(editor).toBeVisible();
  await editor.getByLabel('Title').fill(title);
  await editor.getByLabel('Note', { exact: true }).fill(note);
  await editor.getByRole('button', { name: 'Add bookmark' }).click();
  await expect(editor).toBeHidden();
  await expect(bookmarkItem(page, title).getByRole('status')).toHaveText('saved');
}

const NOTE = ['ours writes **changed** where canary has `0x00000000`.', '', '- check the NtQueryInformationFile handler', '- same status path as tid 9?'].join(
  '\n',
);

let work = '';
test.beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'lockstep-triage-'));
});
test.afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

// --- the tests ----------------------------------------------------------------

test('(a) remapping a thread by click, drag and keys recomputes the summary as lockstep diff --tid-map does', async ({ page, serve }) => {
  const logs = copyDemo(join(work, 'logs'));
  await page.goto(serve.url);
  await openLogs(page, logs);
  const automatic = parseSummary(lockstepDiff(logs.canary, logs.ours));
  await expectSummary(page, automatic, 'first call');

  // t shows the mapping under the summary; the first canary thread takes the focus.
  await page.keyboard.press('t');
  await expect(mapping(page)).toBeVisible();
  await expect(page.getByTestId('mapping-mode')).toHaveText(/automatic/);
  await expect(mapping(page).locator('button.thread').first()).toBeFocused();
  // Each thread says what it is compared with now, and why.
  for (const p of automatic) {
    await expect(thread(page, 'canary', p.canaryTid).getByTestId('partner')).toContainText(`→${p.oursTid}`);
    await expect(thread(page, 'canary', p.canaryTid).getByTestId('partner')).toContainText('first call');
    await expect(thread(page, 'ours', p.oursTid).getByTestId('partner')).toContainText(`←${p.canaryTid}`);
  }
  expect(await shownTidMap(page)).toBe(automatic.map((p) => `${p.canaryTid}=${p.oursTid}`).join(','));
  await screenshot(page, 'triage-a1-mapping-automatic');

  // Click canary 6, then ours 3: ours 3 is canary 9's partner, so the UI asks.
  await thread(page, 'canary', '6').click();
  await expect(thread(page, 'canary', '6')).toHaveAttribute('aria-pressed', 'true');
  await expect(mapping(page)).toContainText('choose the ours thread for canary 6');
  await thread(page, 'ours', '3').click();
  const question = page.getByRole('alertdialog');
  await expect(question).toContainText('ours 3 is already compared with canary 9');
  await expect(question.getByRole('button', { name: /^Replace/ })).toBeFocused();
  await screenshot(page, 'triage-a2-replace-or-keep-both');
  await question.getByRole('button', { name: /^Replace/ }).click();

  // The host's words for what happened, including to the old pair.
  const changes = page.getByTestId('map-changes');
  await expect(changes).toContainText('canary 6 was paired with ours 4; now with ours 3');
  await expect(changes).toContainText('canary 9 is no longer compared (it was paired with ours 3)');
  await expect(page.getByTestId('mapping-mode')).toHaveText(/by hand/);
  await expect(thread(page, 'canary', '9').getByTestId('partner')).toHaveText(/not compared/);
  await expect(thread(page, 'ours', '4').getByTestId('partner')).toHaveText(/not compared/);
  await expect(thread(page, 'canary', '6').getByTestId('partner')).toContainText('by hand');
  // The summary recomputed at once: the same as the reference with the shown --tid-map.
  let tidMap = await expectSummaryMatchesTidMap(page, logs);
  expect(tidMap.split(',')).toContain('6=3');
  expect(tidMap.split(',').some((x) => x.startsWith('9='))).toBe(false);
  await screenshot(page, 'triage-a3-remapped-summary');

  // Drag canary 9 onto the free ours 4: paired at once, nobody else affected.
  await thread(page, 'canary', '9').dragTo(thread(page, 'ours', '4'));
  await expect(changes).toHaveText(/canary 9 is now paired with ours 4/);
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  tidMap = await expectSummaryMatchesTidMap(page, logs);
  expect(tidMap.split(',')).toContain('9=4');

  // Keys: Enter picks canary 7, → goes to its partner (ours 5), Enter on ours 2 pairs; keep both.
  await thread(page, 'canary', '7').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowRight');
  await expect(thread(page, 'ours', '5')).toBeFocused();
  await thread(page, 'ours', '2').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alertdialog')).toContainText('ours 2 is already compared with canary 8');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('alertdialog').getByRole('button', { name: /^Keep both/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(changes).toContainText('canary 7 was paired with ours 5; now with ours 2');
  await expect(changes).toContainText('canary 8 stays paired with ours 2 too');
  await expect(thread(page, 'ours', '2').getByTestId('partner')).toContainText('shared');
  tidMap = await expectSummaryMatchesTidMap(page, logs);
  expect(tidMap.split(',')).toEqual(expect.arrayContaining(['7=2', '8=2']));

  // u unpairs the focused canary thread.
  await thread(page, 'canary', '10').focus();
  await page.keyboard.press('u');
  await expect(changes).toContainText('canary 10 is no longer paired (it was paired with ours 1)');
  tidMap = await expectSummaryMatchesTidMap(page, logs);
  expect(tidMap.split(',').some((x) => x.startsWith('10='))).toBe(false);
  await screenshot(page, 'triage-a4-after-drag-keys-unpair');

  // The context recomputes too: canary 6's pair is now with ours 3, by hand, with the reference's divergence.
  const six = parseSummary(lockstepDiff(logs.canary, logs.ours, { tidMap })).find((p) => p.canaryTid === '6')!;
  await rowOf(page, '6').click();
  await expect(page.getByRole('heading', { level: 2 }).filter({ hasText: 'canary' }).first()).toContainText('ours 3');
  await expect(page.getByText('mapped by hand')).toBeVisible();
  await expect(page.getByTestId('divergence')).toContainText(six.description!);
  await expect.poll(async () => Number(await selectedRow(page).getAttribute('data-position'))).toBe(six.divergence);
  await screenshot(page, 'triage-a5-context-of-remapped-pair');
  // A jump to a tid_event_idx the thread does not have says where it landed instead.
  await page.keyboard.press('g');
  await page.keyboard.type('999999');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: "no event with tid_event_idx 999999; showing the canary thread's last one" })).toBeVisible();
  // The row of canary's last event (in the aligned view, its row need not be its position).
  await expect(page.getByLabel('canary event JSON')).toContainText(`position ${six.canaryTotal - 1}`);

  // Back to automatic: the reference's own mapping again.
  await page.keyboard.press('Escape');
  await showMapping(page);
  await mapping(page).getByRole('button', { name: 'Back to automatic' }).click();
  await expect(changes).toContainText('back to the automatic mapping');
  await expect(page.getByTestId('mapping-mode')).toHaveText(/automatic/);
  await expectSummary(page, automatic, 'first call');
  expect(await shownTidMap(page)).toBe(automatic.map((p) => `${p.canaryTid}=${p.oursTid}`).join(','));
});

test('(b) a divergence bookmarked with a Markdown note; bookmarks are edited, deleted, opened, and listed apart when unmapped', async ({ page, serve }) => {
  const logs = copyDemo(join(work, 'logs'));
  const ref = parseSummary(lockstepDiff(logs.canary, logs.ours));
  const payloadPair = ref.find((p) => p.description?.startsWith('payload.'))!;
  const kindPair = ref.find((p) => p.description?.startsWith('kind:'))!;
  await page.goto(serve.url);
  await openLogs(page, logs);
  await expect(page.getByTestId('bookmark-count')).toHaveText('0');

  // From the summary: the pair's divergence button opens the editor, the title proposed from the divergence.
  await rowOf(page, payloadPair.canaryTid)
    .getByRole('button', { name: /^Bookmark the first divergence/ })
    .click();
  const editor = page.getByRole('form', { name: 'New bookmark' });
  await expect(editor).toBeVisible();
  await expect(editor.getByLabel('Title')).toBeFocused();
  await expect(editor.getByLabel('Title')).toHaveValue(`First divergence: ${payloadPair.description}`);
  await expect(editor).toContainText(`position ${payloadPair.divergence}`);
  await expect(editor).toContainText('first divergence');
  await editor.getByLabel('Title').fill('Status flips to "changed"');
  await editor.getByLabel('Note', { exact: true }).fill(NOTE);
  // The preview formats the Markdown (and nothing of the note runs as HTML).
  await editor.getByRole('tab', { name: 'Preview' }).click();
  await expect(editor.getByTestId('note-preview').locator('strong')).toHaveText('changed');
  await expect(editor.getByTestId('note-preview').locator('code')).toHaveText('0x00000000');
  await expect(editor.getByTestId('note-preview').locator('li')).toHaveCount(2);
  await screenshot(page, 'triage-b1-bookmark-editor-preview');
  await editor.getByRole('tab', { name: 'Write' }).click();
  await editor.getByLabel('Note', { exact: true }).press('Control+Enter');

  // Saved: only now listed, under its pair, with its place and the "saved" mark.
  const item = bookmarkItem(page, 'Status flips to "changed"');
  await expect(item.getByRole('status')).toHaveText('saved');
  await expect(page.getByTestId('bookmark-count')).toHaveText('1');
  const group = panel(page).getByRole('region', { name: `Bookmarks of canary ${payloadPair.canaryTid} → ours ${payloadPair.oursTid}` });
  await expect(group).toContainText('Status flips to "changed"');
  await expect(item).toContainText(`position ${payloadPair.divergence}`);
  await expect(item).toContainText('divergence');
  await expect(item).toContainText('ours writes changed where canary has');
  await screenshot(page, 'triage-b2-bookmark-saved');

  // From the context, by position (the reference's view, v): b on the divergence row, saved with Ctrl+Enter.
  await rowOf(page, kindPair.canaryTid).click();
  await page.getByRole('listbox').focus();
  await page.keyboard.press('v');
  await expect(page.getByRole('listbox')).toHaveAttribute('data-view', 'positional');
  await expect.poll(async () => Number(await selectedRow(page).getAttribute('data-position'))).toBe(kindPair.divergence);
  await page.keyboard.press('b');
  await expect(page.getByRole('form', { name: 'New bookmark' })).toBeVisible();
  await page.keyboard.press('End');
  await page.keyboard.type(' (call instead of return)');
  await page.keyboard.press('Control+Enter');
  const kindTitle = `First divergence: ${kindPair.description} (call instead of return)`;
  await expect(bookmarkItem(page, kindTitle).getByRole('status')).toHaveText('saved');
  await expect(selectedRow(page)).toHaveAttribute('data-bookmarked', 'true');
  // The focus went back to the rows: j moves on, and b with the button bookmarks a plain row.
  await page.keyboard.press('j');
  await expect.poll(async () => Number(await selectedRow(page).getAttribute('data-position'))).toBe(kindPair.divergence! + 1);
  await page.getByRole('button', { name: 'Bookmark', exact: true }).click();
  await page.getByRole('form', { name: 'New bookmark' }).getByLabel('Title').fill('throwaway');
  await page.getByRole('form', { name: 'New bookmark' }).getByRole('button', { name: 'Add bookmark' }).click();
  await expect(bookmarkItem(page, 'throwaway')).toBeVisible();
  await expect(page.getByTestId('bookmark-count')).toHaveText('3');
  await screenshot(page, 'triage-b3-context-with-bookmarks');

  // Edit: e on the entry, a new note, saved.
  await bookmarkItem(page, 'throwaway').locator('[data-open-bookmark]').focus();
  await page.keyboard.press('e');
  const edit = page.getByRole('form', { name: 'Edit bookmark' });
  await expect(edit.getByLabel('Title')).toHaveValue('throwaway');
  await edit.getByLabel('Note', { exact: true }).fill('to be deleted');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(bookmarkItem(page, 'throwaway').getByRole('status')).toHaveText('saved');
  await expect(bookmarkItem(page, 'throwaway')).toContainText('to be deleted');

  // Delete asks first: Keep keeps it, Delete removes it.
  await bookmarkItem(page, 'throwaway').hover();
  await bookmarkItem(page, 'throwaway').getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = page.getByRole('alertdialog', { name: /Delete the bookmark “throwaway”/ });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('button', { name: 'Keep' })).toBeFocused();
  await screenshot(page, 'triage-b4-delete-confirmation');
  await confirm.getByRole('button', { name: 'Keep' }).click();
  await expect(bookmarkItem(page, 'throwaway')).toBeVisible();
  await bookmarkItem(page, 'throwaway').locator('[data-open-bookmark]').focus();
  await page.keyboard.press('Delete');
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(bookmarkItem(page, 'throwaway')).toHaveCount(0);
  await expect(page.getByTestId('bookmark-count')).toHaveText('2');

  // Opening a bookmark opens its pair at its row.
  await bookmarkItem(page, 'Status flips to "changed"').locator('[data-open-bookmark]').click();
  await expect(page.getByTestId('divergence')).toContainText(payloadPair.description!);
  await expect.poll(async () => Number(await selectedRow(page).getAttribute('data-position'))).toBe(payloadPair.divergence);

  // m hides and shows the panel.
  await page.getByRole('listbox').focus();
  await page.keyboard.press('m');
  await expect(panel(page)).toBeHidden();
  await page.keyboard.press('m');
  await expect(panel(page)).toBeVisible();

  // Unpair the payload pair's canary thread: its bookmark is listed apart and cannot be opened; back to automatic, it returns.
  await page.keyboard.press('Escape'); // the panel closes
  await page.keyboard.press('Escape'); // back to the summary
  await expect(summaryHeading(page)).toBeVisible();
  await showMapping(page);
  await mapping(page)
    .getByRole('button', { name: `Unpair canary ${payloadPair.canaryTid}` })
    .click();
  await page.getByRole('button', { name: /^Bookmarks/ }).click();
  const loose = panel(page).getByRole('region', { name: 'Bookmarks on threads not compared now' });
  await expect(loose).toContainText('Status flips to "changed"');
  await expect(loose).toContainText(`${payloadPair.canaryTid} → ${payloadPair.oursTid}`);
  await expect(loose.locator('[data-open-bookmark]')).toBeDisabled();
  await screenshot(page, 'triage-b5-bookmark-of-unmapped-thread');
  await mapping(page).getByRole('button', { name: 'Back to automatic' }).click();
  await expect(loose).toHaveCount(0);
  await expect(panel(page).getByRole('region', { name: `Bookmarks of canary ${payloadPair.canaryTid} → ours ${payloadPair.oursTid}` })).toContainText(
    'Status flips',
  );
});

test('(c) after a restart on the same data dir, the recent session comes back with its mapping, bookmark and note', async ({ page, serve, dataDir }) => {
  const logs = copyDemo(join(work, 'logs'));
  await page.goto(serve.url);
  await openLogs(page, logs);
  await remapSixToThree(page);
  const tidMap = await shownTidMap(page);
  await bookmarkDivergenceFromSummary(page, '6', 'Six against three', NOTE);
  await screenshot(page, 'triage-c1-before-restart');

  await serve.stop();
  const host = await startServe(dataDir);
  try {
    await page.goto(host.url);
    await expect(page.getByRole('heading', { name: 'Recent sessions' })).toBeVisible();
    await screenshot(page, 'triage-c2-recent-after-restart');
    await page.getByRole('button', { name: new RegExp(`Reopen .*${logs.canary.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`) }).click();
    await expect(summaryHeading(page)).toBeVisible();

    // The mapping: by hand, the same --tid-map, the summary as the reference computes it.
    await showMapping(page);
    await expect(page.getByTestId('mapping-mode')).toHaveText(/by hand/);
    expect(await shownTidMap(page)).toBe(tidMap);
    await expectSummaryMatchesTidMap(page, logs);
    // The bookmark and its note, word for word.
    await showBookmarks(page);
    const item = bookmarkItem(page, 'Six against three');
    await expect(item).toContainText('ours writes changed where canary has');
    await expect(panel(page).getByRole('region', { name: 'Bookmarks of canary 6 → ours 3' })).toContainText('Six against three');
    await item.hover();
    await item.getByRole('button', { name: 'Edit', exact: true }).click();
    await expect(page.getByRole('form', { name: 'Edit bookmark' }).getByLabel('Note', { exact: true })).toHaveValue(NOTE);
    await screenshot(page, 'triage-c3-reopened-after-restart');
  } finally {
    await host.stop();
  }
});

test('(d) a saved .lockstep file opens in a fresh host with every bookmark, note and the mapping', async ({ page, serve }) => {
  const logs = copyDemo(join(work, 'logs'));
  await page.goto(serve.url);
  await openLogs(page, logs);
  await remapSixToThree(page);
  const tidMap = await shownTidMap(page);
  await bookmarkDivergenceFromSummary(page, '6', 'Six against three', NOTE);
  await bookmarkDivergenceFromSummary(page, '8', 'Status field', 'only the `status` differs');
  // Allocators compared raw in this session: the file keeps that too.
  await page.getByRole('switch', { name: 'canonical allocators' }).click();
  await expect(page.getByRole('switch', { name: 'canonical allocators' })).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByTestId('summary-counts')).toContainText('allocators compared raw');
  await expectSummary(page, parseSummary(lockstepDiff(logs.canary, logs.ours, { tidMap, canonicalize: false })), 'by hand');

  // Save session as: a path field, proposing a file beside the logs.
  await page.getByRole('button', { name: 'Save session as…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save session as' });
  await expect(dialog).toBeVisible();
  const path = dialog.getByLabel('Path on the host');
  await expect(path).toHaveValue(join(work, 'logs', 'canary-ours.lockstep'));
  await expect(dialog).toContainText('2 bookmarks');
  await screenshot(page, 'triage-d1-save-session-dialog');
  const file = join(work, 'triage.lockstep');
  await path.fill(file);
  await path.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('banner').getByRole('status')).toContainText(`Session saved to ${file}`);
  expect(existsSync(file)).toBe(true);

  // A fresh host, a new empty data dir: only the file and the logs.
  const freshDir = mkdtempSync(join(tmpdir(), 'lockstep-e2e-fresh-'));
  const host = await startServe(freshDir);
  try {
    await page.goto(host.url);
    await openSessionFile(page, file);
    await expect(summaryHeading(page)).toBeVisible();
    await expect(page.getByRole('banner')).toContainText(logs.canary);
    await expect(page.getByRole('banner').getByRole('status')).toContainText('2 bookmarks');
    await expect(page.getByRole('switch', { name: 'canonical allocators' })).toHaveAttribute('aria-checked', 'false');
    await showMapping(page);
    expect(await shownTidMap(page)).toBe(tidMap);
    await expectSummary(page, parseSummary(lockstepDiff(logs.canary, logs.ours, { tidMap, canonicalize: false })), 'by hand');
    await showBookmarks(page);
    await expect(page.getByTestId('bookmark-count')).toHaveText('2');
    for (const [title, note] of [
      ['Six against three', NOTE],
      ['Status field', 'only the `status` differs'],
    ] as const) {
      const item = bookmarkItem(page, title);
      await item.hover();
      await item.getByRole('button', { name: 'Edit', exact: true }).click();
      await expect(page.getByRole('form', { name: 'Edit bookmark' }).getByLabel('Note', { exact: true })).toHaveValue(note);
      await page.keyboard.press('Escape');
    }
    await screenshot(page, 'triage-d2-opened-in-fresh-host');
  } finally {
    await host.stop();
    rmSync(freshDir, { recursive: true, force: true });
  }
});

async function openSessionFile(page: Page, file: string): Promise<void> {
  const openButton = page.getByRole('button', { name: 'Open logs…' });
  const form = page.getByRole('heading', { name: 'Open two event logs' });
  await expect(openButton.or(form).first()).toBeVisible();
  if (await openButton.isVisible()) await openButton.click();
  await page.getByLabel('Session file').fill(file);
  await page.getByRole('button', { name: 'Open session' }).click();
}

test('(e) a moved log and a changed one: the prompt names each, takes the new path, and the session opens with its bookmarks', async ({ page, serve }) => {
  const logs = copyDemo(join(work, 'logs'));
  await page.goto(serve.url);
  await openLogs(page, logs);
  await remapSixToThree(page);
  const tidMap = await shownTidMap(page);
  await bookmarkDivergenceFromSummary(page, '6', 'Six against three', NOTE);
  const file = join(work, 'moving.lockstep');
  // Ctrl+Shift+S: the same dialog as the header's button.
  await page.keyboard.press('Control+Shift+S');
  await expect(page.getByRole('dialog', { name: 'Save session as' })).toBeVisible();
  await page.getByLabel('Path on the host').fill(file);
  await page.getByLabel('Path on the host').press('Enter');
  await expect(page.getByRole('banner').getByRole('status')).toContainText('Session saved');

  // The canary log moves away; the ours log is edited in place (one value, same length).
  const moved = join(work, 'elsewhere', 'canary-renamed.jsonl');
  mkdirSync(join(work, 'elsewhere'));
  renameSync(logs.canary, moved);
  const oursText = readFileSync(logs.ours, 'utf8');
  const edited = oursText.replace(
    /"wait_duration_cycles": (\d)(\d*)/,
    (_m, a: string, rest: string) => `"wait_duration_cycles": ${a === '9' ? '1' : String(Number(a) + 1)}${rest}`,
  );
  expect(edited).not.toBe(oursText);
  writeFileSync(logs.ours, edited);

  await openSessionFile(page, file);
  const prompt = page.getByTestId('locate');
  await expect(prompt).toBeVisible();
  await expect(prompt.getByRole('heading')).toHaveText(
    'The canary log is not where the session left it, and the ours log has changed since the session was saved',
  );
  await expect(prompt.locator('[data-side="canary"]')).toHaveAttribute('data-state', 'missing');
  await expect(prompt.locator('[data-side="canary"]')).toContainText(logs.canary);
  await expect(prompt.locator('[data-side="ours"]')).toHaveAttribute('data-state', 'changed');
  await expect(prompt.getByLabel(/New path of the canary log/)).toBeFocused();
  // The changed log is offered as it is: its path is already in its field.
  await expect(prompt.locator('#locate-ours')).toHaveValue(logs.ours);
  await screenshot(page, 'triage-e1-locate-prompt');

  // A wrong new path: still not found, said so.
  await prompt.getByLabel(/New path of the canary log/).fill(join(work, 'nowhere.jsonl'));
  await prompt.getByRole('button', { name: /^Open with/ }).click();
  await expect(page.getByTestId('locate').locator('[data-side="canary"]')).toContainText('still not found');
  await expect(page.getByTestId('locate').locator('[data-side="canary"]')).toContainText(join(work, 'nowhere.jsonl'));

  // The right one, and the changed ours accepted: the session opens, bookmark and mapping kept.
  await page
    .getByTestId('locate')
    .getByLabel(/New path of the canary log/)
    .fill(moved);
  await page
    .getByTestId('locate')
    .getByRole('button', { name: /^Open with/ })
    .click();
  await expect(summaryHeading(page)).toBeVisible();
  await expect(page.getByRole('banner')).toContainText(moved);
  await showMapping(page);
  expect(await shownTidMap(page)).toBe(tidMap);
  await expectSummary(page, parseSummary(lockstepDiff(moved, logs.ours, { tidMap })), 'by hand');
  await showBookmarks(page);
  await expect(bookmarkItem(page, 'Six against three')).toContainText('ours writes changed where canary has');
  await screenshot(page, 'triage-e2-located-and-opened');
});

test('(f) every export format: reference Markdown byte for byte, notes under their pair, HTML without script, JSON with the bookmark', async ({
  page,
  serve,
}) => {
  const logs = copyDemo(join(work, 'logs'));
  await page.goto(serve.url);
  await openLogs(page, logs);
  await remapSixToThree(page);
  const tidMap = await shownTidMap(page);
  const ref = parseSummary(lockstepDiff(logs.canary, logs.ours, { tidMap }));
  const payloadPair = ref.find((p) => p.description?.startsWith('payload.'))!;
  const field = /^payload\.([^:]+):/.exec(payloadPair.description!)![1]!;
  const title = 'Status <b>flips</b>';
  await bookmarkDivergenceFromSummary(page, payloadPair.canaryTid, title, NOTE);
  await page.keyboard.press('m'); // hide the panel
  await expect(panel(page)).toBeHidden();

  await page.getByRole('button', { name: 'Export formats' }).click();
  await expect(page.getByRole('menu', { name: 'Export formats' }).getByRole('menuitem')).toHaveCount(4);
  await screenshot(page, 'triage-f1-export-menu');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);

  // Reference Markdown: exactly what lockstep diff prints for these logs and this --tid-map.
  const md = await exportAs(page, 'Reference Markdown');
  expect(md.name).toMatch(/\.md$/);
  expect(md.text).toBe(lockstepDiff(logs.canary, logs.ours, { tidMap }));
  // The split button's main half exports the same.
  const again = await download(page, () => page.getByRole('button', { name: 'Export report', exact: true }).click());
  expect(again.text).toBe(md.text);

  // Annotated Markdown: the reference's text, and the bookmark with its note under its pair.
  const annotated = await exportAs(page, 'Markdown with notes');
  expect(annotated.name).toMatch(/\.md$/);
  const start = annotated.text.indexOf(`## canary_tid=${payloadPair.canaryTid} → ours_tid=${payloadPair.oursTid}`);
  expect(start).toBeGreaterThan(0);
  const next = annotated.text.indexOf('\n## ', start + 1);
  const section = annotated.text.slice(start, next < 0 ? undefined : next);
  expect(section).toContain(`### Bookmarks and notes (canary_tid=${payloadPair.canaryTid} → ours_tid=${payloadPair.oursTid})`);
  expect(section).toContain(`**${title}**`);
  for (const line of NOTE.split('\n').filter((l) => l.trim())) expect(section).toContain(line);
  expect(annotated.text).toContain(`--tid-map ${tidMap}`);

  // HTML: the differing field highlighted, the title escaped, no script.
  const html = await exportAs(page, 'HTML page');
  expect(html.name).toMatch(/\.html$/);
  expect(html.text).toMatch(new RegExp(`<tr class="hl"><td class="key mono">payload\\.${field}</td>`));
  expect(html.text).toContain('Status &lt;b&gt;flips&lt;/b&gt;');
  expect(html.text).toContain('<strong>changed</strong>');
  expect(html.text.toLowerCase()).not.toContain('<script');

  // JSON: parses, carries the mapping and the bookmark under its pair.
  const json = await exportAs(page, 'JSON');
  expect(json.name).toMatch(/\.json$/);
  const doc = JSON.parse(json.text) as {
    session: { tidMap: string; mapping: string };
    pairs: {
      canaryTid: number;
      oursTid: number;
      bookmarks: { title: string; note: string; canaryPosition: number; oursPosition: number; atDivergence: boolean }[];
    }[];
  };
  expect(doc.session.tidMap).toBe(tidMap);
  expect(doc.session.mapping).toBe('manual');
  const pair = doc.pairs.find((p) => String(p.canaryTid) === payloadPair.canaryTid)!;
  expect(pair.bookmarks).toEqual([
    expect.objectContaining({ title, note: NOTE, canaryPosition: payloadPair.divergence, oursPosition: payloadPair.divergence, atDivergence: true }),
  ]);
  await screenshot(page, 'triage-f2-exported');
});

test('(g) dark theme: the mapping and the bookmarks read well', async ({ page, serve }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  const logs = copyDemo(join(work, 'logs'));
  await page.goto(serve.url);
  await openLogs(page, logs);
  await remapSixToThree(page);
  await bookmarkDivergenceFromSummary(page, '8', 'Status field', NOTE);
  await thread(page, 'canary', '9').click();
  await screenshot(page, 'triage-g1-dark-summary-mapping-bookmarks');
  await rowOf(page, '8').click();
  await expect(selectedRow(page)).toHaveAttribute('data-bookmarked', 'true');
  await screenshot(page, 'triage-g2-dark-context-bookmarks');
});
