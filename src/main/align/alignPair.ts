// The alignment of one mapped pair, from the index: computed once per pair of
// threads and key setting, kept in the index (store/alignments.ts), and read
// back from there until what made it changes (another mapping makes another
// pair; another setting, other keys).
import type { ThreadSide } from '../diff/firstDivergence';
import { getAlignment, putAlignment, type AlignmentKey } from '../store/alignments';
import { alignThreads, ALIGNER_VERSION, DEFAULT_LIMITS, type AlignLimits, type Alignment } from './alignThreads';
import { KeyReader } from './keyReader';

/** What the keys of an alignment were derived with (the rules' fingerprint, once rules are editable). */
function keySetting(canonicalize: boolean): string {
  return canonicalize ? 'reference+canonical' : 'reference+raw';
}

function keyOf(c: ThreadSide, o: ThreadSide, canonicalize: boolean): AlignmentKey {
  return {
    canaryLog: c.log.log.logId,
    canaryThread: c.thread.threadNo,
    oursLog: o.log.log.logId,
    oursThread: o.thread.threadNo,
    keys: keySetting(canonicalize),
    version: ALIGNER_VERSION,
  };
}

/** Align without keeping the result (tests, benchmarks). */
export function computeAlignment(c: ThreadSide, o: ThreadSide, canonicalize: boolean, limits: AlignLimits = DEFAULT_LIMITS): Alignment {
  const a = new KeyReader(c.log.db, c.log.log.logId, c.thread.threadNo, c.thread.eventCount, canonicalize);
  const b = new KeyReader(o.log.db, o.log.log.logId, o.thread.threadNo, o.thread.eventCount, canonicalize);
  return alignThreads(a, b, limits);
}

/** The pair's alignment: kept in the index, computed on first use. */
export function alignPair(c: ThreadSide, o: ThreadSide, canonicalize: boolean): Alignment {
  const key = keyOf(c, o, canonicalize);
  const kept = getAlignment(c.log.db, key);
  if (kept) return kept;
  const fresh = computeAlignment(c, o, canonicalize);
  putAlignment(c.log.db, key, fresh);
  return fresh;
}
