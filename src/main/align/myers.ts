// Myers' O(ND) greedy forward search for a shortest edit script ("An O(ND)
// Difference Algorithm and Its Variations", 1986), with the furthest-reaching
// points of every step kept (a triangle of (D+1)(D+2)/2 numbers) so that the
// path can be read back, and with an explicit bound on D.
//
// It answers two questions. With `minSnake` = Infinity:
// the minimal edit script between the two ranges (small pairs). With a finite
// `minSnake`: the cheapest way to get from (0, 0) to the start of a run of
// `minSnake` equal events (or to the end of both); the alignment uses that to
// resynchronize after a difference without looking at the rest of the streams.

/** Equal positions from (x, y) on, at most `limit` (coordinates of the search; `limit` never reaches past the ranges searched). */
export type RunLength = (x: number, y: number, limit: number) => number;

/** A difference: canary [a1, a2) against ours [b1, b2), in the search's coordinates. */
export interface LocalHunk {
  a1: number;
  a2: number;
  b1: number;
  b2: number;
}

export interface SearchResult {
  /** Edits on the way (the cost: deletions plus insertions). */
  d: number;
  /** Where the search stopped: both sides consumed up to here. */
  x: number;
  y: number;
  reason: 'corner' | 'snake';
  hunks: LocalHunk[];
}

/**
 * The triangle of furthest-reaching points: one buffer for every search of
 * the process (searches never overlap), grown as deep searches need it and
 * kept: a thousand small pairs each growing their own from nothing spent more
 * time allocating and copying it than searching. At most (dMax + 1)(dMax + 2)/2
 * numbers (8 MB for the small pairs' bound of 2000).
 */
let shared = new Int32Array(1 << 12);

export class Trace {
  constructor(readonly dMax: number) {}

  ensure(d: number): Int32Array {
    const need = ((d + 1) * (d + 2)) / 2;
    if (shared.length < need) {
      const next = new Int32Array(Math.min(((this.dMax + 1) * (this.dMax + 2)) / 2, Math.max(need, shared.length * 2)));
      next.set(shared); // the earlier steps of the running search
      shared = next;
    }
    return shared;
  }
}

const DEAD = -0x40000000;

/** Where step d's entry for diagonal k lives: step d holds diagonals -d, -d+2, …, d. */
const at = (d: number, k: number): number => (d * (d + 1)) / 2 + ((k + d) >> 1);

/**
 * The two streams as numbered keys (align/pairKeys.ts FlatPairKeys): canary's
 * position x is a[ao + x], ours' y is b[bo + y]; equal numbers, equal events.
 * The search then compares them in place instead of calling back per probe.
 */
export interface FlatKeys {
  a: Int32Array;
  ao: number;
  b: Int32Array;
  bo: number;
}

/**
 * Search from (0, 0) over canary [0, n) and ours [0, m). Returns null when no
 * goal is reached within `trace.dMax` edits. `work.count` grows with the work
 * done (the caller's budget).
 *
 * `cost`, when the caller knows the minimal cost of the whole ranges (and asks
 * for the corner: minSnake Infinity), keeps the search to the diagonals a path
 * of that cost can cross: at step d, those within cost − d of the corner's
 * diagonal n − m. Every value read back on the way to the corner lies in that
 * band and is computed from values in it, so the script is the same; the work
 * shrinks from about cost² / 2 probes to about cost² / 4, and to far fewer when
 * one side is much longer (inserted blocks), as in Wu, Manber and Myers' O(NP).
 */
export function myersSearch(
  run: RunLength | FlatKeys,
  n: number,
  m: number,
  minSnake: number,
  trace: Trace,
  work: { count: number },
  cost: number | null = null,
): SearchResult | null {
  const dMax = Math.min(trace.dMax, n + m);
  const band = cost !== null && !Number.isFinite(minSnake) ? cost : null;
  const delta = n - m;
  const probe = typeof run === 'function' ? run : null;
  const A = typeof run === 'function' ? null : run.a;
  const B = typeof run === 'function' ? null : run.b;
  const ao = typeof run === 'function' ? 0 : run.ao;
  const bo = typeof run === 'function' ? 0 : run.bo;
  const limit = Number.isFinite(minSnake) ? minSnake : n + m;
  let probes = 0;
  try {
    for (let d = 0; d <= dMax; d++) {
      const V = trace.ensure(d);
      const here = (d * (d + 1)) / 2; // step d's entries: diagonals -d, -d+2, …, d
      const before = ((d - 1) * d) / 2;
      const kLo = band === null ? -d : Math.max(-d, delta - (band - d));
      const kHi = band === null ? d : Math.min(d, delta + (band - d));
      for (let k = kLo; k <= kHi; k += 2) {
        let x: number;
        if (d === 0) x = 0;
        else {
          const left = before + ((k - 1 + d - 1) >> 1); // at(d - 1, k - 1)
          const down = k === -d || (k !== d && V[left]! < V[left + 1]!);
          x = down ? V[left + 1]! : V[left]! + 1;
        }
        let y = x - k;
        const slot = here + ((k + d) >> 1);
        if (x < 0 || y < 0 || x > n || y > m) {
          V[slot] = DEAD;
          continue;
        }
        let s = 0;
        if (x < n && y < m) {
          const e = Math.min(limit, n - x, m - y);
          if (A !== null) {
            const p = ao + x;
            const q = bo + y;
            while (s < e && A[p + s] === B![q + s]) s++;
          } else s = probe!(x, y, e);
        }
        probes += 1 + s;
        x += s;
        y += s;
        V[slot] = x;
        if (x === n && y === m) return finish(V, d, n, m, 'corner');
        if (s >= minSnake) return finish(V, d, x - s, y - s, 'snake');
      }
    }
    return null;
  } finally {
    work.count += probes;
  }
}

/** Read the path back from the goal, as hunks. */
function finish(V: Int32Array, dEnd: number, xe: number, ye: number, reason: SearchResult['reason']): SearchResult {
  // Edit points, last first: each is one deletion (at canary x) or insertion (at ours y).
  const hunks: LocalHunk[] = [];
  let open: LocalHunk | null = null;
  const edit = (x: number, y: number, del: boolean): void => {
    // Walking backwards: an edit that touches the open hunk's start extends it.
    if (open && open.a1 === (del ? x + 1 : x) && open.b1 === (del ? y : y + 1)) {
      if (del) open.a1 = x;
      else open.b1 = y;
      return;
    }
    open = del ? { a1: x, a2: x + 1, b1: y, b2: y } : { a1: x, a2: x, b1: y, b2: y + 1 };
    hunks.push(open);
  };
  let x = xe;
  let y = ye;
  for (let d = dEnd; d > 0; d--) {
    const k = x - y;
    const down = k === -d || (k !== d && V[at(d - 1, k - 1)]! < V[at(d - 1, k + 1)]!);
    const kPrev = down ? k + 1 : k - 1;
    const xPrev = V[at(d - 1, kPrev)]!;
    const yPrev = xPrev - kPrev;
    const xMid = down ? xPrev : xPrev + 1;
    if (x !== xMid) open = null; // equal events in between close the hunk
    if (down) edit(xPrev, yPrev, false);
    else edit(xPrev, yPrev, true);
    x = xPrev;
    y = yPrev;
  }
  hunks.reverse();
  let d = 0;
  for (const h of hunks) d += h.a2 - h.a1 + (h.b2 - h.b1);
  return { d, x: xe, y: ye, reason, hunks };
}
