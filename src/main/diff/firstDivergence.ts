// Walk one mapped pair of threads position by position (the reference's
// diff_one_tid) and find the first events that differ. Whole blocks whose
// hash summaries agree are skipped unread; inside a block, events whose
// hashes agree are equal; only a hash mismatch (or an event flagged for it)
// is read back from both logs and compared exactly.
import { PyError } from '../py/value';
import { LogInputError } from '../ingest/logErrors';
import { BLOCK_SIZE, FLAG_FORCE_EXACT } from '../store/eventBlock';
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
 * Whether the events at `pos` are equal by their hashes: true or false when
 * the hashes decide, null when the exact comparison must (flagged events).
 */
export function equalByHash(c: ThreadSide, o: ThreadSide, pos: number, canonicalize: boolean): boolean | null {
  const [ba, i] = c.log.locate(c.thread.threadNo, pos);
  const [bb, j] = o.log.locate(o.thread.threadNo, pos);
  if (((ba.flags[i]! | bb.flags[j]!) & FLAG_FORCE_EXACT) !== 0) return null;
  const ha = canonicalize ? ba.hashCanon : ba.hashRaw;
  const hb = canonicalize ? bb.hashCanon : bb.hashRaw;
  return ha[2 * i] === hb[2 * j] && ha[2 * i + 1] === hb[2 * j + 1] ? true : null;
}

/**
 * The last position in [to, from] (scanning down from `from`) where the two
 * threads differ, or null: the backward twin of firstDivergence.
 */
export function lastDivergence(c: ThreadSide, o: ThreadSide, canonicalize: boolean, from: number, to = 0): FirstDifference | null {
  const cs = c.log.blockSummaries(c.thread.threadNo);
  const os = o.log.blockSummaries(o.thread.threadNo);
  for (let k = Math.floor(from / BLOCK_SIZE); k >= 0 && (k + 1) * BLOCK_SIZE > to; k--) {
    const lo = Math.max(to, k * BLOCK_SIZE);
    const hi = Math.min(from, (k + 1) * BLOCK_SIZE - 1);
    const a = cs[k]!;
    const b = os[k]!;
    const whole = lo === k * BLOCK_SIZE && hi - lo + 1 === a.eventCount && a.eventCount === b.eventCount;
    if (whole && ((a.anyFlags | b.anyFlags) & FLAG_FORCE_EXACT) === 0 && (canonicalize ? a.sumCanon === b.sumCanon : a.sumRaw === b.sumRaw)) continue;
    for (let pos = hi; pos >= lo; pos--) {
      if (equalByHash(c, o, pos, canonicalize) === true) continue;
      const difference = compareAt(c, o, pos, canonicalize);
      if (difference !== null) return { position: pos, difference };
    }
  }
  return null;
}

/** Compare the events at one position exactly (the reference's compare_event). */
export function compareAt(c: ThreadSide, o: ThreadSide, pos: number, canonicalize: boolean): FieldDifference | null {
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
  const cs = c.log.blockSummaries(c.thread.threadNo);
  const os = o.log.blockSummaries(o.thread.threadNo);
  for (let k = Math.floor(from / BLOCK_SIZE); k * BLOCK_SIZE < to; k++) {
    const lo = Math.max(from, k * BLOCK_SIZE);
    const hi = Math.min(to, (k + 1) * BLOCK_SIZE);
    const a = cs[k]!;
    const b = os[k]!;
    const whole = lo === k * BLOCK_SIZE && hi - lo === a.eventCount && a.eventCount === b.eventCount;
    if (
      whole &&
      ((a.anyFlags | b.anyFlags) & FLAG_FORCE_EXACT) === 0 &&
      (canonicalize ? a.sumCanon === b.sumCanon : a.sumRaw === b.sumRaw)
    ) {
      continue;
    }
    const ba = c.log.block(c.thread.threadNo, k);
    const bb = o.log.block(o.thread.threadNo, k);
    const ha = canonicalize ? ba.hashCanon : ba.hashRaw;
    const hb = canonicalize ? bb.hashCanon : bb.hashRaw;
    for (let pos = lo; pos < hi; pos++) {
      const i = pos - k * BLOCK_SIZE;
      if (
        ((ba.flags[i]! | bb.flags[i]!) & FLAG_FORCE_EXACT) === 0 &&
        ha[2 * i] === hb[2 * i] &&
        ha[2 * i + 1] === hb[2 * i + 1]
      ) {
        continue;
      }
      const difference = compareAt(c, o, pos, canonicalize);
      if (difference !== null) return { position: pos, difference };
    }
  }
  return null;
}
