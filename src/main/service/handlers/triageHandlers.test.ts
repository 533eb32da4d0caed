// Triage across runs in the workbench service, with real logs, real SQLite and
// real files: the hunks of every pair grouped by signature (each group what
// one engine bug did, counted from the logs themselves), a group's hunks each
// opening its pair at the hunk, a baseline from a file or from an earlier run
// of the same title, "mark as known" written to the user's file, the choice
// kept across a restart, a baseline file edited on disk noticed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestArg, RequestName, RequestResult } from '../../../shared/api';
import { generatePair, plannedBug, type Bug } from '../../generator/generateLogs';
import { readBaseline } from '../../triage/baselineFile';
import { Workbench } from '../workbench';

const SEED = 'triage-service';
const THREADS = 5;
const dir = mkdtempSync(join(tmpdir(), 'triage-service-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bug = (id: number): Bug => plannedBug(SEED, id, THREADS);
const run = (name: string): { canary: string; ours: string } => ({ canary: join(dir, name, 'canary.jsonl'), ours: join(dir, name, 'ours.jsonl') });

/** Ours' lines carrying a bug's wrong status: each one hunk of its own. */
function bugLines(ours: string, b: Bug): number[] {
  const out: number[] = [];
  readFileSync(ours, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (!text.trim()) return;
      const ev = JSON.parse(text) as { kind?: string; payload?: { name?: string; status?: string } };
      if (ev.kind === 'kernel.return' && ev.payload?.name === b.call && ev.payload.status === b.value) out.push(i + 1);
    });
  return out;
}

async function call<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await w.handle(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

const data = join(dir, 'data');
let w: Workbench;
let yesterday: string;
let today: string;

beforeAll(async () => {
  for (const [name, bugs] of [
    ['run1', [1, 2, 3]],
    ['run2', [2, 3, 4]],
  ] as const) {
    mkdirSync(join(dir, name));
    generatePair(run(name).canary, run(name).ours, {
      seed: SEED,
      eventsPerThread: 1200,
      threads: THREADS,
      profile: 'realistic',
      divergences: 0,
      bugs: bugs.map(bug),
    });
  }
  w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
  yesterday = (await call(w, 'session/open', { jobId: 'y', canaryPath: run('run1').canary, oursPath: run('run1').ours })).id;
  // Looking at yesterday's signatures keeps its run for later comparisons.
  await call(w, 'triage/groups', { sessionId: yesterday, from: 0, count: 10 });
  today = (await call(w, 'session/open', { jobId: 't', canaryPath: run('run2').canary, oursPath: run('run2').ours })).id;
});
afterAll(() => w?.close());

describe('signature groups', () => {
  it('one group per engine bug, its hunks and threads counted from the logs; answers are pages', async () => {
    const page = await call(w, 'triage/groups', { sessionId: today, from: 0, count: 2 });
    const all = await call(w, 'triage/groups', { sessionId: today, from: 0, count: 500 });
    expect(page.groups).toEqual(all.groups.slice(0, 2));
    expect(all.total).toBe(3);
    const expected = [2, 3, 4].map((id) => ({ b: bug(id), lines: bugLines(run('run2').ours, bug(id)) }));
    expect(all.counts).toEqual({ signatures: 3, hunks: expected.reduce((n, e) => n + e.lines.length, 0), new: 0, known: 0, fixed: 0 });
    for (const { b, lines } of expected) {
      const g = all.groups.find((x) => x.text.includes(`'${b.value}'`))!;
      expect(g.title).toBe(`payload.status of ${b.call}'s return differs`);
      expect(g.hunks).toBe(lines.length);
      expect(g.baseline).toBeNull();
    }
    // Most hunks first.
    expect(all.groups.map((g) => g.hunks)).toEqual([...all.groups.map((g) => g.hunks)].sort((a, b) => b - a));
  });

  it("a group's hunks open their pair at the hunk: the row there is the bug's event", async () => {
    const all = await call(w, 'triage/groups', { sessionId: today, from: 0, count: 500 });
    const b = bug(4);
    const g = all.groups.find((x) => x.text.includes(`'${b.value}'`))!;
    const lines = new Set(bugLines(run('run2').ours, b));
    const first = await call(w, 'triage/group-hunks', { sessionId: today, signatureId: g.id, from: 0, count: 3 });
    const rest = await call(w, 'triage/group-hunks', { sessionId: today, signatureId: g.id, from: 3, count: 500 });
    expect(first.total).toBe(g.hunks);
    expect(first.hunks).toHaveLength(Math.min(3, g.hunks));
    const hunks = [...first.hunks, ...rest.hunks];
    expect(hunks).toHaveLength(g.hunks);
    expect(new Set(hunks.map((h) => h.pairKey)).size).toBe(g.pairs);
    for (const h of hunks) {
      const rows = await call(w, 'diff/rows', { sessionId: today, pairKey: h.pairKey, view: 'aligned', from: h.row, count: 1 });
      expect(rows.rows[0]!.status).toBe('differs');
      expect(lines.has(rows.rows[0]!.ours!.line)).toBe(true);
    }
  });
});

describe('comparing with a baseline', () => {
  it('an earlier run of the same title: new, known and fixed, and the filter that shows only the new', async () => {
    const runs = (await call(w, 'triage/runs', { sessionId: today })).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ sessionId: yesterday, canaryPath: run('run1').canary, oursPath: run('run1').ours, signatures: 3 });
    const r = runs[0]!;
    const set = await call(w, 'triage/baseline', {
      sessionId: today,
      run: { sessionId: r.sessionId, canaryFingerprint: r.canaryFingerprint, oursFingerprint: r.oursFingerprint },
    });
    expect(set.baseline).toMatchObject({ kind: 'run', path: null, entries: 3, error: null });
    const all = await call(w, 'triage/groups', { sessionId: today, from: 0, count: 500 });
    const n = (id: number): number => bugLines(run('run2').ours, bug(id)).length;
    expect(all.counts).toMatchObject({ new: n(4), known: n(2) + n(3), fixed: 1 });
    const fixed = all.groups.filter((g) => g.baseline === 'fixed');
    expect(fixed).toHaveLength(1);
    expect(fixed[0]!.text).toContain(`kernel.return ${bug(1).call}`);
    const onlyNew = await call(w, 'triage/groups', { sessionId: today, from: 0, count: 500, only: 'new' });
    expect(onlyNew.total).toBe(1);
    expect(onlyNew.groups[0]).toMatchObject({ baseline: 'new', hunks: n(4) });
    expect(onlyNew.groups[0]!.text).toContain(`'${bug(4).value}'`);
    // The pair's hunk list carries the same marks.
    const g = onlyNew.groups[0]!;
    const one = (await call(w, 'triage/group-hunks', { sessionId: today, signatureId: g.id, from: 0, count: 1 })).hunks[0]!;
    const listed = await call(w, 'diff/hunks', { sessionId: today, pairKey: one.pairKey, from: 0, count: 500 });
    for (const h of listed.hunks) expect(h.baseline).toBe(h.signature.id === g.id ? 'new' : 'known');
  });

  it('mark as known with a note: a new curated file holding what the run knew and the note, which becomes the baseline', async () => {
    const target = join(dir, 'known.json');
    const g = (await call(w, 'triage/groups', { sessionId: today, from: 0, count: 1, only: 'new' })).groups[0]!;
    const marked = await call(w, 'triage/mark-known', { sessionId: today, signatureId: g.id, note: 'the title retries on this status', path: target });
    expect(marked).toMatchObject({ path: target, created: true, baseline: { kind: 'curated', path: target, entries: 4, error: null } });
    const file = readBaseline(target);
    expect(file.entries.map((e) => e.note)).toEqual([
      expect.stringMatching(/^seen in /),
      expect.stringMatching(/^seen in /),
      expect.stringMatching(/^seen in /),
      'the title retries on this status',
    ]);
    const after = await call(w, 'triage/groups', { sessionId: today, from: 0, count: 500 });
    expect(after.counts.new).toBe(0);
    expect(after.counts.fixed).toBe(1); // bug 1, carried over from the run
    expect(after.groups.find((x) => x.id === g.id)).toMatchObject({ baseline: 'known', note: 'the title retries on this status' });
    // Marked again (another note): written to the same file, its entry's note replaced.
    await call(w, 'triage/mark-known', { sessionId: today, signatureId: g.id, note: 'harmless: retried' });
    expect(
      readBaseline(target)
        .entries.filter((e) => e.signature === g.id)
        .map((e) => e.note),
    ).toEqual(['harmless: retried']);
  });

  it('the chosen baseline is kept with the session: a restart compares with it again', async () => {
    w.close();
    w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
    const s = await call(w, 'session/open', { jobId: 't2', canaryPath: run('run2').canary, oursPath: run('run2').ours });
    expect(s.id).toBe(today);
    expect(s.baseline).toMatchObject({ kind: 'curated', path: join(dir, 'known.json'), error: null });
    expect((await call(w, 'triage/groups', { sessionId: today, from: 0, count: 500 })).counts.new).toBe(0);
  });

  it('a baseline file changed on disk is read again; one that no longer reads says so in one line, and nothing is marked', async () => {
    const target = join(dir, 'known.json');
    const kept = readFileSync(target, 'utf8');
    const g = (await call(w, 'triage/groups', { sessionId: today, from: 0, count: 500 })).groups.find((x) => x.baseline === 'known')!;
    const without = JSON.parse(kept) as { known: { signature: string }[] };
    without.known = without.known.filter((e) => e.signature !== g.id);
    writeFileSync(target, JSON.stringify(without, null, 2));
    const edited = await call(w, 'triage/groups', { sessionId: today, from: 0, count: 500 });
    expect(edited.groups.find((x) => x.id === g.id)?.baseline).toBe('new');
    writeFileSync(target, kept.replace('"version": 1,', '"version": 1'));
    const broken = await call(w, 'triage/groups', { sessionId: today, from: 0, count: 500 });
    expect(broken.baseline?.error).toMatch(new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4: not valid JSON`));
    expect(broken.groups.every((x) => x.baseline === null)).toBe(true);
    // Mark as known never writes over a file it cannot read.
    const r = await w.handle('triage/mark-known', { sessionId: today, signatureId: g.id, note: 'n', path: target });
    expect(r).toMatchObject({ ok: false, error: { code: 'input', message: expect.stringMatching(/:4: not valid JSON/) } });
    expect(readFileSync(target, 'utf8')).toBe(kept.replace('"version": 1,', '"version": 1'));
    writeFileSync(target, kept);
  });

  it('refuses what it cannot do, in words: no file to write to, an unknown signature, a report as the file', async () => {
    await call(w, 'triage/baseline', { sessionId: today });
    const g = (await call(w, 'triage/groups', { sessionId: today, from: 0, count: 1 })).groups[0]!;
    expect(await w.handle('triage/mark-known', { sessionId: today, signatureId: g.id, note: 'n' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/^choose a baseline file/) },
    });
    expect(await w.handle('triage/mark-known', { sessionId: today, signatureId: '000000000000', note: 'n', path: join(dir, 'x.json') })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    const report = join(dir, 'report.json');
    await call(w, 'session/open', { jobId: 'y2', canaryPath: run('run1').canary, oursPath: run('run1').ours });
    const exported = await call(w, 'report/export', { sessionId: yesterday, format: 'json', path: report });
    expect(exported.path).toBe(report);
    expect(await w.handle('triage/mark-known', { sessionId: today, signatureId: g.id, note: 'n', path: report })).toMatchObject({
      ok: false,
      error: { code: 'input', message: expect.stringMatching(/a JSON report, not a curated baseline/) },
    });
    // The report itself is a fine baseline: yesterday's signatures.
    await call(w, 'triage/baseline', { sessionId: today, path: report });
    expect((await call(w, 'triage/groups', { sessionId: today, from: 0, count: 500 })).counts).toMatchObject({
      new: bugLines(run('run2').ours, bug(4)).length,
      fixed: 1,
    });
  });
});
