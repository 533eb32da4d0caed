// Walk one mapped pair of threads position by position (the reference's
// diff_one_tid) and find the first events that differ. Under the reference's
// rules: blocks whose hash summaries agree are skipped unread (SQLite finds
// the next block that disagrees); inside a block, events whose hashes agree
// are equal. Under other rules: the keys derived for them (deriveKeys.ts),
// with paired values checked by the pairing built along the way. Only a key
// mismatch (or an event flagged for it) is read back from both logs and
// compared exactly.
import { PyError, type PyDict } from '../py/value';
import { LogInputError } from '../ingest/logErrors';
import { pyRepr } from '../py/format';
import { BLOCK_SIZE, FLAG_FORCE_EXACT, FLAG_IDX_INEXACT, KEY_WORDS } from '../store/eventBlock';
import { nextUnequalBlock } from '../store/logIndex';
import { compareEvents, type FieldDifference } from './compareEvents';
import { compareEventsUnder, valueAt } from './compareUnderRules';
import { DFLAG_IDX_SKIPPED, DFLAG_PAIRED, type DerivedThread } from './derivedThread';
import type { ThreadInfo } from './indexedLog';
import { Pairing, type PairingConflict } from './pairing';
import type { RuledLog, StreamBlock } from './ruledLog';

export interface ThreadSide {
  log: RuledLog;
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

/** Under rules: equal keys, and tid_event_idx equal unless the rules leave it out. */
function sameInStream(a: StreamBlock, i: number, b: StreamBlock, j: number): boolean {
  const fa = a.flags[i]!;
  if (((fa | b.flags[j]!) & EXACT_FLAGS) !== 0) return false;
  const idxOk = (fa & DFLAG_IDX_SKIPPED) !== 0 || a.idx[i] === b.idx[j];
  return idxOk && sameAt(a.keys, i, 0, b.keys, j, 0);
}

/**
 * Whether the events at `pos` are equal by their keys: true when the keys
 * and tid_event_idx say so, null when the exact comparison must decide
 * (and for paired values, which only a walk from the start can decide).
 */
export function equalByKey(c: ThreadSide, o: ThreadSide, pos: number): boolean | null {
  if (!c.log.cmp.reference) {
    const k = Math.floor(pos / BLOCK_SIZE);
    const a = c.log.streamBlock(c.thread.threadNo, k);
    const b = o.log.streamBlock(o.thread.threadNo, k);
    const i = pos - k * BLOCK_SIZE;
    if ((a.flags[i]! & DFLAG_PAIRED) !== 0) return null;
    return sameInStream(a, i, b, i) ? true : null;
  }
  const base = { c: c.log.base, o: o.log.base };
  const canonicalize = c.log.cmp.canonicalize;
  const [ba, i] = base.c.locate(c.thread.threadNo, pos);
  const [bb, j] = base.o.locate(o.thread.threadNo, pos);
  if (((ba.flags[i]! | bb.flags[j]!) & EXACT_FLAGS) !== 0) return null;
  const ka = base.c.keys(c.thread.threadNo, Math.floor(pos / BLOCK_SIZE), canonicalize);
  const kb = base.o.keys(o.thread.threadNo, Math.floor(pos / BLOCK_SIZE), canonicalize);
  return sameAt(ka, i, ba.idx[i]!, kb, j, bb.idx[j]!) ? true : null;
}

/** compare_event on two events under the comparison's rules (the reference's compare_event under the reference's). */
export function compareEventsAs(c: ThreadSide, ec: PyDict, eo: PyDict, opts: { ignoreIdx?: boolean } = {}): FieldDifference | null {
  return c.log.cmp.reference ? compareEvents(ec, eo, opts) : compareEventsUnder(c.log.rules, ec, eo, opts);
}

/** compare_event on two events read back (under the comparison's rules); the reference's own failure where it would fail. */
function compareExact(c: ThreadSide, i: number, o: ThreadSide, j: number, opts: { ignoreIdx?: boolean } = {}): FieldDifference | null {
  const ec = c.log.event(c.thread.threadNo, i);
  const eo = o.log.event(o.thread.threadNo, j);
  try {
    return compareEventsAs(c, ec, eo, opts);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    throw new LogInputError(
      c.log.label,
      c.log.lineNumber(c.thread.threadNo, i),
      `this event cannot be compared with ${o.log.label} line ${o.log.lineNumber(o.thread.threadNo, j)} (the reference fails here with ${e.message})`,
    );
  }
}

/** How a paired value breaks its pairing, in the reference's words plus the partner it was paired with. */
export function describeConflict(c: ThreadSide, i: number, o: ThreadSide, j: number, conflict: PairingConflict): FieldDifference {
  const path = c.log.rules.paired[conflict.field]!.path;
  const vc = valueAt(c.log.event(c.thread.threadNo, i), path);
  const vo = valueAt(o.log.event(o.thread.threadNo, j), path);
  const why =
    conflict.canaryPartner !== null ? `canary's value was paired with another ours value earlier` : `ours' value was paired with another canary value earlier`;
  return {
    field: 'payload',
    key: path[1]!,
    description: `${path.join('.')}: canary=${pyRepr(vc)} ours=${pyRepr(vo)} (paired values: ${why})`,
  };
}

/** Examine positions [lo, hi) of block k in `direction`: hashes first, the exact comparison where they disagree. */
function scanBlock(c: ThreadSide, o: ThreadSide, k: number, lo: number, hi: number, direction: 1 | -1): FirstDifference | null {
  const canonicalize = c.log.cmp.canonicalize;
  const ba = c.log.base.block(c.thread.threadNo, k);
  const bb = o.log.base.block(o.thread.threadNo, k);
  const ka = c.log.base.keys(c.thread.threadNo, k, canonicalize);
  const kb = o.log.base.keys(o.thread.threadNo, k, canonicalize);
  for (let pos = direction === 1 ? lo : hi - 1; direction === 1 ? pos < hi : pos >= lo; pos += direction) {
    const i = pos - k * BLOCK_SIZE;
    if (((ba.flags[i]! | bb.flags[i]!) & EXACT_FLAGS) === 0 && sameAt(ka, i, ba.idx[i]!, kb, i, bb.idx[i]!)) continue;
    const difference = compareExact(c, pos, o, pos);
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

/** The first block at or after k holding a change of the stream (Infinity: none). */
function nextChangedBlock(d: DerivedThread, k: number): number {
  const c = d.firstChangeFrom(k * BLOCK_SIZE);
  return c < d.changed.length ? Math.floor(d.changed[c]! / BLOCK_SIZE) : Infinity;
}

/**
 * Under rules, position by position (from the start where values are paired:
 * the pairing is built along the way): the first difference at or after
 * `from`, before `to`; with `all`, every position of [from, to) that
 * differs; with `conflicts`, the positions whose only difference is a pairing
 * they break. Blocks whose summaries agree and that hold no changed key on
 * either side are skipped unread, as under the reference's rules.
 */
function walkDerived(
  c: ThreadSide,
  o: ThreadSide,
  from: number,
  to: number,
  all: number[] | null,
  conflicts: Map<number, FieldDifference> | null = null,
): FirstDifference | null {
  const dc = c.log.derived(c.thread.threadNo)!;
  const dov = o.log.derived(o.thread.threadNo)!;
  const pairing = dc.paired ? new Pairing() : null;
  const start = pairing ? 0 : from;
  if (start >= to) return null;
  // Left-out events make stream blocks that are no blocks of the index: no summary speaks for them.
  const bySummary = !dc.positions && !dov.positions;
  const [a, b] = sides(c, o);
  const kLast = Math.floor((to - 1) / BLOCK_SIZE);
  let unequal = -1;
  for (let k = Math.floor(start / BLOCK_SIZE); k <= kLast; k++) {
    if (bySummary) {
      if (unequal < k) unequal = nextUnequalBlock(c.log.db, a, b, c.log.cmp.canonicalize, k, kLast, EXACT_FLAGS) ?? Infinity;
      const next = Math.min(unequal, nextChangedBlock(dc, k), nextChangedBlock(dov, k));
      if (next > kLast) return null;
      k = next;
    }
    const sa = c.log.streamBlock(c.thread.threadNo, k);
    const sb = o.log.streamBlock(o.thread.threadNo, k);
    const hi = Math.min(to, (k + 1) * BLOCK_SIZE);
    for (let pos = Math.max(start, k * BLOCK_SIZE); pos < hi; pos++) {
      const i = pos - k * BLOCK_SIZE;
      let difference: FieldDifference | null = null;
      if (!sameInStream(sa, i, sb, i)) difference = compareExact(c, pos, o, pos);
      // Equal keys mean the same paired fields, in the same order: only then are their values paired.
      if (difference === null && pairing && (sa.flags[i]! & DFLAG_PAIRED) !== 0 && sameAt(sa.keys, i, 0, sb.keys, i, 0)) {
        const conflict = pairing.check(dc, dc.changeAt(pos), dov, dov.changeAt(pos));
        if (conflict) {
          difference = describeConflict(c, pos, o, pos, conflict);
          conflicts?.set(pos, difference);
        }
      }
      if (difference === null || pos < from) continue;
      if (!all) return { position: pos, difference };
      all.push(pos);
    }
  }
  return null;
}

/**
 * The positions where the only difference is a pairing the events break,
 * with how (empty unless the rules pair values): what the positional view
 * marks beyond what comparing the two events alone shows.
 */
export function positionalConflicts(c: ThreadSide, o: ThreadSide): Map<number, FieldDifference> {
  const out = new Map<number, FieldDifference>();
  const dc = c.log.derived(c.thread.threadNo);
  if (!dc?.paired) return out;
  walkDerived(c, o, 0, Math.min(c.thread.eventCount, o.thread.eventCount), [], out);
  return out;
}

/**
 * The first position in [from, to) where the two threads differ, or null.
 * `to` defaults to the shorter thread's length.
 */
export function firstDivergence(c: ThreadSide, o: ThreadSide, from = 0, to = Math.min(c.thread.eventCount, o.thread.eventCount)): FirstDifference | null {
  if (from >= to) return null;
  if (!c.log.cmp.reference) return walkDerived(c, o, from, to, null);
  const [a, b] = sides(c, o);
  const kLast = Math.floor((to - 1) / BLOCK_SIZE);
  for (let k = Math.floor(from / BLOCK_SIZE); k <= kLast; k++) {
    // Blocks whose summaries agree hold equal events at every position: all skipped in one query.
    const next = nextUnequalBlock(c.log.db, a, b, c.log.cmp.canonicalize, k, kLast, EXACT_FLAGS);
    if (next === null) return null;
    k = next;
    const d = scanBlock(c, o, k, Math.max(from, k * BLOCK_SIZE), Math.min(to, (k + 1) * BLOCK_SIZE), 1);
    if (d) return d;
  }
  return null;
}

/** The last position in [to, from] (scanning down from `from`) where the two threads differ, or null. */
export function lastDivergence(c: ThreadSide, o: ThreadSide, from: number, to = 0): FirstDifference | null {
  if (from < to) return null;
  if (!c.log.cmp.reference) {
    const all: number[] = [];
    walkDerived(c, o, to, from + 1, all);
    const last = all[all.length - 1];
    return last === undefined ? null : walkDerived(c, o, last, last + 1, null);
  }
  const [a, b] = sides(c, o);
  const kLast = Math.floor(to / BLOCK_SIZE);
  for (let k = Math.floor(from / BLOCK_SIZE); k >= kLast; k--) {
    const next = nextUnequalBlock(c.log.db, a, b, c.log.cmp.canonicalize, k, kLast, EXACT_FLAGS);
    if (next === null) return null;
    k = next;
    const d = scanBlock(c, o, k, Math.max(to, k * BLOCK_SIZE), Math.min(from + 1, (k + 1) * BLOCK_SIZE), -1);
    if (d) return d;
  }
  return null;
}
