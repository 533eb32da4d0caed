// The alignment of one mapped pair of threads: equal runs and hunks (insert:
// events only in ours; delete: events only in canary; replace: both sides
// have events there and they differ). Two events are equal for the alignment
// when the reference's compare_event finds them equal apart from
// tid_event_idx (their keys: ingest/valueHash.ts eventKey).
//
// Small pairs get a minimal edit script (Myers, bounded). Larger ones are
// walked once: an equal run is skipped a block of keys at a time; after a
// difference, Myers' search finds the cheapest way back to a run of
// MIN_SNAKE equal events; a larger difference (thousands of inserted events)
// is found by anchoring on MIN_SNAKE-event runs that occur on both sides
// (a rolling hash over one side's keys in a window, looked up from the
// other). All of it under a work budget proportional to the streams: past it
// the alignment stops at the end of the last long equal run and says so
// ("not realigned after …: the streams differ too much") rather than run away.
import type { KeyReader } from './keyReader';
import { myersSearch, Trace, type LocalHunk } from './myers';
import { FlatPairKeys, ReaderPairKeys, type PairKeys } from './pairKeys';
import type { Alignment, Hunk, HunkOp } from '../store/alignments';

export type { Alignment, Hunk };

/**
 * Bumped whenever the alignment of the same keys could come out different: kept alignments are recomputed.
 * 2: the walk's budget no longer counts the minimal search a small pair tried first (which is no longer
 * run at all when its cost is known to be out of reach): a small pair past its minimal bound may be walked
 * further before the budget stops it.
 */
export const ALIGNER_VERSION = 2;

export interface AlignLimits {
  /** Pairs up to this many events (both sides) get a minimal edit script, if it costs at most smallMaxD. */
  smallPair: number;
  smallMaxD: number;
  /** Edits Myers' search may spend to resynchronize after one difference. */
  resyncMaxD: number;
  /** Equal events in a row that count as back in step. */
  minSnake: number;
  /** The widest window (events per side) the anchor search looks in. */
  anchorWindow: number;
  /** The work budget: so many key comparisons per event of the pair, plus a constant. */
  workPerEvent: number;
  workBase: number;
}

export const DEFAULT_LIMITS: AlignLimits = {
  smallPair: 20_000,
  smallMaxD: 2_000,
  resyncMaxD: 1_200,
  minSnake: 32,
  anchorWindow: 1 << 21,
  workPerEvent: 48,
  workBase: 8_000_000,
};

/** Equal runs at least this long mark a place the streams are certainly in step again. */
const LONG_RUN = 64;

class HunkList {
  readonly hunks: Hunk[] = [];

  /** Canary [i1, i2) against ours [j1, j2); merged with the previous hunk when they touch. */
  push(i1: number, i2: number, j1: number, j2: number): void {
    if (i1 === i2 && j1 === j2) return;
    const last = this.hunks[this.hunks.length - 1];
    if (last && last.canary[1] === i1 && last.ours[1] === j1) {
      last.canary[1] = i2;
      last.ours[1] = j2;
      last.op = opOf(last.canary[0], last.canary[1], last.ours[0], last.ours[1]);
      return;
    }
    this.hunks.push({ op: opOf(i1, i2, j1, j2), canary: [i1, i2], ours: [j1, j2] });
  }

  pushLocal(h: LocalHunk, i: number, j: number): void {
    this.push(i + h.a1, i + h.a2, j + h.b1, j + h.b2);
  }
}

function opOf(i1: number, i2: number, j1: number, j2: number): HunkOp {
  return i1 === i2 ? 'insert' : j1 === j2 ? 'delete' : 'replace';
}

function costOf(hunks: Hunk[]): number {
  let c = 0;
  for (const h of hunks) c += h.canary[1] - h.canary[0] + (h.ours[1] - h.ours[0]);
  return c;
}

export interface AlignOptions {
  /** Small pairs are read whole into numbered keys (tests turn it off to check it changes nothing). */
  flat?: boolean;
  /** Told now and then how far the walk of a large pair has come: events of both sides behind it. */
  progress?: (eventsDone: number) => void;
}

/** Events the walk passes between two progress reports. */
const PROGRESS_EVERY = 1 << 18;

/** Align two threads' key streams. */
export function alignThreads(a: KeyReader, b: KeyReader, limits: AlignLimits = DEFAULT_LIMITS, opts: AlignOptions = {}): Alignment {
  const small = a.length + b.length <= limits.smallPair;
  const k: PairKeys = small && opts.flat !== false ? new FlatPairKeys(a, b) : new ReaderPairKeys(a, b);
  if (small) {
    // Its own count: whether it ran to its bound or was known hopeless at once, the walk's budget is the walk's.
    const exact = minimalScript(k, limits.smallMaxD, { count: 0 });
    if (exact) return { hunks: exact, aligned: true, stoppedAt: null, cost: costOf(exact) };
  }
  return walk(k, limits, { count: 0 }, opts.progress);
}

/** A minimal edit script (common prefix and suffix first), or null if it costs more than maxD. */
function minimalScript(k: PairKeys, maxD: number, work: { count: number }): Hunk[] | null {
  const N = k.n;
  const M = k.m;
  const p = k.run(0, 0, Math.min(N, M));
  const sfx = k.runBack(N, M, Math.min(N, M) - p);
  const n = N - p - sfx;
  const m = M - p - sfx;
  const list = new HunkList();
  if (n === 0 || m === 0) {
    list.push(p, p + n, p, p + m);
    return list.hunks;
  }
  // A search that cannot reach the corner within maxD would only show it after (maxD + 1)(maxD + 2) / 2 probes.
  const cost = k.minimalCost(p, p, n, m);
  if (cost !== null && cost > maxD) return null;
  const r = myersSearch(k.from(p, p), n, m, Infinity, new Trace(maxD), work, cost);
  if (!r) return null;
  for (const h of r.hunks) list.pushLocal(h, p, p);
  return list.hunks;
}

/** The one walk along both streams that larger pairs get. */
function walk(k: PairKeys, limits: AlignLimits, work: { count: number }, progress?: (eventsDone: number) => void): Alignment {
  const N0 = k.n;
  const M0 = k.m;
  const budget = limits.workPerEvent * (N0 + M0) + limits.workBase;
  // The common suffix is equal: the walk ends where it starts (a truncated ours, events added at the end).
  const pre = k.run(0, 0, Math.min(N0, M0));
  const sfx = k.runBack(N0, M0, Math.min(N0, M0) - pre);
  work.count += pre + sfx;
  const N = N0 - sfx;
  const M = M0 - sfx;
  const trace = new Trace(limits.resyncMaxD);
  const list = new HunkList();
  let i = 0;
  let j = 0;
  // The end of the last long equal run: where a give-up resumes from.
  let good = { i: 0, j: 0, hunks: 0 };
  const giveUp = (): Alignment => {
    list.hunks.length = good.hunks;
    list.push(good.i, N0, good.j, M0);
    return { hunks: list.hunks, aligned: false, stoppedAt: { canary: good.i, ours: good.j }, cost: costOf(list.hunks) };
  };
  let reported = 0;
  for (;;) {
    if (progress && i + j - reported >= PROGRESS_EVERY) progress((reported = i + j));
    const s = k.run(i, j, Math.min(N - i, M - j));
    work.count += s;
    i += s;
    j += s;
    if (s >= LONG_RUN) good = { i, j, hunks: list.hunks.length };
    // What the walk has passed will not be read again.
    k.passed(good.i, good.j);
    if (i === N || j === M) {
      list.push(i, N, j, M);
      break;
    }
    if (work.count > budget) return giveUp();
    if (Math.min(N - i, M - j) < limits.minSnake) {
      // Too little left on one side for a run to resynchronize on: the rest, by its minimal script where that is cheap.
      endGame(k, i, N, j, M, list, work);
      break;
    }
    const r = myersSearch(k.from(i, j), N - i, M - j, limits.minSnake, trace, work);
    if (r) {
      for (const h of r.hunks) list.pushLocal(h, i, j);
      i += r.x;
      j += r.y;
      continue;
    }
    const anchor = findAnchor(k, i, N, j, M, limits, work, budget);
    if (!anchor) return giveUp();
    // The region before the anchor: its minimal script where that is cheap, else one hunk.
    const refined = anchor.x + anchor.y <= 4 * limits.resyncMaxD ? myersSearch(k.from(i, j), anchor.x, anchor.y, Infinity, trace, work) : null;
    if (refined) for (const h of refined.hunks) list.pushLocal(h, i, j);
    else list.push(i, i + anchor.x, j, j + anchor.y);
    i += anchor.x;
    j += anchor.y;
  }
  return { hunks: list.hunks, aligned: true, stoppedAt: null, cost: costOf(list.hunks) };
}

/** Cells the end game's table may hold (one byte each). */
const END_GAME_CELLS = 1 << 23;

/**
 * The last stretch, where one side has fewer than MIN_SNAKE events left: a
 * longest common subsequence by the textbook table when it is small enough,
 * else one hunk (worse than minimal by at most twice the short side).
 */
function endGame(k: PairKeys, i: number, N: number, j: number, M: number, list: HunkList, work: { count: number }): void {
  const n = N - i;
  const m = M - j;
  if ((n + 1) * (m + 1) > END_GAME_CELLS) {
    list.push(i, N, j, M);
    return;
  }
  // L[x][y]: the longest common subsequence of canary [i + x, N) and ours [j + y, M).
  const w = m + 1;
  const L = new Uint8Array((n + 1) * w);
  for (let x = n - 1; x >= 0; x--) {
    for (let y = m - 1; y >= 0; y--) {
      L[x * w + y] = k.equal(i + x, j + y) ? L[(x + 1) * w + y + 1]! + 1 : Math.max(L[(x + 1) * w + y]!, L[x * w + y + 1]!);
    }
  }
  work.count += n * m;
  let x = 0;
  let y = 0;
  let open: { x: number; y: number } | null = null;
  while (x < n || y < m) {
    if (x < n && y < m && k.equal(i + x, j + y) && L[x * w + y] === L[(x + 1) * w + y + 1]! + 1) {
      if (open) list.push(i + open.x, i + x, j + open.y, j + y);
      open = null;
      x++;
      y++;
      continue;
    }
    open ??= { x, y };
    if (y < m && (x === n || L[x * w + y + 1]! >= L[(x + 1) * w + y]!)) y++;
    else x++;
  }
  if (open) list.push(i + open.x, i + x, j + open.y, j + y);
}

const ROLL = 0x01000193;

/**
 * The nearest place (smallest x + y) where MIN_SNAKE events from canary i + x
 * equal MIN_SNAKE events from ours j + y, looking in windows that double from
 * 16k events up to limits.anchorWindow. Rolling hashes of the keys' first
 * words find candidates; the keys themselves decide.
 */
function findAnchor(
  k: PairKeys,
  i: number,
  N: number,
  j: number,
  M: number,
  limits: AlignLimits,
  work: { count: number },
  budget: number,
): { x: number; y: number } | null {
  const K = limits.minSnake;
  let pK = 1;
  for (let t = 0; t < K; t++) pK = Math.imul(pK, ROLL);
  for (let W = 1 << 14; ; W *= 2) {
    const n = Math.min(W, N - i);
    const m = Math.min(W, M - j);
    if (n >= K && m >= K) {
      const found = anchorIn(k, i, n, j, m, K, pK, work);
      if (found) return found;
    }
    if ((n < W && m < W) || W >= limits.anchorWindow || work.count > budget) return null;
  }
}

function anchorIn(k: PairKeys, i: number, n: number, j: number, m: number, K: number, pK: number, work: { count: number }): { x: number; y: number } | null {
  let size = 1;
  while (size < 2 * m) size *= 2;
  const mask = size - 1;
  const pos = new Int32Array(size).fill(-1);
  const hashes = new Int32Array(size);
  // Every K-event window of ours' side, first occurrence kept (the nearest).
  let h = 0;
  for (let y = 0; y < m; y++) {
    h = (Math.imul(h, ROLL) + k.oursWord0(j + y)) | 0;
    if (y >= K) h = (h - Math.imul(k.oursWord0(j + y - K), pK)) | 0;
    if (y < K - 1) continue;
    const start = y - K + 1;
    let slot = (h ^ (h >>> 15)) & mask;
    while (pos[slot] !== -1 && hashes[slot] !== h) slot = (slot + 1) & mask;
    if (pos[slot] === -1) {
      pos[slot] = start;
      hashes[slot] = h;
    }
  }
  work.count += 2 * m;
  let best: { x: number; y: number } | null = null;
  h = 0;
  for (let x = 0; x < n; x++) {
    h = (Math.imul(h, ROLL) + k.canaryWord0(i + x)) | 0;
    if (x >= K) h = (h - Math.imul(k.canaryWord0(i + x - K), pK)) | 0;
    if (x < K - 1) continue;
    const start = x - K + 1;
    if (best && start >= best.x + best.y) break;
    let slot = (h ^ (h >>> 15)) & mask;
    while (pos[slot] !== -1) {
      if (hashes[slot] === h) {
        const y = pos[slot]!;
        if ((!best || start + y < best.x + best.y) && k.run(i + start, j + y, K) === K) best = { x: start, y };
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  work.count += 2 * n;
  return best;
}
