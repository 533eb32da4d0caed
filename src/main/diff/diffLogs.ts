// The diff of two indexed logs with the reference's semantics, as one
// structured result that the report renderers and the workbench share.
import { pyStr } from '../py/format';
import { PyError, pyHashKey, type PyDict, type PyValue } from '../py/value';
import { LogInputError } from '../ingest/logErrors';
import type { FieldDifference } from './compareEvents';
import { firstDivergence, type ThreadSide } from './firstDivergence';
import type { Comparison } from './comparison';
import type { ThreadInfo } from './indexedLog';
import type { RuledLog } from './ruledLog';
import { similarityMapping, type SimilarityMapping } from './similarityMap';
import { autoTidMap, parseTidMapArg, sortedPairs, TidMapError, type TidPair } from './tidMap';

/** How threads are paired when no mapping is given: the reference's first-call names, or the similarity of the streams. */
export type AutoMap = 'reference' | 'similarity';

export interface DiffOptions {
  /** The --tid-map text; empty or absent means the automatic mapping. */
  tidMapArg?: string | null;
  /** A mapping chosen in the workbench (takes precedence over tidMapArg). */
  tidPairs?: TidPair[] | null;
  /** The automatic mapping, when neither of the above is given (default: the reference's). */
  autoMap?: AutoMap;
}

interface EventPair {
  canary: PyDict;
  ours: PyDict;
}

export interface Divergence {
  /** Position in both threads (the reference prints it as `tid_event_idx=`). */
  position: number;
  difference: FieldDifference;
  /** Up to five matching pairs before the divergence, oldest first. */
  preContext: EventPair[];
  canary: PyDict;
  ours: PyDict;
  nextCanary: PyDict | null;
  nextOurs: PyDict | null;
}

export interface PairResult {
  canaryTid: PyValue;
  oursTid: PyValue;
  reason: TidPair['reason'];
  canaryThread: ThreadInfo;
  oursThread: ThreadInfo;
  matched: number;
  canaryTotal: number;
  oursTotal: number;
  /** The first divergence, as the reference finds it (position by position). */
  divergence: Divergence | null;
}

export interface DiffResult {
  pairs: PairResult[];
  /** The reference's `warn:` lines (a mapped tid missing from its log). */
  warnings: string[];
  unmappedCanary: ThreadInfo[];
  unmappedOurs: ThreadInfo[];
  /** Allocator canonicalization (the reference's default; --no-canonicalize-allocators turns it off). */
  canonicalize: boolean;
  /** The automatic mapping in effect (null: a mapping was given), and for the similarity one what it found. */
  autoMap: AutoMap | null;
  similarity: SimilarityMapping | null;
  /** What the comparison was made under: the allocator switch and the rules. */
  comparison: Comparison;
}

/** No pair of threads to compare: the reference exits with status 2. */
export class NoTidMapping extends Error {
  readonly exitStatus = 2;
  constructor() {
    super('no tid mapping (auto-mapping found no shared first-kernel-call). Pass --tid-map manually.');
  }
}

/** A problem with the options, not a log: exit status 1, one line. */
export class DiffOptionError extends Error {
  readonly exitStatus = 1;
  constructor(
    message: string,
    /** The `warn:` lines the reference writes before it fails here. */
    readonly warningsBefore: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A tid the reference cannot print (an int of more than 4300 digits): its `warn:` line raises ValueError. */
function warning(side: 'canary' | 'ours', tid: PyValue, before: string[]): string {
  try {
    return `warn: ${side} tid ${pyStr(tid)} not in stream; skipping`;
  } catch (e) {
    if (!(e instanceof PyError) || typeof tid !== 'bigint') throw e;
    const hex = tid.toString(16).replace('-', '');
    const digits = tid.toString().replace('-', '').length;
    throw new DiffOptionError(
      `--tid-map: ${side} tid ${tid < 0n ? '-' : ''}0x${hex.slice(0, 8)}…${hex.slice(-8)} has ${digits} decimal digits, more than Python prints (the reference fails writing its warn: line with ${e.message})`,
      before,
    );
  }
}

const CONTEXT = 5;

/** The similarity mapping as the diff takes a mapping. */
function similarityTidMap(mapping: SimilarityMapping): Map<string, TidPair> {
  const out = new Map<string, TidPair>();
  for (const p of mapping.pairs) {
    out.set(p.canary.tidKey, {
      canaryTid: p.canary.tid,
      oursTid: p.ours.tid,
      reason: { by: 'similarity', similarity: p.similarity, confidence: p.confidence, unsure: p.unsure, why: p.reason },
    });
  }
  return out;
}

function resolveTidMap(canary: RuledLog, ours: RuledLog, opts: DiffOptions, similarity: SimilarityMapping | null): Map<string, TidPair> {
  if (opts.tidPairs) {
    const m = new Map<string, TidPair>();
    for (const p of opts.tidPairs) m.set(pyHashKey(p.canaryTid), p);
    return m;
  }
  if (opts.tidMapArg) {
    try {
      return parseTidMapArg(opts.tidMapArg);
    } catch (e) {
      if (e instanceof TidMapError) throw new DiffOptionError(e.message);
      if (e instanceof PyError) throw new DiffOptionError(`--tid-map: ${e.message.replace(/^ValueError: /, '')}`);
      throw e;
    }
  }
  return similarity ? similarityTidMap(similarity) : autoTidMap(canary, ours);
}

function checkCanonicalizable(log: RuledLog): void {
  const crash = log.log.canonCrash;
  if (crash) throw new LogInputError(log.label, crash.line, crash.message);
}

function divergenceDetail(c: ThreadSide, o: ThreadSide, position: number, difference: FieldDifference): Divergence {
  const ct = c.thread.threadNo;
  const ot = o.thread.threadNo;
  const preContext: EventPair[] = [];
  for (let p = Math.max(0, position - CONTEXT); p < position; p++) {
    preContext.push({ canary: c.log.event(ct, p), ours: o.log.event(ot, p) });
  }
  return {
    position,
    difference,
    preContext,
    canary: c.log.event(ct, position),
    ours: o.log.event(ot, position),
    nextCanary: position + 1 < c.thread.eventCount ? c.log.event(ct, position + 1) : null,
    nextOurs: position + 1 < o.thread.eventCount ? o.log.event(ot, position + 1) : null,
  };
}

function diffPair(c: ThreadSide, o: ThreadSide, pair: TidPair): PairResult {
  const first = firstDivergence(c, o);
  const n = Math.min(c.thread.eventCount, o.thread.eventCount);
  const divergence = first && divergenceDetail(c, o, first.position, first.difference);
  return {
    canaryTid: pair.canaryTid,
    oursTid: pair.oursTid,
    reason: pair.reason,
    canaryThread: c.thread,
    oursThread: o.thread,
    matched: first ? first.position : n,
    canaryTotal: c.thread.eventCount,
    oursTotal: o.thread.eventCount,
    divergence,
  };
}

/**
 * The reference's main(): canonicalization check, mapping, per-pair first
 * divergence, under the comparison both logs are seen with.
 */
export function diffLogs(canary: RuledLog, ours: RuledLog, opts: DiffOptions): DiffResult {
  const comparison = canary.cmp;
  if (comparison.canonicalize) {
    checkCanonicalizable(canary);
    checkCanonicalizable(ours);
  }
  const given = Boolean(opts.tidPairs) || Boolean(opts.tidMapArg);
  const autoMap = given ? null : (opts.autoMap ?? 'reference');
  const similarity = autoMap === 'similarity' ? similarityMapping(canary.base, ours.base) : null;
  const mapping = resolveTidMap(canary, ours, opts, similarity);
  if (mapping.size === 0) throw new NoTidMapping();
  let ordered: TidPair[];
  try {
    ordered = sortedPairs(mapping);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    throw new DiffOptionError(`the mapped tids cannot be sorted (the reference fails here with ${e.message})`);
  }
  const warnings: string[] = [];
  const pairs: PairResult[] = [];
  const usedCanary = new Set<number>();
  const usedOurs = new Set<number>();
  for (const pair of ordered) {
    const ct = canary.threadByKey(pyHashKey(pair.canaryTid));
    if (!ct) {
      warnings.push(warning('canary', pair.canaryTid, warnings));
      continue;
    }
    const ot = ours.threadByKey(pyHashKey(pair.oursTid));
    if (!ot) {
      warnings.push(warning('ours', pair.oursTid, warnings));
      continue;
    }
    usedCanary.add(ct.threadNo);
    usedOurs.add(ot.threadNo);
    pairs.push(diffPair({ log: canary, thread: ct }, { log: ours, thread: ot }, pair));
  }
  return {
    pairs,
    warnings,
    unmappedCanary: canary.threads.filter((t) => !usedCanary.has(t.threadNo)),
    unmappedOurs: ours.threads.filter((t) => !usedOurs.has(t.threadNo)),
    canonicalize: comparison.canonicalize,
    autoMap,
    similarity,
    comparison,
  };
}
