// The similarity mapping on generated logs whose true pairing is known (the
// generator's): threads sharing a first call created in other orders, a thread
// whose first call differs, identical threads (unsure), and a thread with no
// partner (listed with its closest candidate).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedTidMap, generatePair, type GenerateOptions } from '../generator/generateLogs';
import { ingestLog } from '../ingest/ingestLog';
import { pyStr } from '../py/format';
import { openDb } from '../store/db';
import { IndexedLog } from './indexedLog';
import { MIN_PAIR_SIMILARITY, percent, similarityMapping, UNSURE_BELOW } from './similarityMap';
import { EMPTY_BIN, readThreadFeatures, SKETCH_BINS } from '../store/threadFeatures';
import { similarityMatrix } from './similarityMatrix';
import { evidence, prepareThreads, similarity, sketchJaccard } from './threadSimilarity';

const dir = mkdtempSync(join(tmpdir(), 'similarity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function indexed(canaryText: string | null, oursText: string | null, opts?: Omit<GenerateOptions, 'edits'>) {
  const d = join(dir, `case-${n++}`);
  const canary = `${d}-canary.jsonl`;
  const ours = `${d}-ours.jsonl`;
  if (opts) generatePair(canary, ours, opts);
  else {
    writeFileSync(canary, canaryText!);
    writeFileSync(ours, oursText!);
  }
  const db = openDb(`${d}.sqlite`);
  const c = new IndexedLog(db, ingestLog(db, canary, canary).log, canary);
  const o = new IndexedLog(db, ingestLog(db, ours, ours).log, ours);
  return { c, o, close: () => (c.close(), o.close(), db.close()) };
}

const pairsOf = (m: ReturnType<typeof similarityMapping>): string =>
  m.pairs
    .map((p) => `${pyStr(p.canary.tid)}=${pyStr(p.ours.tid)}`)
    .sort((a, b) => Number(a.split('=')[0]) - Number(b.split('=')[0]))
    .join(',');

function log(threads: [number, string[]][]): string {
  const lines = ['{"kind": "schema_version", "schema_version": 1}'];
  for (const [tid, calls] of threads) {
    calls.forEach((name, i) => lines.push(JSON.stringify({ tid, tid_event_idx: i, kind: 'kernel.call', payload: { name } })));
  }
  return lines.join('\n') + '\n';
}

describe('the similarity mapping', () => {
  it.each([1, 2, 3, 7])('pairs every thread as generated when six share their first call in other orders and one first call differs (seed %i)', (seed) => {
    const opts = {
      seed,
      eventsPerThread: 400,
      threads: 9,
      profile: 'realistic' as const,
      divergences: 3,
      mappingTrap: { sharedFirstCall: 6, firstCallDiffers: 1 },
    };
    const { c, o, close } = indexed(null, null, opts);
    try {
      const m = similarityMapping(c, o);
      expect(pairsOf(m)).toBe(generatedTidMap(opts));
      expect(m.unpairedCanary).toEqual([]);
      expect(m.unpairedOurs).toEqual([]);
      for (const p of m.pairs) {
        expect(p.unsure, p.reason).toBe(false);
        expect(p.confidence).toBeGreaterThan(0.8);
        expect(p.reason).toMatch(/of call sequence shared/);
      }
      const differing = m.pairs.find((p) => p.evidence.firstCall === false)!;
      expect(differing.reason).toMatch(/^first call differs \(\w+ \/ KeQueryPerformanceFrequency\)/);
      expect(m.pairs.filter((p) => p.reason.startsWith('first call KeInitializeThread;'))).toHaveLength(6);
    } finally {
      close();
    }
  });

  it('flags as unsure the pairs of threads that look alike, naming the rival', () => {
    const same = ['Entry', 'NtReadFile', 'NtClose', 'NtReadFile', 'NtWriteFile'];
    const other = ['Boot', 'XamTaskSchedule', 'KeSetEvent', 'KeWaitForSingleObject'];
    const { c, o, close } = indexed(
      log([
        [6, same],
        [7, same],
        [8, other],
      ]),
      log([
        [1, same],
        [2, same],
        [3, other],
      ]),
    );
    try {
      const m = similarityMapping(c, o);
      const twins = m.pairs.filter((p) => Number(p.canary.tid) !== 8);
      expect(twins).toHaveLength(2);
      // Twins cannot be told apart: paired as the reference pairs them, by tid order.
      expect(twins.map((p) => `${pyStr(p.canary.tid)}=${pyStr(p.ours.tid)}`).sort()).toEqual(['6=1', '7=2']);
      for (const p of twins) {
        expect(p.unsure).toBe(true);
        expect(p.confidence).toBeLessThan(UNSURE_BELOW);
        expect(p.reason).toMatch(/unsure: (ours|canary) [12676] fits (nearly )?as well \(\d+%\)$/);
      }
      const clear = m.pairs.find((p) => Number(p.canary.tid) === 8)!;
      expect(pyStr(clear.ours.tid)).toBe('3');
      expect(clear.unsure).toBe(false);
      expect(clear.reason).toBe('first call Boot; 100% of call sequence shared; 4 events each');
    } finally {
      close();
    }
  });

  it('pairs twins created in the same places in tid order, as the reference does, and flags them', () => {
    const twin = ['Entry', 'NtReadFile', 'NtClose', 'NtReadFile', 'NtWriteFile'];
    const other = ['Boot', 'XamTaskSchedule', 'KeSetEvent', 'KeWaitForSingleObject'];
    // Creation order gives both assignments of the twins the same total: only the tie-break decides.
    const { c, o, close } = indexed(
      log([
        [6, twin],
        [7, twin],
        [8, other],
      ]),
      log([
        [1, other],
        [2, twin],
        [3, twin],
      ]),
    );
    try {
      const m = similarityMapping(c, o);
      expect(pairsOf(m)).toBe('6=2,7=3,8=1');
      expect(m.pairs.filter((p) => p.unsure).map((p) => pyStr(p.canary.tid))).toEqual(['6', '7']);
    } finally {
      close();
    }
  });

  it('leaves a thread with no counterpart unpaired, with its closest candidate and why', () => {
    const { c, o, close } = indexed(
      log([
        [6, ['Entry', 'NtReadFile', 'NtClose', 'NtReadFile']],
        [7, ['Other', 'KeSetEvent', 'KeDelayExecutionThread', 'KeSetEvent', 'KeSetEvent', 'XamInputGetState']],
      ]),
      log([[1, ['Entry', 'NtReadFile', 'NtClose', 'NtReadFile']]]),
    );
    try {
      const m = similarityMapping(c, o);
      expect(pairsOf(m)).toBe('6=1');
      expect(m.unpairedCanary).toHaveLength(1);
      const u = m.unpairedCanary[0]!;
      expect(pyStr(u.thread.tid)).toBe('7');
      expect(pyStr(u.best!.thread.tid)).toBe('1');
      expect(u.reason).toMatch(new RegExp(`^closest ours thread 1 is \\d+% similar, below the ${percent(MIN_PAIR_SIMILARITY)} a pair needs$`));
    } finally {
      close();
    }
  });
});

describe('the similarity matrix', () => {
  it('holds, for every pair, the similarity of the evidence computed pair by pair', () => {
    const opts = { seed: 'matrix', eventsPerThread: 300, threads: 24, profile: 'hostile' as const, divergences: 6 };
    const { c, o, close } = indexed(null, null, opts);
    try {
      const ids = new Map<string, number>();
      const pc = prepareThreads(c.threads, readThreadFeatures(c.db, c.log.logId, c.threads.length), ids);
      const po = prepareThreads(o.threads, readThreadFeatures(o.db, o.log.logId, o.threads.length), ids);
      const matrix = similarityMatrix(pc, po);
      let checked = 0;
      pc.forEach((a, i) =>
        po.forEach((b, j) => {
          expect(matrix[i]![j]).toBeCloseTo(similarity(evidence(a, b)), 12);
          checked++;
        }),
      );
      expect(checked).toBe(c.threads.length * o.threads.length);
      // Not a constant: the threads differ.
      expect(new Set(matrix.flatMap((r) => [...r].map((v) => v.toFixed(3)))).size).toBeGreaterThan(10);
    } finally {
      close();
    }
  });
});

describe('the MinHash estimate of the shared call sequence', () => {
  /** A sketch of a set of 32-bit hashes, binned as the ingest bins 3-grams. */
  const sketch = (xs: number[]): Int32Array => {
    const bins = new Int32Array(SKETCH_BINS).fill(EMPTY_BIN);
    for (const h of xs) {
      const b = h >>> 25;
      const v = h & 0x1ffffff;
      if (bins[b] === EMPTY_BIN || v < bins[b]!) bins[b] = v;
    }
    return bins;
  };
  let s = 12345;
  const rnd = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);

  it('is 1 for the same set, 0 for disjoint ones, and close to the Jaccard index of large sets', () => {
    const a = Array.from({ length: 300 }, rnd);
    expect(sketchJaccard(sketch(a), sketch([...a].reverse()))).toBe(1);
    expect(sketchJaccard(sketch(a), sketch(Array.from({ length: 300 }, rnd)))).toBeLessThan(0.05);
    // 10,000 hashes each, 5,000 shared: Jaccard 1/3.
    const shared = Array.from({ length: 5000 }, rnd);
    const x = sketch([...shared, ...Array.from({ length: 5000 }, rnd)]);
    const y = sketch([...shared, ...Array.from({ length: 5000 }, rnd)]);
    expect(Math.abs(sketchJaccard(x, y) - 1 / 3)).toBeLessThan(0.12);
    expect(sketchJaccard(sketch([]), sketch([]))).toBe(1);
    expect(sketchJaccard(sketch([]), sketch([rnd()]))).toBe(0);
  });
});
