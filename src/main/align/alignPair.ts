// The alignment of one mapped pair, from the index: computed once per pair of
// threads and key setting, kept in the index (store/alignments.ts), and read
// back from there until what made it changes (another mapping makes another
// pair; another setting, other keys).
import type { ThreadSide } from '../diff/firstDivergence';
import { getAlignment, putAlignment, type AlignmentKey } from '../store/alignments';
import { alignThreads, ALIGNER_VERSION, DEFAULT_LIMITS, type AlignLimits, type Alignment } from './alignThreads';
import { KeyReader } from './keyReader';
import { pairingWalk } from './pairingWalk';

function keyOf(c: ThreadSide, o: ThreadSide): AlignmentKey {
  return {
    canaryLog: c.log.log.logId,
    canaryThread: c.thread.threadNo,
    oursLog: o.log.log.logId,
    oursThread: o.thread.threadNo,
    // What the keys were derived with: the allocator switch and the rules' fingerprint.
    keys: c.log.cmp.setting,
    version: ALIGNER_VERSION,
  };
}

/**
 * Align without keeping the result (tests, benchmarks): by the keys, then,
 * where the rules pair values, the pairing along the equal runs (an event
 * whose values break a pairing becomes a hunk of its own).
 */
export function computeAlignment(c: ThreadSide, o: ThreadSide, limits: AlignLimits = DEFAULT_LIMITS): Alignment {
  const byKeys = alignThreads(new KeyReader(c), new KeyReader(o), limits);
  return pairingWalk(byKeys, c, o).alignment;
}

/** The pair's alignment: kept in the index, computed on first use. */
export function alignPair(c: ThreadSide, o: ThreadSide): Alignment {
  const key = keyOf(c, o);
  const kept = getAlignment(c.log.db, key);
  if (kept) return kept;
  const fresh = computeAlignment(c, o);
  putAlignment(c.log.db, key, fresh);
  return fresh;
}
