// The alignment, tried on generated pairs with known edits injected into ours
// (inserted, deleted and changed events, blocks of hundreds and thousands of
// inserted events, a truncated thread, edits at both ends and next to each
// other): every event outside the hunks is equal by the reference's
// comparison (tid_event_idx aside), the hunks cost no more than what was
// injected, and on small pairs the cost is minimal, as an independent
// dynamic-programming edit distance says.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareEvents } from '../diff/compareEvents';
import { referenceComparison } from '../diff/comparison';
import { diffLogs } from '../diff/diffLogs';
import type { ThreadSide } from '../diff/firstDivergence';
import { IndexedLog, type ThreadInfo } from '../diff/indexedLog';
import { RuledLog } from '../diff/ruledLog';
import { editCost, generatedTidMap, generatePair, threadLengths, type Edit, type GenerateOptions } from '../generator/generateLogs';
import { Rng } from '../generator/prng';
import { ingestLog } from '../ingest/ingestLog';
import { PyError, type PyDict } from '../py/value';
import { openDb } from '../store/db';
import { alignPair, computeAlignment } from './alignPair';
import { DEFAULT_LIMITS, type Alignment } from './alignThreads';

const dir = mkdtempSync(join(tmpdir(), 'align-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A side of a pair under the reference's rules, allocator canonicalization as asked. */
function under(log: IndexedLog, thread: ThreadInfo, canonicalize: boolean): ThreadSide {
  return { log: new RuledLog(log, referenceComparison(canonicalize)), thread };
}

interface Case {
  pairs: { c: (canonicalize: boolean) => ThreadSide; o: (canonicalize: boolean) => ThreadSide; threadIndex: number }[];
  edits: Map<number, Edit[]>;
  lengths: number[];
  close: () => void;
}

let caseNo = 0;
function makeCase(opts: Omit<GenerateOptions, 'edits' | 'divergences'>, edits: Map<number, Edit[]>, canonicalize = true): Case {
  const d = join(dir, `case-${caseNo++}`);
  const canary = `${d}-canary.jsonl`;
  const ours = `${d}-ours.jsonl`;
  generatePair(canary, ours, { ...opts, divergences: 0, edits });
  const db = openDb(`${d}.sqlite`);
  const cl = new IndexedLog(db, ingestLog(db, canary, canary).log, canary);
  const ol = new IndexedLog(db, ingestLog(db, ours, ours).log, ours);
  const cmp = referenceComparison(canonicalize);
  const result = diffLogs(new RuledLog(cl, cmp), new RuledLog(ol, cmp), { tidMapArg: generatedTidMap(opts) });
  return {
    pairs: result.pairs.map((p) => ({
      c: (canon: boolean) => under(cl, p.canaryThread, canon),
      o: (canon: boolean) => under(ol, p.oursThread, canon),
      threadIndex: Number(p.canaryTid) - 6,
    })),
    edits,
    lengths: threadLengths(opts),
    close: () => {
      cl.close();
      ol.close();
      db.close();
    },
  };
}

/** The reference's compare_event with tid_event_idx left out (each side numbers its own). */
function sameEvent(ec: PyDict, eo: PyDict): boolean {
  const o = new Map(eo);
  if (ec.has('tid_event_idx')) o.set('tid_event_idx', ec.get('tid_event_idx')!);
  else o.delete('tid_event_idx');
  try {
    return compareEvents(ec, o) === null;
  } catch (e) {
    if (e instanceof PyError) return false;
    throw e;
  }
}

function events(s: ThreadSide): PyDict[] {
  return Array.from({ length: s.thread.eventCount }, (_, i) => s.log.event(s.thread.threadNo, i));
}

/** Hunks in order, inside both streams, and every event between them equal. */
function checkAlignment(a: Alignment, ce: PyDict[], oe: PyDict[]): void {
  let i = 0;
  let j = 0;
  let cost = 0;
  for (const h of a.hunks) {
    const [i1, i2] = h.canary;
    const [j1, j2] = h.ours;
    expect(i1 - i, 'an equal run has the same length on both sides').toBe(j1 - j);
    expect(i1).toBeGreaterThanOrEqual(i);
    expect(i2).toBeGreaterThanOrEqual(i1);
    expect(j2).toBeGreaterThanOrEqual(j1);
    expect(i2 - i1 + (j2 - j1)).toBeGreaterThan(0);
    expect(h.op).toBe(i1 === i2 ? 'insert' : j1 === j2 ? 'delete' : 'replace');
    for (let k = 0; k < i1 - i; k++) expect(sameEvent(ce[i + k]!, oe[j + k]!), `canary ${i + k} = ours ${j + k}`).toBe(true);
    cost += i2 - i1 + (j2 - j1);
    i = i2;
    j = j2;
  }
  expect(ce.length - i).toBe(oe.length - j);
  for (let k = 0; k < ce.length - i; k++) expect(sameEvent(ce[i + k]!, oe[j + k]!), `canary ${i + k} = ours ${j + k}`).toBe(true);
  expect(a.cost).toBe(cost);
}

/** The minimal cost (deletions + insertions), by the textbook dynamic program over exact equality. */
function minimalCost(ce: PyDict[], oe: PyDict[]): number {
  const n = ce.length;
  const m = oe.length;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) cur[j] = sameEvent(ce[i - 1]!, oe[j - 1]!) ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return n + m - 2 * prev[m]!;
}

function randomEdits(rng: Rng, lengths: number[], opts: { big?: boolean } = {}): Map<number, Edit[]> {
  const out = new Map<number, Edit[]>();
  lengths.forEach((len, t) => {
    const edits: Edit[] = [];
    const n = rng.int(0, 5);
    for (let k = 0; k < n; k++) {
      const roll = rng.float();
      const at = rng.chance(0.15) ? rng.pick([0, len - 1]) : rng.int(0, len - 1);
      if (roll < 0.3) edits.push({ at, op: 'insert', count: rng.chance(0.2) ? rng.int(100, 400) : rng.int(1, 3) });
      else if (roll < 0.55) edits.push({ at, op: 'delete', count: rng.int(1, 3) });
      else if (roll < 0.85) edits.push({ at, op: 'change', count: rng.int(1, 2) });
      else if (roll < 0.92) edits.push({ at: Math.max(1, at), op: 'truncate', count: 0 });
      // adjacent edits
      if (rng.chance(0.2) && at + 1 < len) edits.push({ at: at + 1, op: rng.pick(['insert', 'change', 'delete'] as const), count: 1 });
    }
    if (opts.big) edits.push({ at: rng.int(0, len - 1), op: 'insert', count: rng.int(2000, 6000) });
    out.set(t, edits);
  });
  return out;
}

describe('alignment', () => {
  it('an inserted event is one insert hunk, and the streams are equal after it', () => {
    const k = makeCase({ seed: 'one-insert', eventsPerThread: 400, threads: 1, profile: 'realistic' }, new Map([[0, [{ at: 200, op: 'insert', count: 1 }]]]));
    const p = k.pairs[0]!;
    const a = alignPair(p.c(true), p.o(true));
    expect(a.hunks).toEqual([{ op: 'insert', canary: [200, 200], ours: [200, 201] }]);
    expect(a.aligned).toBe(true);
    checkAlignment(a, events(p.c(true)), events(p.o(true)));
    k.close();
  });

  it('a missing event is one delete hunk; a changed one a replace', () => {
    const k = makeCase(
      { seed: 'delete-change', eventsPerThread: 500, threads: 1, profile: 'realistic' },
      new Map([
        [
          0,
          [
            { at: 100, op: 'delete', count: 1 },
            { at: 300, op: 'change', count: 1 },
          ],
        ],
      ]),
    );
    const p = k.pairs[0]!;
    const a = alignPair(p.c(true), p.o(true));
    expect(a.hunks.map((h) => h.op)).toEqual(['delete', 'replace']);
    expect(a.hunks[0]).toEqual({ op: 'delete', canary: [100, 101], ours: [100, 100] });
    expect(a.hunks[1]).toEqual({ op: 'replace', canary: [300, 301], ours: [299, 300] });
    k.close();
  });

  it('on many random small pairs: equal outside the hunks, no costlier than what was injected, and minimal', () => {
    const rng = new Rng('align-small');
    for (let n = 0; n < 40; n++) {
      const opts = { seed: `small-${n}`, eventsPerThread: rng.int(20, 500), threads: rng.int(1, 3), profile: 'realistic' as const };
      const lengths = threadLengths(opts);
      const edits = randomEdits(rng, lengths);
      const k = makeCase(opts, edits, rng.chance(0.8));
      for (const p of k.pairs) {
        const canon = rng.chance(0.5);
        const a = computeAlignment(p.c(canon), p.o(canon));
        const ce = events(p.c(canon));
        const oe = events(p.o(canon));
        checkAlignment(a, ce, oe);
        // Raw, every allocator return differs (each engine allocates elsewhere): only canonicalized keys are bounded by the edits.
        if (canon) expect(a.cost, `case ${n} thread ${p.threadIndex}`).toBeLessThanOrEqual(editCost(edits.get(p.threadIndex) ?? [], lengths[p.threadIndex]!));
        expect(a.cost, `case ${n} thread ${p.threadIndex}: minimal`).toBe(minimalCost(ce, oe));
        expect(a.aligned).toBe(true);
      }
      k.close();
    }
  });

  it('on larger pairs, walked with resync and anchors: equal outside the hunks and no costlier than what was injected', () => {
    const rng = new Rng('align-large');
    for (let n = 0; n < 6; n++) {
      const opts = { seed: `large-${n}`, eventsPerThread: rng.int(12_000, 30_000), threads: 2, profile: 'realistic' as const };
      const lengths = threadLengths(opts);
      const edits = randomEdits(rng, lengths, { big: n % 2 === 0 });
      const k = makeCase(opts, edits);
      for (const p of k.pairs) {
        const a = computeAlignment(p.c(true), p.o(true));
        checkAlignment(a, events(p.c(true)), events(p.o(true)));
        expect(a.cost, `case ${n} thread ${p.threadIndex}`).toBeLessThanOrEqual(editCost(edits.get(p.threadIndex) ?? [], lengths[p.threadIndex]!));
        expect(a.aligned).toBe(true);
      }
      k.close();
    }
  }, 180_000);

  it('gives up on streams that have nothing to do with each other, and says where', () => {
    const d = join(dir, 'unrelated');
    generatePair(`${d}-a-canary.jsonl`, `${d}-a-ours.jsonl`, {
      seed: 'unrelated-a',
      eventsPerThread: 30_000,
      threads: 1,
      profile: 'realistic',
      divergences: 0,
    });
    generatePair(`${d}-b-canary.jsonl`, `${d}-b-ours.jsonl`, {
      seed: 'unrelated-b',
      eventsPerThread: 30_000,
      threads: 1,
      profile: 'realistic',
      divergences: 0,
    });
    const db = openDb(`${d}.sqlite`);
    const cl = new IndexedLog(db, ingestLog(db, `${d}-a-canary.jsonl`, 'a').log, 'a');
    const ol = new IndexedLog(db, ingestLog(db, `${d}-b-ours.jsonl`, 'b').log, 'b');
    const c = under(cl, cl.threads[0]!, true);
    const o = under(ol, ol.threads[0]!, true);
    const a = computeAlignment(c, o, { ...DEFAULT_LIMITS, smallPair: 0 });
    checkAlignment(a, events(c), events(o));
    expect(a.aligned).toBe(false);
    {
      expect(a.stoppedAt).not.toBeNull();
      const last = a.hunks[a.hunks.length - 1]!;
      expect(last.canary).toEqual([a.stoppedAt!.canary, c.thread.eventCount]);
      expect(last.ours).toEqual([a.stoppedAt!.ours, o.thread.eventCount]);
    }
    cl.close();
    ol.close();
    db.close();
  }, 120_000);

  it('is kept in the index and read back unchanged', () => {
    const k = makeCase({ seed: 'kept', eventsPerThread: 3000, threads: 2, profile: 'realistic' }, randomEdits(new Rng('kept'), [3000, 3000]));
    for (const p of k.pairs) {
      const first = alignPair(p.c(true), p.o(true));
      const row = p.c(true).log.db.prepare('SELECT count(*) AS n FROM alignments').get() as { n: number };
      expect(row.n).toBeGreaterThan(0);
      expect(alignPair(p.c(true), p.o(true))).toEqual(first);
      expect(alignPair(p.c(false), p.o(false))).toEqual(computeAlignment(p.c(false), p.o(false)));
    }
    k.close();
  });
});
