// The alignment of one mapped pair, from the index: computed once per pair of
// threads and key setting, kept in the index (store/alignments.ts), and read
// back from there until what made it changes (another mapping makes another
// pair; another setting, other keys).
import type { ThreadSide } from '../diff/firstDivergence';
import { getAlignment, putAlignment, type AlignmentKey } from '../store/alignments';
import { alignThreads, ALIGNER_VERSION, DEFAULT_LIMITS, type AlignLimits, type AlignOptions, type Alignment } from './alignThreads';
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
export function computeAlignment(
  c: ThreadSide,
  o: ThreadSide,
  canonicalize: boolean,
  limits: AlignLimits = DEFAULT_LIMITS,
  opts: AlignOptions = {},
): Alignment {
  const a = new KeyReader(c.log.db, c.log.log.logId, c.thread.threadNo, c.thread.eventCount, canonicalize);
  const b = new KeyReader(o.log.db, o.log.log.logId, o.thread.threadNo, o.thread.eventCount, canonicalize);
  return alignThreads(a, b, limits, opts);
}

/** The pair's alignment if the index keeps one for these keys and this aligner. */
export function keptAlignment(c: ThreadSide, o: ThreadSide, canonicalize: boolean): Alignment | null {
  return getAlignment(c.log.db, keyOf(c, o, canonicalize));
}

/** Keep a pair's alignment (computed here or in a worker) in the index. */
export function keepAlignment(c: ThreadSide, o: ThreadSide, canonicalize: boolean, a: Alignment): void {
  putAlignment(c.log.db, keyOf(c, o, canonicalize), a);
}

/** The pair's alignment: kept in the index, computed on first use. */
export function alignPair(c: ThreadSide, o: ThreadSide, canonicalize: boolean): Alignment {
  const kept = keptAlignment(c, o, canonicalize);
  if (kept) return kept;
  const fresh = computeAlignment(c, o, canonicalize);
  keepAlignment(c, o, canonicalize, fresh);
  return fresh;
}
