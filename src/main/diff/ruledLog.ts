// An indexed log as a comparison sees it: its threads as streams under the
// rules (events of ignored kinds left out), each event's key under them, and
// each event read back canonicalized as the rules rewrite it. Under the
// reference's rules it is the indexed log itself, with every fast path of the
// index (block summaries, kept keys); under others the keys are derived from
// the index's field blocks (deriveKeys.ts), once per thread and rule set.
import { isDict, type PyDict } from '../py/value';
import { BLOCK_SIZE as BLOCK, FLAG_FORCE_EXACT as EXACT, FLAG_IDX_INEXACT as INEXACT, KEY_WORDS as WORDS } from '../store/eventBlock';
import type { Db } from '../store/db';
import type { KeyColumns } from '../store/eventBlock';
import type { FieldBlock, FieldDictionary } from '../store/fieldBlocks';
import { readThreadKeys } from '../store/logIndex';
import { CompiledRules, KeyDeriver, LogFields } from './deriveKeys';
import { DerivedThread, DFLAG_IDX_SKIPPED as IDX_SKIPPED, type Sentinel } from './derivedThread';
import type { Comparison } from './comparison';
import type { IndexedLog, ThreadInfo } from './indexedLog';

// Module-local copies of the constants read per event: an imported binding is a getter
// call each time where the sources run unbundled (tsx: the benchmark, the tests).
const BLOCK_SIZE = BLOCK;
const KEY_WORDS = WORDS;
const FLAG_FORCE_EXACT = EXACT;
const FLAG_IDX_INEXACT = INEXACT;
const DFLAG_IDX_SKIPPED = IDX_SKIPPED;

/** Rule sets whose derived streams a log keeps at once (the session's, and the ones just before it). */
const KEPT_SETTINGS = 3;

/** A block of a thread's stream as a comparison reads it: each event's key, flags and tid_event_idx. */
export interface StreamBlock {
  count: number;
  keys: Uint32Array;
  /** FLAG_FORCE_EXACT, FLAG_IDX_INEXACT, and under rules DFLAG_IDX_SKIPPED and DFLAG_PAIRED. */
  flags: Uint8Array;
  idx: Float64Array;
}

interface DerivedSet {
  rules: CompiledRules;
  /** Made on the first thread derived here (it reads the log's field dictionary): a worker given the streams never needs it. */
  deriver: KeyDeriver | null;
  threads: Map<number, DerivedThread>;
}

const fieldsOf = new WeakMap<IndexedLog, LogFields>();

/**
 * A thread's keys (canonicalized as asked), flags and tid_event_idx as the
 * index holds them, in one piece, in shared memory: an alignment worker reads
 * the very columns this thread read (RuledLog.streamParts), without a copy.
 */
export type BaseColumns = KeyColumns;

const columnsOf = new WeakMap<IndexedLog, Map<string, BaseColumns>>();

/** A thread's columns read from the index into shared memory (here, or in a worker: diff/fieldsWorker.ts). */
export function readBaseColumns(db: Db, logId: number, threadNo: number, eventCount: number, canonicalize: boolean): BaseColumns {
  const cols = {
    keys: new Uint32Array(new SharedArrayBuffer(4 * KEY_WORDS * eventCount)),
    flags: new Uint8Array(new SharedArrayBuffer(eventCount)),
    idx: new Float64Array(new SharedArrayBuffer(8 * eventCount)),
  };
  readThreadKeys(db, logId, threadNo, eventCount, canonicalize, FLAG_FORCE_EXACT | FLAG_IDX_INEXACT, cols);
  return cols;
}

/**
 * The index's columns of a thread, read once per log and kept with it while
 * rules are in force: a rule change then reads no block again (24 bytes an
 * event: what the derived streams lay their changes over).
 */
function baseColumns(base: IndexedLog, threadNo: number, canonicalize: boolean): BaseColumns {
  const kept = columnsOf.get(base)?.get(`${threadNo}:${canonicalize}`);
  if (kept) return kept;
  const t = base.threads.find((x) => x.threadNo === threadNo);
  const cols = readBaseColumns(base.db, base.log.logId, threadNo, t?.eventCount ?? 0, canonicalize);
  keepColumns(base, threadNo, canonicalize, cols);
  return cols;
}

/** Keep a thread's columns with its log (unless kept already: whoever asked first has them). */
export function keepColumns(base: IndexedLog, threadNo: number, canonicalize: boolean, cols: BaseColumns): void {
  let byThread = columnsOf.get(base);
  if (!byThread) columnsOf.set(base, (byThread = new Map()));
  const key = `${threadNo}:${canonicalize}`;
  if (!byThread.has(key)) byThread.set(key, cols);
}

function logFields(base: IndexedLog): LogFields {
  let fields = fieldsOf.get(base);
  if (!fields) fieldsOf.set(base, (fields = new LogFields(base.db, base.log.logId, base.secret)));
  return fields;
}

/** Keep a log's field dictionary and field blocks as another thread read them (diff/fieldsLoader.ts), unless read here already. */
export function keepFields(base: IndexedLog, dict: FieldDictionary | null, blocks: { threadNo: number; blocks: FieldBlock[] } | null): void {
  if (dict && !fieldsOf.has(base)) fieldsOf.set(base, new LogFields(base.db, base.log.logId, base.secret, dict));
  if (blocks) fieldsOf.get(base)?.adoptBlocks(blocks.threadNo, blocks.blocks);
}

/** Whether everything a rule change reads of a log's index is kept with it already (nothing for a loader to read). */
export function fieldDataKept(base: IndexedLog, canonicalize: boolean): boolean {
  const fields = fieldsOf.get(base);
  const cols = columnsOf.get(base);
  return !!fields && !!cols && base.threads.every((t) => fields.hasBlocks(t.threadNo) && cols.has(`${t.threadNo}:${canonicalize}`));
}
const derivedOf = new WeakMap<IndexedLog, Map<string, DerivedSet>>();

function derivedSet(base: IndexedLog, cmp: Comparison): DerivedSet {
  let bySetting = derivedOf.get(base);
  if (!bySetting) derivedOf.set(base, (bySetting = new Map()));
  let set = bySetting.get(cmp.setting);
  if (set) {
    bySetting.delete(cmp.setting); // most recently used last
  } else {
    set = { rules: new CompiledRules(cmp), deriver: null, threads: new Map() };
    if (bySetting.size >= KEPT_SETTINGS) bySetting.delete(bySetting.keys().next().value!);
  }
  bySetting.set(cmp.setting, set);
  return set;
}

function deriverOf(base: IndexedLog, set: DerivedSet): KeyDeriver {
  return (set.deriver ??= new KeyDeriver(logFields(base), set.rules));
}

/** Keep a thread's stream under a comparison as another thread derived it (a structured clone), unless derived here already. */
export function keepDerived(base: IndexedLog, cmp: Comparison, threadNo: number, d: DerivedThread): void {
  if (cmp.reference) return;
  const set = derivedSet(base, cmp);
  if (!set.threads.has(threadNo))
    set.threads.set(threadNo, new DerivedThread(d.length, d.positions, d.changed, d.changedKeys, d.changedFlags, d.idxSkip, d.sentinels, d.paired));
}

/** What an alignment worker is given of a thread's stream, to read it as the owning thread does (RuledLog.adopt). */
export interface StreamParts {
  derived: DerivedThread;
  columns: BaseColumns;
}

export class RuledLog {
  private set: DerivedSet | null = null;
  private streams: ThreadInfo[] | null = null;
  private readonly byKey = new Map<string, ThreadInfo>();

  constructor(
    readonly base: IndexedLog,
    readonly cmp: Comparison,
  ) {}

  get db(): IndexedLog['db'] {
    return this.base.db;
  }
  get log(): IndexedLog['log'] {
    return this.base.log;
  }
  get label(): string {
    return this.base.label;
  }
  get path(): string {
    return this.base.path;
  }

  /** The threads as streams: their events less the ignored kinds. */
  get threads(): ThreadInfo[] {
    if (this.streams) return this.streams;
    const rules = this.cmp.rules;
    if (this.cmp.reference || rules.ignoreKinds.length === 0) this.streams = this.base.threads;
    else this.streams = this.base.threads.map((t) => this.asStream(t));
    for (const t of this.streams) this.byKey.set(t.tidKey, t);
    return this.streams;
  }

  /** One thread as a stream (what `threads` holds for it), deriving that thread only. */
  streamThread(threadNo: number): ThreadInfo | undefined {
    if (this.streams) return this.streams.find((t) => t.threadNo === threadNo);
    const t = this.base.threads.find((x) => x.threadNo === threadNo);
    return t && !this.cmp.reference && this.cmp.rules.ignoreKinds.length > 0 ? this.asStream(t) : t;
  }

  private asStream(t: ThreadInfo): ThreadInfo {
    // The automatic mapping reads the first kernel.call of what is left.
    const callsGone = this.cmp.rules.ignoreKinds.includes('kernel.call');
    return {
      ...t,
      eventCount: this.derived(t.threadNo)!.length,
      ...(callsGone ? { firstCallName: undefined, firstCallNameJson: null, firstCallCrash: null, firstCallLine: null } : {}),
    };
  }

  /**
   * What an alignment worker needs to read a thread's stream as this thread
   * does: its derived stream and the index's columns (shared memory), so that
   * the keys are derived once per rule set, here (null under the reference's
   * rules: the worker reads the index's blocks).
   */
  streamParts(threadNo: number): StreamParts | null {
    if (this.cmp.reference) return null;
    return { derived: this.derived(threadNo)!, columns: baseColumns(this.base, threadNo, this.cmp.canonicalize) };
  }

  /** Take a thread's stream as another thread derived it (streamParts, after a structured clone). */
  adopt(threadNo: number, parts: StreamParts): void {
    if (this.cmp.reference) return;
    keepDerived(this.base, this.cmp, threadNo, parts.derived);
    keepColumns(this.base, threadNo, this.cmp.canonicalize, parts.columns);
  }

  threadByKey(tidKey: string): ThreadInfo | undefined {
    if (!this.streams) void this.threads;
    return this.byKey.get(tidKey);
  }

  /** The rules compiled (by kind, as trees of fields) for the exact comparison and the pairing. */
  get rules(): CompiledRules {
    this.set ??= derivedSet(this.base, this.cmp);
    return this.set.rules;
  }

  /** A thread's stream under the rules (null under the reference's: the index's blocks serve). */
  derived(threadNo: number): DerivedThread | null {
    if (this.cmp.reference) return null;
    this.set ??= derivedSet(this.base, this.cmp);
    let d = this.set.threads.get(threadNo);
    if (!d) {
      const t = this.base.threads.find((x) => x.threadNo === threadNo);
      d = deriverOf(this.base, this.set).derive(threadNo, t?.eventCount ?? 0);
      this.set.threads.set(threadNo, d);
    }
    return d;
  }

  /**
   * Derive the streams of these threads now, a few blocks at a time, letting
   * other work run in between: `onProgress` hears events done of the total;
   * an abort stops between steps (what was derived stays kept).
   */
  async prepare(threadNos: number[], onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    if (this.cmp.reference) return;
    this.set ??= derivedSet(this.base, this.cmp);
    const set = this.set;
    const count = (n: number): number => this.base.threads.find((t) => t.threadNo === n)?.eventCount ?? 0;
    const total = threadNos.reduce((a, n) => a + count(n), 0);
    let done = 0;
    for (const n of threadNos) {
      if (set.threads.has(n)) {
        done += count(n);
        continue;
      }
      const steps = deriverOf(this.base, set).steps(n, count(n));
      for (;;) {
        const r = steps.next();
        if (r.done) {
          set.threads.set(n, r.value);
          break;
        }
        onProgress(done + r.value * BLOCK_SIZE, total);
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (signal?.aborted) return;
      }
      done += count(n);
      onProgress(done, total);
    }
  }

  /** Whether a thread's stream is derived already (nothing to wait for). */
  isDerived(threadNo: number): boolean {
    if (this.cmp.reference) return true;
    this.set ??= derivedSet(this.base, this.cmp);
    return this.set.threads.has(threadNo);
  }

  /**
   * Block `no` of a thread's stream (stream positions [no × BLOCK_SIZE, …)):
   * under the reference's rules the index's block itself (keys canonicalized
   * as asked); under others the index's keys with the changed ones laid over
   * them, gathered through the map where events are left out.
   */
  streamBlock(threadNo: number, no: number): StreamBlock {
    const last = this.lastBlock.get(threadNo);
    if (last && last.no === no) return last.block;
    const block = this.makeStreamBlock(threadNo, no);
    this.lastBlock.set(threadNo, { no, block });
    return block;
  }

  /** The stream block each thread was last asked for (the rows of a window ask for one block again and again). */
  private readonly lastBlock = new Map<number, { no: number; block: StreamBlock }>();

  private makeStreamBlock(threadNo: number, no: number): StreamBlock {
    const base = this.base;
    if (this.cmp.reference) {
      const b = base.block(threadNo, no);
      return { count: b.count, keys: base.keys(threadNo, no, this.cmp.canonicalize), flags: b.flags, idx: b.idx };
    }
    const d = this.derived(threadNo)!;
    const cols = baseColumns(base, threadNo, this.cmp.canonicalize);
    const lo = no * BLOCK_SIZE;
    const n = Math.max(0, Math.min(d.length, lo + BLOCK_SIZE) - lo);
    const c0 = d.firstChangeFrom(lo);
    const changes = c0 < d.changed.length && d.changed[c0]! < lo + n;
    let keys: Uint32Array;
    let flags: Uint8Array;
    let idx: Float64Array;
    if (!d.positions) {
      // The index's columns themselves, copied only where the rules change something in the block.
      keys = cols.keys.subarray(KEY_WORDS * lo, KEY_WORDS * (lo + n));
      flags = cols.flags.subarray(lo, lo + n);
      idx = cols.idx.subarray(lo, lo + n);
      if (changes) keys = keys.slice();
      if (changes || d.idxSkip) flags = flags.slice();
    } else {
      keys = new Uint32Array(KEY_WORDS * n);
      flags = new Uint8Array(n);
      idx = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const tp = d.positions[lo + i]!;
        keys[KEY_WORDS * i] = cols.keys[KEY_WORDS * tp]!;
        keys[KEY_WORDS * i + 1] = cols.keys[KEY_WORDS * tp + 1]!;
        keys[KEY_WORDS * i + 2] = cols.keys[KEY_WORDS * tp + 2]!;
        keys[KEY_WORDS * i + 3] = cols.keys[KEY_WORDS * tp + 3]!;
        idx[i] = cols.idx[tp]!;
        flags[i] = cols.flags[tp]!;
      }
    }
    if (d.idxSkip) for (let i = 0; i < n; i++) if (d.idxSkip[lo + i]) flags[i]! |= DFLAG_IDX_SKIPPED;
    for (let c = c0; c < d.changed.length && d.changed[c]! < lo + n; c++) {
      const i = d.changed[c]! - lo;
      keys.set(d.changedKeys.subarray(KEY_WORDS * c, KEY_WORDS * c + KEY_WORDS), KEY_WORDS * i);
      flags[i]! |= d.changedFlags[c]!;
    }
    return { count: n, keys, flags, idx };
  }

  /** The position in the thread of a stream position. */
  threadPos(threadNo: number, pos: number): number {
    const p = this.cmp.reference || this.cmp.rules.ignoreKinds.length === 0 ? null : this.derived(threadNo)!.positions;
    return p ? p[pos]! : pos;
  }

  /** The stream position of the first kept event at or after a position in the thread. */
  streamPos(threadNo: number, threadPos: number): number {
    const p = this.cmp.reference || this.cmp.rules.ignoreKinds.length === 0 ? null : this.derived(threadNo)!.positions;
    if (!p) return threadPos;
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (p[mid]! < threadPos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The event at a stream position, exactly as json.loads reads it, rewritten as the rules canonicalize it. */
  event(threadNo: number, pos: number): PyDict {
    if (this.cmp.reference) return this.base.event(threadNo, pos, this.cmp.canonicalize);
    const d = this.derived(threadNo)!;
    // An event the rules leave as the index has it is canonicalized as the index's key is; another, as the rules rewrite it.
    if (d.changeAt(pos) < 0) return this.base.event(threadNo, this.threadPos(threadNo, pos), this.cmp.canonicalize);
    const ev = this.base.event(threadNo, this.threadPos(threadNo, pos), false);
    const marks = d.sentinels.get(pos);
    if (marks) for (const m of marks) applySentinel(ev, m);
    return ev;
  }

  lineNumber(threadNo: number, pos: number): number {
    return this.base.lineNumber(threadNo, this.threadPos(threadNo, pos));
  }

  lineLength(threadNo: number, pos: number): number {
    return this.base.lineLength(threadNo, this.threadPos(threadNo, pos));
  }

  prefetch(threadNo: number, from: number, to: number): void {
    if (to <= from) return;
    this.base.prefetch(threadNo, this.threadPos(threadNo, from), this.threadPos(threadNo, to - 1) + 1);
  }

  /** The stream position of the first event whose tid_event_idx is >= idx. */
  positionOfIdx(threadNo: number, idx: number): number {
    return this.streamPos(threadNo, this.base.positionOfIdx(threadNo, idx));
  }

  /** tid_event_idx at a stream position, as the index holds it (NaN where not a number). */
  idxAt(threadNo: number, pos: number): number {
    const [b, i] = this.base.locate(threadNo, this.threadPos(threadNo, pos));
    return b.idx[i]!;
  }

  close(): void {
    this.base.close();
  }
}

/** Write a canonicalized value into an event read back (as the reference rewrites payload["return_value"]). */
function applySentinel(ev: PyDict, s: Sentinel): void {
  let d: unknown = ev;
  for (let i = 0; i < s.path.length - 1; i++) {
    if (!isDict(d as PyDict)) return;
    d = (d as PyDict).get(s.path[i]!);
  }
  if (!isDict(d as PyDict)) return;
  const last = s.path[s.path.length - 1]!;
  if ((d as PyDict).has(last) || s.always) (d as PyDict).set(last, s.value);
}
