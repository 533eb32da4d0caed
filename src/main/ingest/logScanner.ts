// One log, line by line: validation as the reference's load_events does it
// (header, JSON, tid, tid_event_idx order, the reference's own crashes), and
// each event's compact keys for the index — from the fast byte scanner where
// it can, from the exact Python-compatible parser where it cannot. Blocks go
// to a LogSink as they fill; the threads and totals at the end.
import { jsonDumpsExact, pyRepr } from '../py/format';
import { JsonDecodeError, pyJsonLoads } from '../py/parse';
import { PyError, pyEq, pyHashKey, pyLe, pyTruthy, pyTypeName, type PyDict, type PyValue } from '../py/value';
import { ALLOCATOR_RETURN_FNS } from '../rules/referenceRules';
import { BLOCK_SIZE, EventBlockBuilder, FLAG_ALLOCATOR, FLAG_FORCE_EXACT, FLAG_IDX_INEXACT } from '../store/eventBlock';
import { ByteArena, type PendingEvents } from '../store/eventArena';
import { SpillFile } from '../store/spillFile';
import { ChunkCutter } from '../store/keyChunks';
import { FieldBlockBuilder, SHAPE_DICT, SHAPE_MISSING, SHAPE_OTHER } from '../store/fieldBlocks';
import type { ThreadRow } from '../store/logIndex';
import type { LogSink } from '../store/logWriter';
import { EventScanner } from './eventScanner';
import { featureRecord } from '../store/threadFeatures';
import { callToken, NameHashes, ThreadSketch } from './threadSketch';
import { FieldRecorder } from './fieldRecorder';
import { CutLogError, LogInputError } from './logErrors';
import { entryBegin, eventKey, feedPyValue, hashPyValue, KEY_STATUS, PayloadEntries, skipMaskFor, specialKey, type PayloadShape } from './valueHash';

/** What tells a cut log: its size (known once it is read to the end), and what to do with a last line cut short. */
export interface CutCheck {
  size: number;
  acceptTruncated: boolean;
  /** A compressed file whose data ends early (it is cut short, wherever its lines end): in words; else null. */
  fileCut?: string | null;
}

const MISSING = Symbol('missing');
type Maybe = PyValue | typeof MISSING;

interface ThreadState {
  row: ThreadRow;
  prevIdx: Maybe;
  orderError: LogInputError | null;
  canonCrash: { line: number; message: string } | null;
  allocCounters: Map<string, number>;
  /** Its events not packed into a block yet, with their fields (store/fieldBlocks.ts). */
  pending: PendingEvents;
  chunks: ChunkCutter;
  blockNo: number;
  sketch: ThreadSketch;
}

/** What one event line yields for the index, from the scanner or the exact parser. */
interface EventKeys {
  tidKey: string;
  /** The tid when it is a plain number (the last-thread cache keys on it), else NaN. */
  tidNumber: number;
  idx: Maybe;
  kind: Maybe;
  payloadShape: PayloadShape;
  /** `payload or {}` is the payload itself (a non-empty dict, list, …). */
  payloadTruthy: boolean;
  name: Maybe;
  hasStatus: boolean;
  entries: PayloadEntries;
  kindWords: Uint32Array;
  otherWords: Uint32Array | null;
  flags: number;
  allocName: string | null;
  canonCrash: string | null;
  /** The kind's id in the log's kinds (the field blocks). */
  kindId: number;
}

const keyRaw = new Uint32Array(4);
const keyMasked = new Uint32Array(4);

/** Hash an exact event's kind and payload into the parts of its key; the flags they call for. */
function hashExactParts(
  kind: Maybe,
  payload: Maybe,
  entries: PayloadEntries,
  kindWords: Uint32Array,
  otherWords: Uint32Array,
): { shape: PayloadShape; flags: number } {
  let flags = 0;
  hashPyValue(kind === MISSING ? null : kind, kindWords);
  entries.clear();
  let shape: PayloadShape = 'missing';
  if (payload instanceof Map) {
    shape = 'dict';
    for (const [k, v] of payload) {
      if (typeof v === 'number' && Number.isNaN(v)) flags |= FLAG_FORCE_EXACT; // NaN != NaN at the top of a payload
      entryBegin(k);
      feedPyValue(v);
      entries.push(specialKey(k), v === null);
    }
  } else if (payload !== MISSING) {
    shape = 'other';
    flags |= FLAG_FORCE_EXACT; // compare_payload fails on a payload that is not a dict
    hashPyValue(payload, otherWords);
  }
  return { shape, flags };
}

const checkEntries = new PayloadEntries();
const checkKindWords = new Uint32Array(4);
const checkOtherWords = new Uint32Array(4);

/**
 * The raw key of an event read back from its log, under the index's secret:
 * equal to the indexed key when the line is what was indexed (the viewer
 * checks every event it shows with it, so a log rewritten in place is noticed,
 * never shown as what it was).
 */
export function exactEventKey(ev: PyDict, out: Uint32Array): void {
  const kind: Maybe = ev.has('kind') ? ev.get('kind')! : MISSING;
  const payload: Maybe = ev.has('payload') ? ev.get('payload')! : MISSING;
  const { shape } = hashExactParts(kind, payload, checkEntries, checkKindWords, checkOtherWords);
  eventKey(checkKindWords, shape, checkEntries, shape === 'other' ? checkOtherWords : null, skipMaskFor(kind === MISSING ? null : kind), false, out, 0);
}

export class LogScanner {
  private readonly threads = new Map<string, ThreadState>();
  /** Every thread's pending events and fields, packed in one arena: many short threads cost what they hold (past a budget, a file). */
  private readonly arena: ByteArena;
  /** Where a full (or last) block is gathered to be packed, with its fields. */
  private readonly packing = new EventBlockBuilder();
  private readonly packingFields = new FieldBlockBuilder();
  private readonly order: ThreadState[] = [];
  private lastTid = NaN;
  private lastThread: ThreadState | null = null;
  private sawHeader = false;
  events = 0;
  lines = 0;

  /** The line left out as cut short (only when a cut log is accepted). */
  cutLine: number | null = null;

  /** Every payload entry as it is hashed: the index's field dictionary (set it to record while this scanner reads). */
  readonly recorder: FieldRecorder;
  private idScratch = new Int32Array(64);

  constructor(
    private readonly label: string,
    private readonly writer: LogSink,
    private readonly exactOnly = false,
    /** The log's size (to know its last line), and whether a last line cut short is left out rather than refused. */
    private readonly cut: CutCheck | null = null,
    /** Where pending events may be spilled (store/spillFile.ts); null: kept in memory. */
    spillDir: string | null = null,
  ) {
    this.arena = new ByteArena(spillDir === null ? null : new SpillFile(spillDir));
    this.recorder = new FieldRecorder((chunk) => this.writer.addFieldChunk(chunk));
  }

  fail(line: number | null, reason: string): never {
    throw new LogInputError(this.label, line, reason);
  }

  /**
   * A line that cannot be read (not JSON, not UTF-8). The log's last line,
   * with no line end after it, is a log cut short: left out when that is
   * accepted, otherwise refused as the reference refuses it, saying it is cut.
   */
  badLine(line: number, offset: number, length: number, reason: string): 'skip' {
    // Cut short: the file ends inside the line (a line the engine finished has its line end).
    if (!this.cut || offset + length !== this.cut.size) this.fail(line, reason);
    if (this.cut!.acceptTruncated) {
      this.cutLine = line;
      return 'skip';
    }
    const why = this.cut!.fileCut ? `${this.cut!.fileCut}, inside this line` : `${reason}; it is the log's last line, cut short (a run that crashed?)`;
    throw new CutLogError(this.label, line, `${why}: accept a cut log to use the lines before it`);
  }

  /** The reference would die here with a Python exception. */
  crash(line: number | null, what: string, e: PyError | string): never {
    const why = typeof e === 'string' ? e : e.message;
    this.fail(line, `${what} (the reference fails here with ${why})`);
  }

  header(text: string, lineNo: number): void {
    this.sawHeader = true;
    let hdr: PyValue;
    try {
      hdr = pyJsonLoads(text);
    } catch (e) {
      if (e instanceof JsonDecodeError) this.crash(lineNo, `the header is not valid JSON`, `${e.pyType}: ${e.message}`);
      throw e;
    }
    if (!(hdr instanceof Map)) {
      this.crash(lineNo, 'the header is not a JSON object', `AttributeError: '${pyTypeName(hdr)}' object has no attribute 'get'`);
    }
    const kind = hdr.get('kind');
    if (!pyEq(kind, 'schema_version')) this.fail(lineNo, `first event is not schema_version (got ${pyRepr(kind)})`);
    const version = hdr.get('schema_version');
    if (!pyEq(version, 1n)) this.fail(lineNo, `schema_version mismatch (expected 1, got ${pyRepr(version)})`);
  }

  line(buf: Buffer, start: number, end: number, offset: number, lineNo: number): void {
    this.lines = lineNo;
    if (!this.sawHeader) return this.header(buf.toString('utf8', start, end), lineNo);
    if (end === start) return; // blank lines are skipped
    let keys: EventKeys;
    let exactValue: PyDict | undefined;
    if (!this.exactOnly && this.scanner.scan(buf, start, end)) keys = this.fromScanner();
    else {
      const text = buf.toString('utf8', start, end);
      let v: PyValue;
      try {
        v = pyJsonLoads(text);
      } catch (e) {
        if (!(e instanceof JsonDecodeError)) throw e;
        if (e.pyType === 'JSONDecodeError') {
          this.badLine(lineNo, offset, end - start, `invalid JSON (${e.message})`);
          return;
        }
        this.crash(lineNo, 'the line cannot be read', `${e.pyType}: ${e.message}`);
      }
      if (!(v instanceof Map)) {
        this.crash(lineNo, 'the event is not a JSON object', `AttributeError: '${pyTypeName(v)}' object has no attribute 'get'`);
      }
      exactValue = v;
      keys = this.fromExact(v, lineNo);
    }
    this.commit(keys, buf, start, end, exactValue, offset, lineNo);
  }

  private readonly scanner = new EventScanner();
  private readonly nameHashes = new NameHashes();
  private readonly exactEntries = new PayloadEntries();
  private readonly exactKindWords = new Uint32Array(4);
  private readonly exactOtherWords = new Uint32Array(4);

  private fromScanner(): EventKeys {
    const sc = this.scanner;
    const kind = sc.kind;
    let allocName: string | null = null;
    let flags = 0;
    if (kind === 'kernel.return' && typeof sc.name === 'string' && ALLOCATOR_RETURN_FNS.has(sc.name) && sc.entries.n > 0) {
      allocName = sc.name;
      flags |= FLAG_ALLOCATOR;
    }
    return {
      tidKey: sc.tidKey,
      tidNumber: sc.tidNumber,
      idx: sc.idx,
      kind,
      payloadShape: sc.payloadShape,
      payloadTruthy: sc.entries.n > 0,
      name: sc.name === undefined ? MISSING : sc.name,
      hasStatus: sc.entries.has(KEY_STATUS),
      entries: sc.entries,
      kindWords: sc.kindWords,
      otherWords: null,
      flags,
      allocName,
      canonCrash: null,
      kindId: this.recorder.kindOfString(kind, sc.kindWords),
    };
  }

  /** The same keys from an exact value (lines the scanner leaves to the exact parser). */
  private fromExact(ev: PyDict, lineNo: number): EventKeys {
    const tid = ev.get('tid');
    if (tid === undefined || tid === null) this.fail(lineNo, 'missing tid');
    let tidKey: string;
    try {
      tidKey = pyHashKey(tid);
    } catch (e) {
      if (e instanceof PyError) this.crash(lineNo, `the tid is a ${pyTypeName(tid)}`, e);
      throw e;
    }
    const idx: Maybe = ev.has('tid_event_idx') ? ev.get('tid_event_idx')! : MISSING;
    const kind: Maybe = ev.has('kind') ? ev.get('kind')! : MISSING;
    const payload: Maybe = ev.has('payload') ? ev.get('payload')! : MISSING;
    const isNaN = (v: Maybe): boolean => typeof v === 'number' && Number.isNaN(v);

    let flags = 0;
    // A NaN tid_event_idx only matters to the positional comparison: FLAG_IDX_INEXACT (below) makes it read the event back.
    if (kind === MISSING || (typeof kind === 'object' && kind !== null) || isNaN(kind)) flags |= FLAG_FORCE_EXACT;
    if (!(typeof idx === 'number' || typeof idx === 'boolean' || (typeof idx === 'bigint' && idx >= -(2n ** 53n) && idx <= 2n ** 53n))) {
      flags |= FLAG_IDX_INEXACT;
    }

    const entries = this.exactEntries;
    const hashed = hashExactParts(kind, payload, entries, this.exactKindWords, this.exactOtherWords);
    const shape = hashed.shape;
    flags |= hashed.flags;

    // Allocator canonicalization (canonicalize_allocator_returns): `payload or {}`, then its name.
    let allocName: string | null = null;
    let canonCrash: string | null = null;
    const truthy = payload !== MISSING && pyTruthy(payload);
    const name: Maybe = payload instanceof Map && payload.has('name') ? payload.get('name')! : MISSING;
    if (kind === 'kernel.return' && truthy) {
      if (!(payload instanceof Map)) canonCrash = `AttributeError: '${pyTypeName(payload as PyValue)}' object has no attribute 'get'`;
      else if (typeof name === 'object' && name !== null) canonCrash = `TypeError: unhashable type: '${pyTypeName(name)}'`;
      else if (typeof name === 'string' && ALLOCATOR_RETURN_FNS.has(name)) {
        allocName = name;
        flags |= FLAG_ALLOCATOR;
      }
    }
    return {
      tidKey,
      tidNumber: NaN,
      idx,
      kind,
      payloadShape: shape,
      payloadTruthy: truthy,
      name,
      hasStatus: payload instanceof Map && payload.has('status'),
      entries,
      kindWords: this.exactKindWords,
      otherWords: shape === 'other' ? this.exactOtherWords : null,
      flags,
      allocName,
      canonCrash,
      kindId: this.recorder.kindOf(kind === MISSING ? undefined : kind, this.exactKindWords),
    };
  }

  private thread(keys: EventKeys, exact: () => PyDict, lineNo: number): ThreadState {
    if (this.lastThread !== null && keys.tidNumber === this.lastTid) return this.lastThread;
    let th = this.threads.get(keys.tidKey);
    if (th === undefined) {
      // The report prints the tid as first seen (Python keeps the first key object): read it exactly.
      th = {
        row: {
          threadNo: this.order.length,
          tidKey: keys.tidKey,
          tidJson: jsonDumpsExact(exact().get('tid')),
          eventCount: 0,
          firstLine: lineNo,
          firstCallLine: null,
          firstCallNameJson: null,
          firstCallCrash: null,
          firstIdx: null,
          lastIdx: null,
        },
        prevIdx: MISSING,
        orderError: null,
        canonCrash: null,
        allocCounters: new Map(),
        pending: this.arena.thread(),
        chunks: new ChunkCutter(),
        blockNo: 0,
        sketch: new ThreadSketch(),
      };
      this.threads.set(keys.tidKey, th);
      this.order.push(th);
    }
    this.lastTid = keys.tidNumber;
    this.lastThread = th;
    return th;
  }

  private commit(keys: EventKeys, buf: Buffer, start: number, end: number, exactValue: PyDict | undefined, offset: number, lineNo: number): void {
    let exactCache = exactValue;
    const exact = (): PyDict => (exactCache ??= pyJsonLoads(buf.toString('utf8', start, end)) as PyDict);
    const th = this.thread(keys, exact, lineNo);
    const pos = th.row.eventCount;
    const idx = keys.idx;

    // load_events' order check: only where tid_event_idx differs from the position.
    if (th.orderError === null && idx !== pos && !(idx !== MISSING && pyEq(idx, BigInt(pos)))) {
      if (pos > 0) {
        if (idx === MISSING) th.orderError = this.crashError(lineNo, 'the event has no tid_event_idx', "KeyError: 'tid_event_idx'");
        else if (th.prevIdx === MISSING) {
          th.orderError = this.crashError(lineNo, 'the previous event of this thread has no tid_event_idx', "KeyError: 'tid_event_idx'");
        } else {
          try {
            if (pyLe(idx, th.prevIdx)) {
              th.orderError = new LogInputError(
                this.label,
                lineNo,
                `tid=${pyStrTid(th)} events out of order at index ${pos} (tid_event_idx ${pyRepr(idx)} after ${pyRepr(th.prevIdx)})`,
              );
            }
          } catch (e) {
            if (!(e instanceof PyError)) throw e;
            th.orderError = this.crashError(lineNo, 'tid_event_idx cannot be ordered', e.message);
          }
        }
      }
    }
    th.prevIdx = idx;

    if (keys.canonCrash !== null && th.canonCrash === null) {
      th.canonCrash = {
        line: lineNo,
        message: `allocator canonicalization cannot read this kernel.return's payload (the reference fails here with ${keys.canonCrash})`,
      };
    }

    // The thread's first kernel.call names it for the automatic tid mapping.
    if (keys.kind === 'kernel.call' && th.row.firstCallLine === null) {
      th.row.firstCallLine = lineNo;
      const ev = exact();
      const payload = ev.has('payload') ? ev.get('payload') : undefined;
      if (payload === undefined) th.row.firstCallCrash = "KeyError: 'payload'";
      else if (!(payload instanceof Map)) th.row.firstCallCrash = `AttributeError: '${pyTypeName(payload)}' object has no attribute 'get'`;
      else {
        const name = payload.get('name');
        if (name !== undefined && name !== null) {
          if (typeof name === 'object') th.row.firstCallCrash = `TypeError: unhashable type: '${pyTypeName(name)}'`;
          th.row.firstCallNameJson = jsonDumpsExact(name);
        }
      }
    }

    // Keys: the event's, and for an allocator return its masked key, from which the
    // canonical key (with its ordinal) is derived (store/eventBlock.ts canonicalKey).
    const skipMask = skipMaskFor(keys.kind === MISSING ? null : keys.kind);
    eventKey(keys.kindWords, keys.payloadShape, keys.entries, keys.otherWords, skipMask, false, keyRaw, 0);
    let ordinal = -1;
    if (keys.allocName !== null) {
      ordinal = th.allocCounters.get(keys.allocName) ?? 0;
      th.allocCounters.set(keys.allocName, ordinal + 1);
      eventKey(keys.kindWords, keys.payloadShape, keys.entries, keys.otherWords, skipMask, true, keyMasked, 0);
    } else keyMasked.set(keyRaw);
    this.sketch(th, keys);

    const entryCount = keys.payloadShape === 'dict' ? keys.entries.n : 0;
    if (this.idScratch.length < entryCount) this.idScratch = new Int32Array(2 * entryCount);
    if (entryCount > 0) keys.entries.sortedIds(this.idScratch);
    const idxNum =
      typeof idx === 'number'
        ? idx
        : typeof idx === 'boolean'
          ? Number(idx)
          : typeof idx === 'bigint' && (keys.flags & FLAG_IDX_INEXACT) === 0
            ? Number(idx)
            : NaN;
    const p = th.pending;
    p.add(offset, end - start, lineNo, idxNum, keyRaw, keyMasked, ordinal, keys.flags);
    p.addFields(
      keys.kindId,
      keys.payloadShape === 'dict' ? SHAPE_DICT : keys.payloadShape === 'other' ? SHAPE_OTHER : SHAPE_MISSING,
      this.idScratch,
      entryCount,
    );
    if (pos === 0) th.row.firstIdx = Number.isNaN(idxNum) ? null : idxNum;
    th.row.lastIdx = Number.isNaN(idxNum) ? null : idxNum;
    th.row.eventCount = pos + 1;
    this.events++;
    if (p.count === BLOCK_SIZE) this.pack(th);
    else if (this.arena.overBudget) for (const t of this.order) t.pending.spill(this.arena.spillFile!);
  }

  /** Remove the spill file (after finish, or on an error). */
  close(): void {
    this.arena.spillFile?.close();
  }

  /** The thread's pending events as its next block, to the sink, with their fields. */
  private pack(th: ThreadState): void {
    th.pending.moveTo(this.packing, this.packingFields);
    this.writer.addBlock(th.row.threadNo, th.blockNo++, this.packing, th.chunks, this.packingFields);
  }

  /** The thread's stream summary for the similarity mapping: its calls by name, its entry point. */
  private sketch(th: ThreadState, keys: EventKeys): void {
    const kind = keys.kind;
    if (kind === 'kernel.call' || kind === 'import.call') {
      const token = callToken(kind, keys.name);
      th.sketch.call(token, this.nameHashes.of(token));
    } else if (kind === 'thread.create') {
      th.sketch.threadCreate((keyRaw[0]! >>> 0).toString(16).padStart(8, '0') + (keyRaw[1]! >>> 0).toString(16).padStart(8, '0'));
    }
  }

  private crashError(line: number, what: string, why: string): LogInputError {
    return new LogInputError(this.label, line, `${what} (the reference fails here with ${why})`);
  }

  /** End of file: the checks the reference makes after reading everything, then the index is written. */
  finish(contentSize: number): void {
    if (!this.sawHeader) this.fail(null, 'empty file');
    for (const th of this.order) if (th.orderError) throw th.orderError;
    for (const th of this.order) if (th.pending.count > 0) this.pack(th);
    this.recorder.flush();
    const crash = this.order.find((t) => t.canonCrash !== null)?.canonCrash ?? null;
    this.writer.addThreadFeatures(this.order.map((t) => featureRecord(t.sketch.features(t.row.threadNo))));
    this.writer.finish(
      this.order.map((t) => t.row),
      {
        eventCount: this.events,
        lineCount: this.lines,
        canonCrash: crash,
        cutLine: this.cutLine,
        contentSize,
        fieldNames: { keys: this.recorder.keys, kinds: this.recorder.kinds },
      },
    );
  }
}

function pyStrTid(th: ThreadState): string {
  const tid = pyJsonLoads(th.row.tidJson);
  return typeof tid === 'string' ? tid : pyRepr(tid);
}
