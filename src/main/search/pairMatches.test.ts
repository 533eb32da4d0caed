import { describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng';
import { CANARY, FilterModel, OURS, PairMatches } from './pairMatches';
import type { ThreadMatches } from './threadSearch';

const found = (positions: number[]): ThreadMatches => ({ positions: Int32Array.from(positions), complete: true, checkedTo: 0, read: 0 });

/** The filtered list written out the long way: every row, kept when a match is within `context` rows; a gap for each run left out. */
function bruteFilter(rows: number[], total: number, context: number): ({ row: number } | { gap: [number, number] })[] {
  const keep = Array.from({ length: total }, (_, r) => rows.some((m) => Math.abs(m - r) <= context));
  const out: ({ row: number } | { gap: [number, number] })[] = [];
  for (let r = 0; r < total;) {
    if (keep[r]) out.push({ row: r++ });
    else {
      const from = r;
      while (r < total && !keep[r]) r++;
      out.push({ gap: [from, r] });
    }
  }
  return rows.length === 0 ? [] : out;
}

describe('a query in a pair view', () => {
  // Rows of a view where ours has an extra event at 3: canary's 3.. are one row further down.
  const mapper = { total: 11, rowsOf: (side: 'canary' | 'ours', ps: Int32Array) => ps.map((p) => (side === 'ours' || p < 3 ? p : p + 1)) };

  it('lists the rows where either side matches, once each, with the sides', () => {
    const m = new PairMatches(11, found([1, 3, 7]), found([1, 4, 5]), mapper);
    expect(Array.from(m.rows)).toEqual([1, 4, 5, 8]);
    expect(Array.from(m.sides)).toEqual([CANARY | OURS, CANARY | OURS, OURS, CANARY]);
    expect(m.sidesAt(5)).toBe(OURS);
    expect(m.sidesAt(6)).toBe(0);
  });

  it('steps to the next and previous match, and to the first at or after a row', () => {
    const m = new PairMatches(11, found([1, 3, 7]), found([1, 4, 5]), mapper);
    expect(m.step(1, 1)).toEqual({ row: 4, index: 1 });
    expect(m.step(4, -1)).toEqual({ row: 1, index: 0 });
    expect(m.step(4, 0)).toEqual({ row: 4, index: 1 });
    expect(m.step(-1, 1)).toEqual({ row: 1, index: 0 });
    expect(m.step(8, 1)).toBeNull();
    expect(m.step(1, -1)).toBeNull();
    expect(m.within(2, 4)).toEqual([
      { row: 4, sides: CANARY | OURS },
      { row: 5, sides: OURS },
    ]);
  });

  it('merges the ruler marks to its resolution', () => {
    const m = new PairMatches(1000, found([10, 11, 12, 500]), found([]), { total: 1000, rowsOf: (_s, ps) => ps });
    expect(m.marks(100)).toEqual([
      { row: 10, rows: 3 },
      { row: 500, rows: 1 },
    ]);
  });

  it('filters to the matches with their context and a gap for every run left out, as the long way does', () => {
    const rng = new Rng('filter');
    for (let round = 0; round < 300; round++) {
      const total = rng.int(1, 60);
      const rows = [...new Set(Array.from({ length: rng.int(0, 8) }, () => rng.int(0, total - 1)))].sort((a, b) => a - b);
      const context = rng.int(0, 4);
      const f = new FilterModel(Int32Array.from(rows), total, context);
      const want = bruteFilter(rows, total, context);
      const got = Array.from({ length: f.entries }, (_, e) => f.entry(e));
      expect({ rows, total, context, got }).toEqual({ rows, total, context, got: want });
      // Each row is shown by its own entry, or by the gap it is in.
      for (let r = 0; r < total && rows.length; r++) {
        const e = want[f.entryOf(r)]!;
        expect('row' in e ? e.row === r : e.gap[0] <= r && r < e.gap[1]).toBe(true);
      }
    }
  });
});
