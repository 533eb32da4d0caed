// A query's matches in one pair's view: the rows where either side's event
// matches (canary's, ours', or both), in order; the next and previous match
// from a row; the overview ruler's marks; and the filter that shows only the
// matching rows with a few rows of context around each, a gap between runs.
import type { ThreadMatches } from './threadSearch';

/** Which side's event matches on a row. */
export const CANARY = 1;
export const OURS = 2;

/** Where a side's events are in the view (the view's rows are in each side's position order). */
export interface RowMapper {
  readonly total: number;
  /**
   * The rows of ascending positions of one side, ascending: of the positions the view shows only (an
   * event the session's rules leave out is in no row, and has none).
   */
  rowsOf(side: 'canary' | 'ours', positions: Int32Array): Int32Array;
}

/** One entry of the filtered list: a row of the view, or a gap standing for the rows [from, to) left out. */
export type FilterEntry = { row: number } | { gap: [number, number] };

function rowsOf(rows: RowMapper, side: 'canary' | 'ours', m: ThreadMatches | null): Int32Array {
  return m ? rows.rowsOf(side, m.positions) : new Int32Array(0);
}

/** The index of the first element of a sorted array that is >= x. */
function lowerBound(a: Int32Array | Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Both sides' rows (each ascending) as one ascending list of rows, each once, with the sides matching on it. */
function mergeRows(c: Int32Array, o: Int32Array): [Int32Array, Uint8Array] {
  const cn = c.length;
  const on = o.length;
  const rows = new Int32Array(cn + on);
  const sides = new Uint8Array(cn + on);
  let i = 0;
  let j = 0;
  let n = 0;
  let last = -1;
  // One compare per element: the rows of a million matches are merged on every new query. A side
  // rarely puts two events on one row (rowOf clamps past a hunk's end): then the row is taken once.
  while (i < cn || j < on) {
    let r: number;
    let s: number;
    if (j >= on || (i < cn && c[i]! < o[j]!)) {
      r = c[i++]!;
      s = CANARY;
    } else if (i >= cn || o[j]! < c[i]!) {
      r = o[j++]!;
      s = OURS;
    } else {
      r = c[i++]!;
      j++;
      s = CANARY | OURS;
    }
    if (r === last) sides[n - 1]! |= s;
    else {
      rows[n] = r;
      sides[n++] = s;
      last = r;
    }
  }
  return [rows.slice(0, n), sides.slice(0, n)];
}

export class PairMatches {
  /** Rows with a match, ascending, each once. */
  readonly rows: Int32Array;
  /** Per row: CANARY | OURS. */
  readonly sides: Uint8Array;
  /** Matching events the view shows, per side (the others are of kinds the rules leave out). */
  readonly shown: { canary: number; ours: number };
  private readonly filters = new Map<number, FilterModel>();

  constructor(
    readonly total: number,
    readonly canary: ThreadMatches | null,
    readonly ours: ThreadMatches | null,
    mapper: RowMapper,
  ) {
    const c = rowsOf(mapper, 'canary', canary);
    const o = rowsOf(mapper, 'ours', ours);
    this.shown = { canary: c.length, ours: o.length };
    [this.rows, this.sides] = mergeRows(c, o);
  }

  /** Matching events the view does not show, on both sides. */
  get hidden(): number {
    return (this.canary?.positions.length ?? 0) + (this.ours?.positions.length ?? 0) - this.shown.canary - this.shown.ours;
  }

  get count(): number {
    return this.rows.length;
  }

  /** The sides matching on a row (0: none). */
  sidesAt(row: number): number {
    const k = lowerBound(this.rows, row);
    return this.rows[k] === row ? this.sides[k]! : 0;
  }

  /**
   * The next match after `from` (direction 1), the previous one before it (-1),
   * or the first at or after it (0); with its index among the matches.
   */
  step(from: number, direction: 1 | -1 | 0): { row: number; index: number } | null {
    const r = this.rows;
    const k = direction === 1 ? lowerBound(r, from + 1) : direction === 0 ? lowerBound(r, from) : lowerBound(r, from) - 1;
    return k >= 0 && k < r.length ? { row: r[k]!, index: k } : null;
  }

  /** Matching rows in [from, from + count), with their sides. */
  within(from: number, count: number): { row: number; sides: number }[] {
    const out: { row: number; sides: number }[] = [];
    for (let k = lowerBound(this.rows, from); k < this.rows.length && this.rows[k]! < from + count; k++)
      out.push({ row: this.rows[k]!, sides: this.sides[k]! });
    return out;
  }

  /** Marks for the overview ruler: runs of matches merged to at most about `buckets` marks. */
  marks(buckets: number): { row: number; rows: number }[] {
    const per = Math.max(1, this.total / buckets);
    const out: { row: number; rows: number }[] = [];
    const rows = this.rows;
    let first = -1; // the mark being made: its first row, its last row and that row's bucket
    let lastRow = 0;
    let lastBucket = 0;
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k]!;
      const bucket = Math.floor(row / per);
      if (first >= 0 && bucket <= lastBucket + 1) {
        lastRow = row;
        lastBucket = bucket;
        continue;
      }
      if (first >= 0) out.push({ row: first, rows: lastRow - first + 1 });
      first = lastRow = row;
      lastBucket = bucket;
    }
    if (first >= 0) out.push({ row: first, rows: lastRow - first + 1 });
    return out;
  }

  /** The filtered list with `context` rows either side of each match. */
  filter(context: number): FilterModel {
    let f = this.filters.get(context);
    if (!f) this.filters.set(context, (f = new FilterModel(this.rows, this.total, context)));
    return f;
  }
}

/**
 * The filtered list: runs of rows (each match and `context` rows either
 * side, merged where they touch), a gap entry before, between and after them
 * wherever rows are left out.
 */
export class FilterModel {
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** The entry index of each run's first row. */
  private readonly firstEntry: Float64Array;
  readonly entries: number;

  constructor(
    rows: Int32Array,
    readonly rowTotal: number,
    context: number,
  ) {
    const starts: number[] = [];
    const ends: number[] = [];
    for (const r of rows) {
      const lo = Math.max(0, r - context);
      const hi = Math.min(rowTotal, r + context + 1);
      if (ends.length > 0 && lo <= ends[ends.length - 1]!) ends[ends.length - 1] = Math.max(ends[ends.length - 1]!, hi);
      else {
        starts.push(lo);
        ends.push(hi);
      }
    }
    this.starts = Int32Array.from(starts);
    this.ends = Int32Array.from(ends);
    this.firstEntry = new Float64Array(starts.length);
    let e = 0;
    for (let k = 0; k < starts.length; k++) {
      if (starts[k]! > (k === 0 ? 0 : ends[k - 1]!)) e++; // the gap before it
      this.firstEntry[k] = e;
      e += ends[k]! - starts[k]!;
    }
    if (starts.length > 0 && ends[ends.length - 1]! < rowTotal) e++;
    this.entries = e;
  }

  /** The entry at index e of the filtered list. */
  entry(e: number): FilterEntry {
    const k = lowerBound(this.firstEntry, e + 1) - 1; // the last run starting at or before e
    if (k < 0) return { gap: [0, this.starts[0]!] };
    const off = e - this.firstEntry[k]!;
    const len = this.ends[k]! - this.starts[k]!;
    if (off < len) return { row: this.starts[k]! + off };
    return { gap: [this.ends[k]!, k + 1 < this.starts.length ? this.starts[k + 1]! : this.rowTotal] };
  }

  /** The entry showing a row: the row itself, or the gap it is in. */
  entryOf(row: number): number {
    if (this.starts.length === 0) return 0;
    const k = lowerBound(this.starts, row + 1) - 1;
    if (k < 0) return 0; // in the gap before the first run
    if (row < this.ends[k]!) return this.firstEntry[k]! + (row - this.starts[k]!);
    return this.firstEntry[k]! + (this.ends[k]! - this.starts[k]!); // the gap after run k
  }
}
