// The signatures view's state on a real host: groups arrive in pages, a
// baseline (an earlier run of the same title) marks them, "only new" keeps
// the new ones, a group's hunks open their pair at the hunk, and "mark as
// known" writes a baseline file that the session then compares with.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePair, plannedBug } from '../../src/main/generator/generateLogs';
import { connectBackend } from '../../src/renderer/lib/backend';
import { WorkbenchState } from '../../src/renderer/lib/workbench.svelte';
import { inProcessTransport, temporaryWorkbench } from '../support/inProcessTransport';

const SEED = 'renderer-signatures';
const dir = mkdtempSync(join(tmpdir(), 'renderer-signatures-'));
let wb: ReturnType<typeof temporaryWorkbench>;
const logs = (run: string): { canary: string; ours: string } => ({ canary: join(dir, run, 'canary.jsonl'), ours: join(dir, run, 'ours.jsonl') });

beforeAll(() => {
  for (const [run, bugs] of [
    ['run1', [1, 2]],
    ['run2', [2, 3]],
  ] as const) {
    mkdirSync(join(dir, run));
    generatePair(logs(run).canary, logs(run).ours, {
      seed: SEED,
      eventsPerThread: 800,
      threads: 4,
      profile: 'realistic',
      divergences: 0,
      bugs: bugs.map((id) => plannedBug(SEED, id, 4)),
    });
  }
  wb = temporaryWorkbench();
  connectBackend(inProcessTransport(wb.workbench));
});
afterAll(() => {
  wb.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('SignatureTriage', () => {
  it('groups, a baseline from an earlier run, only new, a hunk opened, mark as known', async () => {
    const state = new WorkbenchState();
    await state.open(logs('run1').canary, logs('run1').ours);
    await state.triage!.load();
    expect(state.triage!.counts?.signatures).toBe(2);
    // Today's run: same title (the logs' names), bug 1 fixed, bug 3 new.
    await state.open(logs('run2').canary, logs('run2').ours);
    const t = state.triage!;
    await t.load();
    expect(t.groups.map((g) => g.baseline)).toEqual([null, null]);
    await t.loadRuns();
    expect(t.runs).toHaveLength(1);
    expect(await t.compareWith({ run: t.runs[0]! })).toBe(true);
    expect(t.baseline).toMatchObject({ kind: 'run', entries: 2 });
    expect(state.session?.baseline).toEqual(t.baseline);
    expect(t.groups.map((g) => g.baseline).sort()).toEqual(['fixed', 'known', 'new']);
    const bug3 = plannedBug(SEED, 3, 4);
    await t.setOnly('new');
    expect(t.groups).toHaveLength(1);
    expect(t.groups[0]!.text).toContain(`'${bug3.value}'`);
    expect(t.counts!.new).toBe(t.groups[0]!.hunks);

    await t.toggleHunks(t.groups[0]!.id);
    expect(t.hunks.length).toBe(Math.min(50, t.groups[0]!.hunks));
    const h = t.hunks[0]!;
    const viewer = state.openPair(h.pairKey, { view: 'aligned', row: h.row })!;
    expect(state.screen).toBe('context');
    expect(viewer.selected).toBe(h.row);

    const path = join(dir, 'known.json');
    expect(await t.markKnown(t.groups[0]!.id, 'the title retries')).toMatch(/^choose a baseline file/);
    expect(await t.markKnown(t.groups[0]!.id, 'the title retries', path)).toBeNull();
    expect(t.baseline).toMatchObject({ kind: 'curated', path, entries: 3 });
    expect(state.session?.baseline?.path).toBe(path);
    expect(t.groups).toHaveLength(0); // only new: nothing is
    expect(t.counts!.new).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8')).known.at(-1)).toMatchObject({ note: 'the title retries', text: expect.stringContaining(bug3.value) });
  });
});
