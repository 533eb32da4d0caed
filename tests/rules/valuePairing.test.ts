// Value pairing (docs/rules.md) against the reference's ordinals, through the
// real CLI: one extra allocator call in ours is one hunk when allocator
// returns are paired, where the reference's per-thread ordinals drift and make
// every later return of that allocator in the thread a difference.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedTidMap, generatePair, type Edit } from '../../src/main/generator/generateLogs';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/lockstep');
const dir = mkdtempSync(join(tmpdir(), 'pairing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface JsonHunk {
  op: string;
  canary: [number, number];
  ours: [number, number];
  description: string;
}
interface JsonPair {
  canaryTid: number;
  hunks: JsonHunk[];
  divergence: { position: number } | null;
}

function jsonReport(canary: string, ours: string, ...extra: string[]): { pairs: JsonPair[]; session: { rules: { differences: string[] } } } {
  const r = spawnSync(process.execPath, [CLI, 'diff', '--canary', canary, '--ours', ours, '--format', 'json', '--quiet', ...extra], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Canary positions of one thread's kernel.return events of an allocator, read from the log itself. */
function allocatorReturns(path: string, tid: number, name: string): number[] {
  const out: number[] = [];
  let pos = 0;
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    if (!line.trim()) continue;
    const ev = JSON.parse(line) as { tid: number; kind: string; payload?: { name?: string } };
    if (ev.tid !== tid) continue;
    if (ev.kind === 'kernel.return' && ev.payload?.name === name) out.push(pos);
    pos++;
  }
  return out;
}

describe.skipIf(!existsSync(join(ROOT, 'out/main/cli.js')))('value pairing', () => {
  const cases = [
    { seed: 'pairing-a', at: 700 },
    { seed: 'pairing-b', at: 1500 },
    { seed: 'pairing-c', at: 300 },
  ];
  const rules = join(dir, 'pair.rules');
  beforeAll(() => writeFileSync(rules, '# allocator returns paired instead of numbered\nallocators pair\n'));

  for (const { seed, at } of cases) {
    it(`one extra allocation in ours: one hunk when paired, a difference at every later return when numbered (${seed})`, () => {
      const canary = join(dir, `${seed}-canary.jsonl`);
      const ours = join(dir, `${seed}-ours.jsonl`);
      const shape = { seed, eventsPerThread: 4000, threads: 2, profile: 'realistic' as const };
      const edits = new Map<number, Edit[]>([[0, [{ at, op: 'alloc', count: 1 }]]]);
      generatePair(canary, ours, { ...shape, divergences: 0, edits });
      const tidMap = generatedTidMap(shape);

      const paired = jsonReport(canary, ours, '--tid-map', tidMap, '--rules', rules);
      expect(paired.session.rules.differences).toEqual(['allocators pair']);
      const p0 = paired.pairs.find((p) => p.canaryTid === 6)!;
      // Exactly one hunk there: the two inserted events (the call and its return).
      expect(p0.hunks).toHaveLength(1);
      expect(p0.hunks[0]!.op).toBe('insert');
      expect(p0.hunks[0]!.ours[1] - p0.hunks[0]!.ours[0]).toBe(2);
      expect(Math.abs(p0.hunks[0]!.canary[0] - at)).toBeLessThanOrEqual(2);
      // The other thread, untouched, is equal all along.
      expect(paired.pairs.find((p) => p.canaryTid === 7)!.hunks).toEqual([]);

      const numbered = jsonReport(canary, ours, '--tid-map', tidMap);
      const n0 = numbered.pairs.find((p) => p.canaryTid === 6)!;
      const later = allocatorReturns(canary, 6, 'RtlAllocateHeap').filter((pos) => pos >= at);
      expect(later.length).toBeGreaterThan(5);
      // The ordinals drift: every later RtlAllocateHeap return of the thread is in a hunk.
      for (const pos of later) {
        expect(
          n0.hunks.some((h) => h.op !== 'insert' && h.canary[0] <= pos && pos < h.canary[1]),
          `canary ${pos}`,
        ).toBe(true);
      }
      expect(n0.hunks.length).toBeGreaterThan(later.length);
    });
  }

  it('a value paired once matches only its partner: the reused canary value is a difference where ours uses another', () => {
    // Two threads' worth of handles: the raw handle id of a create is paired, its destroy must use the partner.
    const canary = join(dir, 'handles-canary.jsonl');
    const ours = join(dir, 'handles-ours.jsonl');
    const ev = (tid: number, i: number, kind: string, payload: object): string => JSON.stringify({ tid, tid_event_idx: i, kind, payload });
    const header = JSON.stringify({ kind: 'schema_version', schema_version: 1 });
    const lines = (h1: number, h2: number, destroyed: number): string[] => [
      header,
      ev(1, 0, 'kernel.call', { name: 'Entry' }),
      ev(1, 1, 'handle.create', { handle_semantic_id: 'a', raw_handle_id: h1 }),
      ev(1, 2, 'handle.create', { handle_semantic_id: 'b', raw_handle_id: h2 }),
      ev(1, 3, 'handle.destroy', { handle_semantic_id: 'a', raw_handle_id: destroyed }),
    ];
    writeFileSync(canary, lines(100, 200, 100).join('\n') + '\n');
    writeFileSync(ours, lines(7, 9, 9).join('\n') + '\n'); // ours destroys with b's handle where canary destroys a's
    const handleRules = join(dir, 'handles.rules');
    writeFileSync(handleRules, 'compare handle.create payload.raw_handle_id\ncompare handle.destroy payload.raw_handle_id\npair * payload.raw_handle_id\n');
    const r = spawnSync(process.execPath, [CLI, 'diff', '--canary', canary, '--ours', ours, '--rules', handleRules], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('| 1 | 1 | 3 | 4 | 4 | 3 |');
    expect(r.stdout).toContain("payload.raw_handle_id: canary=100 ours=9 (paired values: canary's value was paired with another ours value earlier)");
    // The same logs with ours destroying a's handle are equal under the pairing.
    writeFileSync(ours, lines(7, 9, 7).join('\n') + '\n');
    const same = spawnSync(process.execPath, [CLI, 'diff', '--canary', canary, '--ours', ours, '--rules', handleRules, '--validate-identical'], {
      encoding: 'utf8',
    });
    expect(same.status, same.stdout + same.stderr).toBe(0);
  });
});
