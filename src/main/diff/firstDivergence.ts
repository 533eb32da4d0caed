// Walk one mapped pair of threads position by position (the reference's
// diff_one_tid) and find the first events that differ. Blocks whose hash
// summaries agree are skipped unread (SQLite finds the next block that
// disagrees); inside a block, events whose hashes agree are equal; only a
// hash mismatch (or an event flagged for it) is read back from both logs and
// compared exactly.
import { PyError } from '../py/value';
import { LogInputError } from '../ingest/logErrors';
import { BLOCK_SIZE, FLAG_FORCE_EXACT, FLAG_IDX_INEXACT, KEY_WORDS } from '../store/eventBlock';
import { nextUnequalBlock } from '../store/logIndex';
import { compareEvents, type FieldDifference } from './compareEvents';
import type { IndexedLog, ThreadInfo } from './indexedLog';

export interface ThreadSide {
  log: IndexedLog;
  thread: ThreadInfo;
}

export interface FirstDifference {
  position: number;
  difference: FieldDifference;
}

/** Flags that make the positional comparison read both events back and compare them exactly. */
const EXACT_FLAGS = FLAG_FORCE_EXACT | FLAG_IDX_INEXACT;

/** Equal keys and equal tid_event_idx: equal by the reference's compare_event (up to collisions of 128-bit keyed hashes). */
function sameAt(ka: Uint32Array, ia: number, xa: number, kb: Uint32Array, ib: number, xb: number): boolean {
  const a = KEY_WORDS * ia;
  const b = KEY_WORDS * ib;
  return xa === xb && ka[a] === kb[b] && ka[a + 1] === kb[b + 1] && ka[a + 2] === kb[b + 2] && ka[a + 3] === kb[b + 3];
}

/**
 * Whether the events at `pos` are equal by their keys: true when the keys
 * and tid_event_idx say so, null when the exact comparison must decide.
 */
export function equalByKey(c: ThreadSide, o: ThreadSide, pos: number, canonicalize: boolean): boolean | null {
  const [ba, i] = c.log.locate(c.thread.threadNo, pos);
  const [bb, j] = o.log.locate(o.thread.threadNo, pos);
  if (((ba.flags[i]! | bb.flags[j]!) & EXACT_FLAGS) !== 0) return null;
  const ka = c.log.keys(c.thread.threadNo, Math.floor(pos / BLOCK_SIZE), canonicalize);
  const kb = o.log.keys(o.thread.threadNo, Math.floor(pos / BLOCK_SIZE), canonicalize);
  return sameAt(ka, i, ba.idx[i]!, kb, j, bb.idx[j]!) ? true : null;
}

/** Compare the events at one position exactly (the reference's compare_event). */
function compareAt(c: ThreadSide, o: ThreadSide, pos: number, canonicalize: boolean): FieldDifference | null {
  const ec = c.log.event(c.thread.threadNo, pos, canonicalize);
  const eo = o.log.event(o.thread.threadNo, pos, canonicalize);
  try {
    return compareEvents(ec, eo);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    throw new LogInputError(
      c.log.label,
      c.log.lineNumber(c.thread.threadNo, pos),
      `this event cannot be compared with ${o.log.label} line ${o.log.lineNumber(o.thread.threadNo, pos)} (the reference fails here with ${e.message})`,
    );
  }
}

/** Examine positions [lo, hi) of block k in `direction`: hashes first, the exact comparison where they disagree. */
function scanBlock(c: ThreadSide, o: ThreadSide, canonicalize: boolean, k: number, lo: number, hi: number, direction: 1 | -1): FirstDifference | null {
  const ba = c.log.block(c.thread.threadNo, k);
  const bb = o.log.block(o.thread.threadNo, k);
  const ka = c.log.keys(c.thread.threadNo, k, canonicalize);
  const kb = o.log.keys(o.thread.threadNo, k, canonicalize);
  for (let pos = direction === 1 ? lo : hi - 1; direction === 1 ? pos < hi : pos >= lo; pos += direction) {
    const i = pos - k * BLOCK_SIZE;
    if (((ba.flags[i]! | bb.flags[i]!) & EXACT_FLAGS) === 0 && sameAt(ka, i, ba.idx[i]!, kb, i, bb.idx[i]!)) continue;
    const difference = compareAt(c, o, pos, canonicalize);
    if (difference !== null) return { position: pos, difference };
  }
  return null;
}

function sides(c: ThreadSide, o: ThreadSide): [{ logId: number; threadNo: number }, { logId: number; threadNo: number }] {
  return [
    { logId: c.log.log.logId, threadNo: c.thread.threadNo },
    { logId: o.log.log.logId, threadNo: o.thread.threadNo },
  ];
}

/**
 * The first position in [from, to) where the two threads differ, or null.
 * `to` defaults to the shorter thread's length.
 */
export function firstDivergence(
  c: ThreadSide,
  o: ThreadSide,
  canonicalize: boolean,
  from = 0,
  to = Math.min(c.thread.eventCount, o.thread.eventCount),
): FirstDifference | null {
  if (from >= to) return null;
  const [a, b] = sides(c, o);
  const kLast = Math.floor((to - 1) / BLOCK_SIZE);
  for (let k = Math.floor(from / BLOCK_SIZE); k <= kLast; k++) {
    // Blocks whose summaries agree hold equal events at every position: all skipped in one query.
    const next = nextUnequalBlock(c.log.db, a, b, canonicalize, k, kLast, EXACT_FLAGS);
    if (next === null) return null;
    k = next;
    const d = scanBlock(c, o, canonicalize, k, Math.max(from, k * BLOCK_SIZE), Math.min(to, (k + 1) * BLOCK_SIZE), 1);
    if (d) return d;
  }
  return null;
}

/** The last position in [to, from] (scanning down from `from`) where the two threads differ, or null. */
export function lastDivergence(c: ThreadSide, o: ThreadSide, canonicalize: boolean, from: number, to = 0): FirstDifference | null {
  if (from < to) return null;
  const [a, b] = sides(c, o);
  const kLast = Math.floor(to / BLOCK_SIZE);
  for (let k = Math.floor(from / BLOCK_SIZE); k >= kLast; k--) {
    const next = nextUnequalBlock(c.log.db, a, b, canonicalize, k, kLast, EXACT_FLAGS);
    if (next === null) return null;
    k = next;
    const d = scanBlock(c, o, canonicalize, k, Math.max(to, k * BLOCK_SIZE), Math.min(from + 1, (k + 1) * BLOCK_SIZE), -1);
    if (d) return d;
  }
  return null;
}
