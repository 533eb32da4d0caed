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
import { sketchJaccard } from './threadSimilarity';

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
      for (const p of twins) {
        expect(p.unsure).toBe(true);
        expect(p.confidence).toBeLessThan(UNSURE_BELOW);
        expect(p.reason).toMatch(/unsure: (ours|canary) [12676] fits nearly as well/);
      }
      const clear = m.pairs.find((p) => Number(p.canary.tid) === 8)!;
      expect(pyStr(clear.ours.tid)).toBe('3');
      expect(clear.unsure).toBe(false);
      expect(clear.reason).toBe('first call Boot; 100% of call sequence shared; 4 events each');
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

describe('bottom-k Jaccard', () => {
  it('is exact for sets smaller than the sketch and close for larger ones', () => {
    const set = (xs: number[]): Uint32Array => Uint32Array.from([...new Set(xs)].sort((a, b) => a - b));
    expect(sketchJaccard(set([1, 2, 3, 4]), set([3, 4, 5, 6]), 128)).toBeCloseTo(2 / 6);
    // Two sets of 10,000 random hashes sharing 5,000: Jaccard 1/3; a sketch of 128 is within about 0.1.
    let s = 12345;
    const rnd = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
    const shared = Array.from({ length: 5000 }, rnd);
    const a = set([...shared, ...Array.from({ length: 5000 }, rnd)]);
    const b = set([...shared, ...Array.from({ length: 5000 }, rnd)]);
    const bottom = (x: Uint32Array): Uint32Array => x.slice(0, 128);
    expect(Math.abs(sketchJaccard(bottom(a), bottom(b), 128) - 1 / 3)).toBeLessThan(0.12);
  });
});
