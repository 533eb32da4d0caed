// Walk one mapped pair of threads position by position (the reference's
// diff_one_tid) and find the first events that differ. Blocks whose hash
// summaries agree are skipped unread (SQLite finds the next block that
// disagrees); inside a block, events whose hashes agree are equal; only a
// hash mismatch (or an event flagged for it) is read back from both logs and
// compared exactly.
import { PyError } from '../py/value';
import { LogInputError } from '../ingest/logErrors';
import { BLOCK_SIZE, FLAG_FORCE_EXACT } from '../store/eventBlock';
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

/**
 * Whether the events at `pos` are equal by their hashes: true when the
 * hashes say so, null when the exact comparison must decide.
 */
export function equalByHash(c: ThreadSide, o: ThreadSide, pos: number, canonicalize: boolean): boolean | null {
  const [ba, i] = c.log.locate(c.thread.threadNo, pos);
  const [bb, j] = o.log.locate(o.thread.threadNo, pos);
  if (((ba.flags[i]! | bb.flags[j]!) & FLAG_FORCE_EXACT) !== 0) return null;
  const ha = canonicalize ? ba.hashCanon : ba.hashRaw;
  const hb = canonicalize ? bb.hashCanon : bb.hashRaw;
  return ha[2 * i] === hb[2 * j] && ha[2 * i + 1] === hb[2 * j + 1] ? true : null;
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
  const ha = canonicalize ? ba.hashCanon : ba.hashRaw;
  const hb = canonicalize ? bb.hashCanon : bb.hashRaw;
  for (let pos = direction === 1 ? lo : hi - 1; direction === 1 ? pos < hi : pos >= lo; pos += direction) {
    const i = pos - k * BLOCK_SIZE;
    if (((ba.flags[i]! | bb.flags[i]!) & FLAG_FORCE_EXACT) === 0 && ha[2 * i] === hb[2 * i] && ha[2 * i + 1] === hb[2 * i + 1]) continue;
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
    const next = nextUnequalBlock(c.log.db, a, b, canonicalize, k, kLast, FLAG_FORCE_EXACT);
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
    const next = nextUnequalBlock(c.log.db, a, b, canonicalize, k, kLast, FLAG_FORCE_EXACT);
    if (next === null) return null;
    k = next;
    const d = scanBlock(c, o, canonicalize, k, Math.max(to, k * BLOCK_SIZE), Math.min(from + 1, (k + 1) * BLOCK_SIZE), -1);
    if (d) return d;
  }
  return null;
}
