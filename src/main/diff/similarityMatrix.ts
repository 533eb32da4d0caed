// Every canary thread's similarity to every ours thread (threadSimilarity.ts),
// computed through inverted indexes rather than pair by pair: a pair's shared
// sketch bins and shared call counts come from postings of the ours threads
// holding each bin value and each call name, so work grows with what threads
// share, not with 128 bins and a merge of names for each of a million pairs.
// The numbers are exactly those of similarity(evidence(a, b)) (tested).
import { EMPTY_BIN } from '../store/threadFeatures';
import { lengthShare, namesShare, weigh, type PreparedThread } from './threadSimilarity';

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Ours threads by (bin, value) of their sketches, and by call name with their counts. */
class Postings {
  readonly bins: Map<number, number[]>[] = [];
  readonly names = new Map<number, { thread: number[]; count: number[] }>();

  constructor(threads: PreparedThread[], binCount: number) {
    for (let b = 0; b < binCount; b++) this.bins.push(new Map());
    threads.forEach((t, j) => {
      const s = t.features.shingles;
      for (let b = 0; b < s.length; b++) {
        const v = s[b]!;
        if (v === EMPTY_BIN) continue;
        const m = this.bins[b]!;
        const list = m.get(v);
        if (list) list.push(j);
        else m.set(v, [j]);
      }
      for (let k = 0; k < t.nameIds.length; k++) {
        const id = t.nameIds[k]!;
        let p = this.names.get(id);
        if (!p) this.names.set(id, (p = { thread: [], count: [] }));
        p.thread.push(j);
        p.count.push(t.nameCounts[k]!);
      }
    });
  }
}

/** Row i holds canary thread i's similarity to each ours thread. */
export function similarityMatrix(canary: PreparedThread[], ours: PreparedThread[]): Float64Array[] {
  const m = ours.length;
  const binCount = canary[0]?.features.shingles.length ?? 0;
  const postings = new Postings(ours, binCount);
  const same = new Int32Array(m);
  const minima = new Float64Array(m);
  const rows: Float64Array[] = [];
  for (const a of canary) {
    same.fill(0);
    minima.fill(0);
    const s = a.features.shingles;
    for (let b = 0; b < s.length; b++) {
      const v = s[b]!;
      if (v === EMPTY_BIN) continue;
      const list = postings.bins[b]!.get(v);
      if (list) for (const j of list) same[j]!++;
    }
    for (let k = 0; k < a.nameIds.length; k++) {
      const p = postings.names.get(a.nameIds[k]!);
      if (!p) continue;
      const ca = a.nameCounts[k]!;
      for (let q = 0; q < p.thread.length; q++) minima[p.thread[q]!]! += Math.min(ca, p.count[q]!);
    }
    const row = new Float64Array(m);
    const am = a.filledMask;
    const aCalls = a.features.calls > 0;
    const aEntry = a.features.entry;
    for (let j = 0; j < m; j++) {
      const b = ours[j]!;
      const anyCalls = aCalls || b.features.calls > 0;
      let sequence: number | null = null;
      if (anyCalls) {
        const bm = b.filledMask;
        let filled = 0;
        for (let w = 0; w < am.length; w++) filled += popcount(am[w]! | bm[w]!);
        sequence = filled === 0 ? 1 : same[j]! / filled;
      }
      const bEntry = b.features.entry;
      row[j] = weigh(
        sequence,
        anyCalls ? namesShare(a, b, minima[j]!) : null,
        lengthShare(a, b),
        aCalls && b.features.calls > 0 ? a.firstCallId === b.firstCallId : null,
        aEntry !== null && bEntry !== null ? aEntry === bEntry : null,
        1 - Math.abs(a.place - b.place),
      );
    }
    rows.push(row);
  }
  return rows;
}
