// The rows of the aligned view of a pair: equal runs one row per pair of
// events, an insert one row per ours event (a gap on canary's side), a delete
// one row per canary event (a gap on ours'), a replace as many rows as its
// longer side, its events paired in order and the rest against a gap.
// Row <-> position lookups are binary searches over the segments.
import type { Alignment, Hunk } from './alignThreads';

export interface AlignedRow {
  canary: number | null;
  ours: number | null;
  /** The hunk the row belongs to, or -1 in an equal run. */
  hunk: number;
}

/** The last index k of a non-decreasing array with a[k] <= x (0 when none). */
function lastAtMost(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class AlignedRows {
  /** Rows in the view. */
  readonly total: number;
  // Segment k: first row, first canary and ours positions, its hunk (-1: an equal run), its rows.
  private readonly segRow: number[] = [];
  private readonly segC: number[] = [];
  private readonly segO: number[] = [];
  private readonly segHunk: number[] = [];
  private readonly segRows: number[] = [];
  private readonly firstRow: number[] = [];
  private readonly hunks: Hunk[];

  constructor(a: Alignment, canaryTotal: number, oursTotal: number) {
    this.hunks = a.hunks;
    let row = 0;
    let i = 0;
    let j = 0;
    const seg = (hunk: number, rows: number): void => {
      if (rows === 0) return;
      this.segRow.push(row);
      this.segC.push(i);
      this.segO.push(j);
      this.segHunk.push(hunk);
      this.segRows.push(rows);
      row += rows;
    };
    a.hunks.forEach((h, k) => {
      seg(-1, h.canary[0] - i);
      i = h.canary[0];
      j = h.ours[0];
      this.firstRow.push(row);
      seg(k, Math.max(h.canary[1] - h.canary[0], h.ours[1] - h.ours[0]));
      i = h.canary[1];
      j = h.ours[1];
    });
    seg(-1, Math.min(canaryTotal - i, oursTotal - j));
    this.total = row;
  }

  get hunkCount(): number {
    return this.hunks.length;
  }

  hunk(k: number): Hunk {
    return this.hunks[k]!;
  }

  at(row: number): AlignedRow {
    const k = lastAtMost(this.segRow, row);
    const off = row - this.segRow[k]!;
    const hk = this.segHunk[k]!;
    if (hk < 0) return { canary: this.segC[k]! + off, ours: this.segO[k]! + off, hunk: -1 };
    const h = this.hunks[hk]!;
    const a = h.canary[1] - h.canary[0];
    const b = h.ours[1] - h.ours[0];
    return { canary: off < a ? h.canary[0] + off : null, ours: off < b ? h.ours[0] + off : null, hunk: hk };
  }

  private sideRows(k: number, side: 'canary' | 'ours'): number {
    const hk = this.segHunk[k]!;
    if (hk < 0) return this.segRows[k]!;
    const h = this.hunks[hk]!;
    return side === 'canary' ? h.canary[1] - h.canary[0] : h.ours[1] - h.ours[0];
  }

  /** The row showing a side's event (positions past the end: the last row). */
  rowOf(side: 'canary' | 'ours', position: number): number {
    if (this.total === 0) return 0;
    const start = side === 'canary' ? this.segC : this.segO;
    // The segment holding it: the last starting at or before it that has events on this side.
    let k = lastAtMost(start, position);
    while (k > 0 && this.sideRows(k, side) === 0) k--;
    const off = position - start[k]!;
    if (off < 0) return 0;
    return Math.min(this.total - 1, this.segRow[k]! + Math.min(off, Math.max(0, this.sideRows(k, side) - 1)));
  }

  /** rowOf for many positions of one side at once, in ascending order: one walk over the segments, a tight loop in each. */
  rowsOfSorted(side: 'canary' | 'ours', positions: Int32Array): Int32Array {
    const n = positions.length;
    const out = new Int32Array(n);
    if (this.total === 0 || n === 0) return out;
    const start = side === 'canary' ? this.segC : this.segO;
    const last = this.total - 1;
    const segs = start.length;
    let k = 0;
    let i = 0;
    // Positions before the first segment with events on this side: row 0, as rowOf says.
    while (i < n && positions[i]! < start[0]!) out[i++] = 0;
    while (i < n) {
      const p = positions[i]!;
      while (k + 1 < segs && start[k + 1]! <= p) k++;
      let j = k; // the segment rowOf takes for positions of segment k: the last at or before it with events on this side
      while (j > 0 && this.sideRows(j, side) === 0) j--;
      const s = start[j]!;
      const row = this.segRow[j]!;
      const cap = Math.max(0, this.sideRows(j, side) - 1);
      const end = k + 1 < segs ? start[k + 1]! : Infinity;
      // Every position of this segment maps alike: row + min(off, cap), at most the last row.
      for (; i < n; i++) {
        const q = positions[i]!;
        if (q >= end) break;
        const off = q - s;
        const r = off < 0 ? 0 : row + (off < cap ? off : cap);
        out[i] = r < last ? r : last;
      }
    }
    return out;
  }

  /** The first row of hunk k. */
  hunkRow(k: number): number {
    return this.firstRow[k]!;
  }

  /** Rows of hunk k. */
  hunkRows(k: number): number {
    const h = this.hunks[k]!;
    return Math.max(h.canary[1] - h.canary[0], h.ours[1] - h.ours[0]);
  }

  /** The first hunk starting after `row` (direction 1), or the last starting before it (-1); null when none. */
  adjacentHunk(row: number, direction: 1 | -1): number | null {
    const rows = this.firstRow;
    if (rows.length === 0) return null;
    if (direction === 1) {
      const k = lastAtMost(rows, row);
      const next = rows[k]! > row ? k : k + 1;
      return next < rows.length ? next : null;
    }
    const k = lastAtMost(rows, row - 1);
    return rows[k]! <= row - 1 ? k : null;
  }

  /** The hunk a row lies in, or -1. */
  hunkAt(row: number): number {
    return this.total === 0 ? -1 : this.at(row).hunk;
  }
}
