// Rows of the aligned view against a brute-force enumeration of the same alignment.
import { describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng';
import { AlignedRows, type AlignedRow } from './alignedRows';
import type { Alignment, Hunk } from './alignThreads';

/** Every row, the slow way: walk the hunks and equal runs one event at a time. */
function enumerate(a: Alignment, n: number, m: number): AlignedRow[] {
  const rows: AlignedRow[] = [];
  let i = 0;
  let j = 0;
  a.hunks.forEach((h, k) => {
    while (i < h.canary[0]) rows.push({ canary: i++, ours: j++, hunk: -1 });
    const ca = h.canary[1] - h.canary[0];
    const ob = h.ours[1] - h.ours[0];
    for (let r = 0; r < Math.max(ca, ob); r++) rows.push({ canary: r < ca ? h.canary[0] + r : null, ours: r < ob ? h.ours[0] + r : null, hunk: k });
    i = h.canary[1];
    j = h.ours[1];
  });
  while (i < n && j < m) rows.push({ canary: i++, ours: j++, hunk: -1 });
  return rows;
}

function randomAlignment(rng: Rng): { a: Alignment; n: number; m: number } {
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  const count = rng.int(0, 8);
  for (let k = 0; k < count; k++) {
    const eq = rng.chance(0.2) && k > 0 ? 0 : rng.int(0, 20);
    i += eq;
    j += eq;
    const op = rng.pick(['insert', 'delete', 'replace'] as const);
    const a = op === 'insert' ? 0 : rng.int(1, 5);
    const b = op === 'delete' ? 0 : rng.int(1, 5);
    if (eq === 0 && k > 0) continue; // hunks never touch: they would be one
    hunks.push({ op, canary: [i, i + a], ours: [j, j + b] });
    i += a;
    j += b;
  }
  const tail = rng.int(0, 10);
  return { a: { hunks, aligned: true, stoppedAt: null, cost: 0 }, n: i + tail, m: j + tail };
}

describe('AlignedRows', () => {
  it('agrees with a row-by-row enumeration: at, rowOf, hunk rows, next and previous hunk', () => {
    const rng = new Rng('aligned-rows');
    for (let t = 0; t < 400; t++) {
      const { a, n, m } = randomAlignment(rng);
      const rows = enumerate(a, n, m);
      const v = new AlignedRows(a, n, m);
      expect(v.total).toBe(rows.length);
      rows.forEach((r, k) => {
        expect(v.at(k)).toEqual(r);
        if (r.canary !== null) expect(v.rowOf('canary', r.canary)).toBe(k);
        if (r.ours !== null) expect(v.rowOf('ours', r.ours)).toBe(k);
      });
      // Many positions at once (the find box's matches), past the ends too: as one by one.
      for (const side of ['canary', 'ours'] as const) {
        const ps = Int32Array.from({ length: (side === 'canary' ? n : m) + 3 }, (_, p) => p).filter(() => rng.chance(0.6));
        expect(Array.from(v.rowsOfSorted(side, ps))).toEqual(Array.from(ps, (p) => v.rowOf(side, p)));
      }
      a.hunks.forEach((_, h) => {
        const first = rows.findIndex((r) => r.hunk === h);
        expect(v.hunkRow(h)).toBe(first);
        expect(v.hunkRows(h)).toBe(rows.filter((r) => r.hunk === h).length);
      });
      for (let k = 0; k < rows.length; k++) {
        const starts = a.hunks.map((_, h) => v.hunkRow(h));
        const next = starts.findIndex((s) => s > k);
        expect(v.adjacentHunk(k, 1)).toBe(next === -1 ? null : next);
        const before = starts.map((s, h) => [s, h] as const).filter(([s]) => s < k);
        expect(v.adjacentHunk(k, -1)).toBe(before.length ? before[before.length - 1]![1] : null);
      }
    }
  });
});
