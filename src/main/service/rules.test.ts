// The session's rules through the real service: a change recomputes the
// summary from the index (progress, a cancel that leaves things as they
// were), the export is what `lockstep diff --rules` prints, and the rules are
// saved with the session and in its file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events, RequestArg, RequestName, RequestResult, RulesData, SessionView } from '../../shared/api';
import { generatePair } from '../generator/generateLogs';
import { Workbench } from './workbench';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'bin/lockstep');
const built = existsSync(join(ROOT, 'out/main/cli.js'));
const dir = mkdtempSync(join(tmpdir(), 'rules-service-'));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  // Thread 0 differs only in a field its events gain in ours; thread 1 by an inserted event.
  const edits = new Map([
    [0, [{ at: 300, op: 'change' as const, count: 1 }]],
    [1, [{ at: 500, op: 'insert' as const, count: 1 }]],
  ]);
  generatePair(canary, ours, { seed: 'rules-service', eventsPerThread: 2000, threads: 3, profile: 'realistic', divergences: 0, edits });
});

async function call<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await w.handle(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

/** Leave out the field the changed events gained. */
function changeSkipped(s: SessionView): RulesData {
  return { ...s.rules.rules, skip: [...s.rules.rules.skip, { kind: '*', path: 'payload.lockstep_changed' }] };
}

const summary = (s: SessionView): unknown => s.pairs.map((p) => [p.key, p.matched, p.divergence?.position ?? null, p.alignment.hunks]);

describe('rules in the workbench', () => {
  let w: Workbench;
  let s: SessionView;
  const data = join(dir, 'data');

  beforeAll(async () => {
    w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
    s = await call(w, 'session/open', { jobId: 'open', canaryPath: canary, oursPath: ours });
  });
  afterAll(() => w.close());

  it("start as the reference's, with the reference's own marked and the logs' kinds to choose from", () => {
    expect(s.rules.differences).toEqual([]);
    expect(s.rules.rules).toEqual(s.rules.reference);
    expect(s.rules.reference.skip).toContainEqual({ kind: 'wait.end', path: 'payload.wait_duration_cycles' });
    expect(s.rules.kinds).toEqual(expect.arrayContaining(['kernel.call', 'kernel.return', 'wait.end']));
    expect(s.rules.text).toContain('allocator RtlAllocateHeap');
  });

  it('a change recomputes the summary from the index, with progress, and the export is what lockstep diff --rules prints', async () => {
    const progress: Events['rules/progress'][] = [];
    const off = w.onEvent((e, p) => {
      if (e === 'rules/progress') progress.push(p as Events['rules/progress']);
    });
    const before = summary(s);
    const after = await call(w, 'session/rules', { sessionId: s.id, jobId: 'r1', rules: changeSkipped(s) });
    off();
    expect(after.rules.differences).toEqual(['skip * payload.lockstep_changed']);
    expect(summary(after)).not.toEqual(before);
    // The changed thread is equal now; the one with an inserted event is not.
    expect(s.pairs.find((p) => p.key === 'n6')!.divergence?.position).toBe(300);
    expect(after.pairs.find((p) => p.key === 'n6')!.divergence).toBeNull();
    expect(after.pairs.find((p) => p.key === 'n6')!.alignment.hunks).toBe(0);
    expect(after.pairs.find((p) => p.key === 'n7')!.divergence?.position).toBe(500);
    expect(progress.some((p) => p.jobId === 'r1' && p.phase === 'deriving')).toBe(true);
    expect(progress.filter((p) => p.phase === 'aligning').pop()).toMatchObject({ done: after.pairs.length, total: after.pairs.length });
    // No log was read again: the index holds what the rules need (the logs may even be gone for it).
    if (built) {
      const file = join(dir, 'payloads.rules');
      writeFileSync(file, after.rules.text);
      const cli = spawnSync(process.execPath, [CLI, 'diff', '--canary', canary, '--ours', ours, '--rules', file], { encoding: 'utf8' });
      expect(cli.status, cli.stderr).toBe(0);
      expect((await call(w, 'report/export', { sessionId: s.id, format: 'reference-md' })).text).toBe(cli.stdout);
      expect(cli.stdout).toContain('**Rules** (fingerprint');
    }
    s = after;
  });

  it('a cancel leaves the rules and the summary as they were', async () => {
    const before = summary(s);
    const pending = w.handle('session/rules', { sessionId: s.id, jobId: 'r2', rules: s.rules.reference });
    await call(w, 'session/cancel', { jobId: 'r2' });
    const r = await pending;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('cancelled');
    const now = await call(w, 'session/get', { sessionId: s.id });
    expect(now.rules.differences).toEqual(['skip * payload.lockstep_changed']);
    expect(summary(now)).toEqual(before);
  });

  it('refuses rules it cannot read, in one line, and changes nothing', async () => {
    const r = await w.handle('session/rules', {
      sessionId: s.id,
      jobId: 'r3',
      rules: { ...s.rules.rules, skip: [{ kind: '*', path: 'kind' }] },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'input', message: expect.stringContaining('kind says what an event is') });
    expect((await call(w, 'session/get', { sessionId: s.id })).rules.differences).toEqual(['skip * payload.lockstep_changed']);
  });

  it('are saved with the session (a restart) and in its file (another machine)', async () => {
    w.close();
    w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
    const again = await call(w, 'session/open', { jobId: 'open2', canaryPath: canary, oursPath: ours });
    expect(again.rules.differences).toEqual(['skip * payload.lockstep_changed']);
    expect(summary(again)).toEqual(summary(s));
    const file = join(dir, 's.lockstep');
    await call(w, 'session/save-as', { sessionId: again.id, path: file });
    expect((JSON.parse(readFileSync(file, 'utf8')) as { rules: string }).rules).toContain('skip * payload.lockstep_changed');
    const other = new Workbench({ dataDir: join(dir, 'other'), host: 'browser', version: 'test', demo: null });
    try {
      const opened = await call(other, 'session/open-file', { jobId: 'f', path: file });
      expect(opened.kind).toBe('opened');
      if (opened.kind === 'opened') expect(summary(opened.session)).toEqual(summary(s));
    } finally {
      other.close();
    }
    // Back to the reference's: the summary is the reference's again.
    const reset = await call(w, 'session/rules', { sessionId: again.id, jobId: 'r4', rules: again.rules.reference });
    expect(reset.rules.differences).toEqual([]);
  });
});
